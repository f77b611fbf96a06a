"""The alert outbox (storage.alerts.Alerts): one alert per (rule, story) ever, emails claimed before
they are sent, back-off on failure, outlet counts for "now reported by N outlets". SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from crawler.stages import store_page
from storage.alert_models import Alert, AlertEmail, AlertStatus, EmailStatus
from storage.alerts import Alerts, new_message_id, retry_delay
from storage.db import session_scope
from storage.records import StoreOutcome
from tests.storage_fixtures import FETCHED, db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_dedup_fingerprints import REPUBLISHED, UNRELATED, WIRE

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
REUTERS = "https://www.reuters.com/world/iran-takes-delivery-su-35"
COPY = "https://www.tehrantimes.com/news/iran-su-35-delivered"
OTHER = "https://kyivindependent.com/shaheds-downed"


def store(engine, url: str, text: str, source: str = "Reuters", **fields):
    with session_scope(engine) as session:
        return store_page(session, record(url, text, source=source, **fields))


def record_match(engine, rule: str, article_id: int, terms=("su-35",), at: datetime = NOW, **kw) -> bool:
    with session_scope(engine) as session:
        return Alerts(session).record_match(rule, article_id, "instant", list(terms), at, **kw)


def alert_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Alert))


def queue(engine, alert_ids: list[int], recipient: str = "analyst@example.org", at: datetime = NOW) -> int:
    with session_scope(engine) as session:
        items = [(alert_id, False, 1) for alert_id in alert_ids]
        message_id = new_message_id(alert_ids, "example.org")
        return Alerts(session).queue_email(recipient, ["su35"], "subject", message_id, b"raw", items, at)


def test_a_match_is_recorded_once_per_rule_and_story(engine) -> None:
    article = store(engine, REUTERS, WIRE).article_id
    assert record_match(engine, "su35", article) is True
    assert record_match(engine, "su35", article, at=NOW + timedelta(hours=3)) is False  # a re-crawl matches again
    assert record_match(engine, "iran-drones", article, terms=["shahed"]) is True  # another rule: its own alert
    assert alert_count(engine) == 2


def test_an_updated_article_does_not_alert_again(engine) -> None:
    first = store(engine, REUTERS, WIRE)
    assert record_match(engine, "su35", first.article_id)
    updated = store(engine, REUTERS, WIRE + "\nUpdates with Kremlin comment.", fetched_at=FETCHED + timedelta(hours=2))
    assert updated.outcome is StoreOutcome.UPDATED and updated.article_id == first.article_id
    assert record_match(engine, "su35", updated.article_id) is False
    assert alert_count(engine) == 1


def test_a_near_duplicate_copy_at_another_outlet_is_the_same_story(engine) -> None:
    original = store(engine, REUTERS, WIRE).article_id
    assert record_match(engine, "su35", original) is True
    copy = store(engine, COPY, REPUBLISHED, source="Tehran Times")
    assert copy.outcome is StoreOutcome.DUPLICATE and copy.duplicate_of == original
    assert record_match(engine, "su35", copy.article_id, at=NOW + timedelta(hours=1)) is False
    assert alert_count(engine) == 1


def test_the_first_copy_to_match_owns_the_story(engine) -> None:
    original = store(engine, REUTERS, WIRE).article_id
    copy = store(engine, COPY, REPUBLISHED, source="Tehran Times").article_id
    assert record_match(engine, "su35", copy) is True  # the copy matched first (say, by its title)
    assert record_match(engine, "su35", original) is False
    with session_scope(engine) as session:
        [alert] = session.scalars(select(Alert)).all()
        assert (alert.story_id, alert.article_id) == (original, copy)


def test_story_outlets_counts_distinct_sources_of_the_story_and_its_copies(engine) -> None:
    original = store(engine, REUTERS, WIRE).article_id
    with session_scope(engine) as session:
        assert Alerts(session).story_outlets(original) == 1
    store(engine, COPY, REPUBLISHED, source="Tehran Times")
    store(engine, COPY + "-amp-copy", REPUBLISHED + " ", source="Tehran Times")  # same outlet twice: one outlet
    store(
        engine,
        "https://www.iranintl.com/en/su35",
        REPUBLISHED.replace("Monday", "Tuesday"),
        source="Iran International",
    )
    with session_scope(engine) as session:
        assert Alerts(session).story_outlets(original) == 3
        assert Alerts(session).story_outlets(999_999) == 0
        # By name for "reported by 3 outlets: …", the first to carry the story first.
        assert Alerts(session).story_outlet_names_many([original, 999_999]) == {
            original: ["Reuters", "Tehran Times", "Iran International"]
        }


def test_due_returns_pending_alerts_matched_by_now_oldest_first(engine) -> None:
    su35 = store(engine, REUTERS, WIRE).article_id
    drones = store(engine, OTHER, UNRELATED, source="Kyiv Independent").article_id
    record_match(engine, "su35", su35, at=NOW)
    record_match(engine, "drones", drones, at=NOW - timedelta(minutes=5))
    record_match(engine, "later", drones, at=NOW + timedelta(minutes=5))
    with session_scope(engine) as session:
        assert [alert.rule for alert in Alerts(session).due(NOW)] == ["drones", "su35"]
        assert [alert.rule for alert in Alerts(session).due(NOW, mode="daily")] == []


def test_spans_are_kept_with_the_text_they_matched(engine) -> None:
    article = store(engine, REUTERS, WIRE, title="Iran takes delivery of Su-35s").article_id
    start = WIRE.index("Su-35")
    record_match(engine, "su35", article, spans=[("text", start, start + 5), ("title", 23, 28)])
    with session_scope(engine) as session:
        [alert] = session.scalars(select(Alert)).all()
        assert alert.spans == [["text", start, start + 5, "Su-35"], ["title", 23, 28, "Su-35"]]


def test_an_email_is_claimed_before_sending_and_not_claimed_twice(engine) -> None:
    record_match(engine, "su35", store(engine, REUTERS, WIRE).article_id)
    with session_scope(engine) as session:
        [alert] = Alerts(session).due(NOW)
    email_id = queue(engine, [alert.id])
    with session_scope(engine) as session:
        assert Alerts(session).due(NOW) == []  # queued: no second email for it
        [claimed] = Alerts(session).claim_emails(NOW)
        assert (claimed.id, claimed.attempts, claimed.last_attempt_at) == (email_id, 1, NOW)
    with session_scope(engine) as session:
        assert Alerts(session).claim_emails(NOW + timedelta(minutes=9)) == []  # leased to the first sender
    with session_scope(engine) as session:  # the sender died: the lease ends, the email is sent again
        [again] = Alerts(session).claim_emails(NOW + timedelta(minutes=10))
        assert (again.id, again.attempts, again.message_id) == (email_id, 2, claimed.message_id)


def test_a_failed_email_is_retried_with_capped_exponential_back_off(engine) -> None:
    record_match(engine, "su35", store(engine, REUTERS, WIRE).article_id)
    with session_scope(engine) as session:
        [alert] = Alerts(session).due(NOW)
    email_id = queue(engine, [alert.id])
    at, waits = NOW, []
    for _ in range(9):
        with session_scope(engine) as session:
            [claimed] = Alerts(session).claim_emails(at)
            next_at = Alerts(session).mark_failed(claimed.id, "cannot connect to smtp:25: connection refused", at)
        with session_scope(engine) as session:
            assert Alerts(session).claim_emails(next_at - timedelta(seconds=1)) == []
        waits.append(int((next_at - at).total_seconds() // 60))
        at = next_at
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    with session_scope(engine) as session:
        email = session.get(AlertEmail, email_id)
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 9)  # never given up
        assert email.last_error == "cannot connect to smtp:25: connection refused"
        [state] = Alerts(session).recent()
        assert (state.status, state.attempts, state.next_attempt_at) == (AlertStatus.QUEUED, 9, at)
        assert state.last_error.endswith("connection refused")


def test_retry_delay_doubles_from_one_minute_to_one_hour() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 7, 50)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_an_alert_is_sent_when_every_email_carrying_it_is_done(engine) -> None:
    record_match(engine, "su35", store(engine, REUTERS, WIRE).article_id)
    with session_scope(engine) as session:
        [alert] = Alerts(session).due(NOW)
    to_a, to_b = queue(engine, [alert.id], "a@example.org"), queue(engine, [alert.id], "b@example.org")
    with session_scope(engine) as session:
        Alerts(session).claim_emails(NOW)
        Alerts(session).mark_sent(to_a, NOW)
    with session_scope(engine) as session:
        assert session.get(Alert, alert.id).status == AlertStatus.QUEUED
        Alerts(session).mark_refused(to_b, "550 5.1.1 no such user", NOW)
    with session_scope(engine) as session:
        assert (session.get(Alert, alert.id).status, session.get(Alert, alert.id).sent_at) == (AlertStatus.SENT, NOW)
        [state] = Alerts(session).recent()
        assert state.recipients == (("a@example.org", "sent"), ("b@example.org", "refused"))
        assert state.outlet == "Reuters" and state.url == REUTERS and len(state.message_ids) == 2
        assert Alerts(session).claim_emails(NOW + timedelta(days=1)) == []  # refused for good: not retried


def test_message_ids_are_unique_and_name_the_domain() -> None:
    first, second = new_message_id([7, 3], "example.org"), new_message_id([7, 3], "example.org")
    assert first != second
    assert first.startswith("<newswatch.3.") and first.endswith("@example.org>")


def test_updates_since_lists_sent_stories_carried_by_more_outlets_since(engine) -> None:
    original = store(engine, REUTERS, WIRE).article_id
    record_match(engine, "su35", original)
    with session_scope(engine) as session:
        [alert] = Alerts(session).due(NOW)
        assert Alerts(session).updates_since("su35") == []  # pending: not yet emailed
    queue(engine, [alert.id])
    with session_scope(engine) as session:
        assert Alerts(session).updates_since("su35") == []  # emailed with one outlet, still one
    store(engine, COPY, REPUBLISHED, source="Tehran Times")
    with session_scope(engine) as session:
        [(updated, outlets)] = Alerts(session).updates_since("su35")
        assert (updated.id, outlets) == (alert.id, 2)
        assert Alerts(session).updates_since("su35", {original}) == []
        assert Alerts(session).updates_since("other-rule") == []
    with session_scope(engine) as session:  # an email reports the update: it is not reported again
        Alerts(session).queue_email(
            "a@example.org", ["su35"], "s", new_message_id([], "x.org"), b"", [(alert.id, True, 2)], NOW
        )
    with session_scope(engine) as session:
        assert Alerts(session).updates_since("su35") == []
        assert session.get(Alert, alert.id).reported_outlets_at_send == 2


def test_an_email_claimed_by_a_process_that_is_gone_is_claimed_again_at_once(engine) -> None:
    import socket
    import subprocess
    import sys

    from crawler.alerts.delivery import claim_due

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_claimer = f"{socket.gethostname()}:{int(gone.stdout)}"  # a crawl killed between claim and send
    with session_scope(engine) as session:
        alerts = Alerts(session)
        alerts.queue_email("a@example.org", ["r"], "s", "<1@x>", b"raw", [], now)
        alerts.queue_email("b@example.org", ["r"], "s", "<2@x>", b"raw", [], now)
        first, second = alerts.claim_emails(now, claimer=dead_claimer)
        session.execute(
            AlertEmail.__table__.update().where(AlertEmail.id == second.id).values(claimed_by="other-host:1")
        )
    with session_scope(engine) as session:
        taken = claim_due(Alerts(session), now + timedelta(seconds=5))
    # The dead local claimer's lease is void; another host's claim keeps its lease (we cannot see it).
    assert [email.message_id for email in taken] == ["<1@x>"]
    assert taken[0].attempts == 2
