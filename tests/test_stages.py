"""The pipeline as stages (crawler/stages/): real fixture pages through extract → fingerprint → dedup →
store → match, on a real database (SQLite and PostgreSQL): what each page becomes, its frontier entry
settling in the same commit, and the match stage alerting each (rule, story) once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from crawler.alerts.rules import WatchRule
from crawler.dedup import canonical_url
from crawler.items import OutcomeKind, Page
from crawler.stages import PIPELINE, StageContext, run_pipeline
from crawler.stages.match import RuleSet, match_pending
from storage.alert_models import Alert
from storage.db import session_scope
from storage.frontier import Frontier
from storage.models import Article, CrawlFailure, FrontierState, FrontierUrl
from storage.runs import CrawlRuns
from tests.conftest import PAGES
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401

REUTERS = "https://www.reuters.com/world/russia-says-it-is-not-bound-by-expired-un-curbs-missile-trade-with-iran-2023-11-03/"
REUTERS_HTML = (PAGES / "wire_reuters_un_curbs_expired.html").read_bytes()
CHALLENGE_URL = "https://www.kyivpost.com/post/28417"
CHALLENGE_HTML = (PAGES / "challenge_cloudflare_just_a_moment.html").read_bytes()
CONSENT_URL = "https://www.independent.co.uk/news/world/europe/iran-russia-shahed-drones-alabuga-b2571934.html"
CONSENT_HTML = (PAGES / "consent_wall_independent.html").read_bytes()
EMPTY_URL = "https://www.aljazeera.com/video/newsfeed/2024/2/12/video-shahed-drones-roll-off-russian-assembly-line"
EMPTY_HTML = (PAGES / "aljazeera_video_only_empty.html").read_bytes()
# The same wire story syndicated on a portal: the same bytes, its own URLs.
COPY_URL = "https://www.yahoo.com/news/russia-says-not-bound-expired-094127321.html"
COPY_HTML = REUTERS_HTML.replace(REUTERS.encode(), COPY_URL.encode())

# An edit of the wire story: a paragraph naming the Alabuga drone plant, which the first version never did.
EDIT = (
    b"Britain, France and Germany have said they will keep their own national sanctions in place.",
    b"Britain, France and Germany have said they will keep their own national sanctions in place. "
    b"Satellite images show new production halls at the Alabuga special economic zone in Tatarstan, "
    b"where Iranian-designed drones are assembled.",
)
EDITED_HTML = REUTERS_HTML.replace(*EDIT)

DRONES = WatchRule("iran-drones", "shahed", ("analyst@example.org",))  # in the story's text
ALABUGA = WatchRule("alabuga", "alabuga", ("analyst@example.org",))  # only in the edit
TREATY_PORTS = WatchRule("ports", "bandar abbas", ("analyst@example.org",))  # nowhere
FETCHED = datetime(2026, 11, 30, 7, 45, tzinfo=UTC)


def page(url: str, body: bytes, *, source: str = "Reuters", at: datetime = FETCHED, **fields) -> Page:
    return Page(url=url, source=source, body=body, status=200, fetched_at=at, **fields)


def context(engine, *rules: WatchRule, rules_off: bool = False, **options) -> StageContext:
    return StageContext(engine=engine, rules=None if rules_off else RuleSet.compile(rules), **options)


def frontier_row(engine, url: str) -> FrontierUrl | None:
    with session_scope(engine) as session:
        row = session.scalars(select(FrontierUrl).where(FrontierUrl.url == url)).one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def needs_match(engine, article_id: int) -> bool:
    with session_scope(engine) as session:
        return session.get(Article, article_id).needs_match


def alerts(engine) -> list[tuple[str, int]]:
    with session_scope(engine) as session:
        return [(alert.rule, alert.story_id) for alert in session.scalars(select(Alert).order_by(Alert.id))]


def test_the_pipeline_runs_its_stages_in_order() -> None:
    assert tuple(stage.name for stage in PIPELINE) == ("extract", "fingerprint", "dedup", "store", "match")


def test_an_article_page_is_new_with_an_article_id(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, DRONES))
    assert done.outcome.kind is OutcomeKind.NEW
    assert done.outcome.article_id is not None
    with session_scope(engine) as session:
        article = session.get(Article, done.outcome.article_id)
        assert article.canonical_url == canonical_url(REUTERS)
        assert "Shahed drones" in article.text


def test_a_stored_article_settles_its_frontier_entry_in_the_same_database(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, DRONES))
    row = frontier_row(engine, REUTERS)
    assert (row.state, row.article_id, row.source) == (FrontierState.STORED, done.outcome.article_id, "Reuters")


def test_the_frontier_entry_is_the_url_requested_not_the_one_redirected_to(engine) -> None:
    requested = "https://www.reuters.com/article/idUSKBN31Z0AB"
    run_pipeline(page(REUTERS, REUTERS_HTML, requested_url=requested), context(engine, DRONES))
    assert frontier_row(engine, requested).state == FrontierState.STORED
    assert frontier_row(engine, REUTERS) is None


def test_the_match_stage_clears_the_mark(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, TREATY_PORTS))
    assert needs_match(engine, done.outcome.article_id) is False


def test_a_rule_naming_a_term_in_the_text_alerts(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, DRONES))
    assert done.outcome.alerts == 1
    assert alerts(engine) == [("iran-drones", done.outcome.article_id)]


def test_a_rule_naming_nothing_in_the_text_does_not_alert(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, TREATY_PORTS, ALABUGA))
    assert done.outcome.alerts == 0
    assert alerts(engine) == []


def test_without_rules_the_article_stays_marked(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, rules_off=True))
    assert done.outcome.kind is OutcomeKind.NEW
    assert needs_match(engine, done.outcome.article_id) is True
    assert alerts(engine) == []


def test_match_pending_matches_a_marked_article_once(engine) -> None:
    done = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, rules_off=True))
    rules = RuleSet.compile([DRONES])
    assert match_pending(engine, rules) == 1
    assert needs_match(engine, done.outcome.article_id) is False
    assert match_pending(engine, rules) == 0
    assert alerts(engine) == [("iran-drones", done.outcome.article_id)]


def test_the_same_page_again_is_unchanged_and_does_not_alert_again(engine) -> None:
    stages = context(engine, DRONES)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    again = run_pipeline(page(REUTERS, REUTERS_HTML, at=FETCHED + timedelta(hours=3)), stages)
    assert (again.outcome.kind, again.outcome.article_id) == (OutcomeKind.UNCHANGED, first.outcome.article_id)
    assert again.outcome.alerts == 0
    assert len(alerts(engine)) == 1


def test_an_edited_text_is_an_update_of_the_same_article(engine) -> None:
    stages = context(engine, DRONES)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    edited = run_pipeline(page(REUTERS, EDITED_HTML, at=FETCHED + timedelta(hours=1)), stages)
    assert (edited.outcome.kind, edited.outcome.article_id) == (OutcomeKind.UPDATED, first.outcome.article_id)
    with session_scope(engine) as session:
        article = session.get(Article, first.outcome.article_id)
        assert "Alabuga special economic zone" in article.text
        assert article.revision_count == 1


def test_a_rule_the_edit_newly_matches_alerts_once(engine) -> None:
    stages = context(engine, DRONES, ALABUGA)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    assert first.outcome.alerts == 1  # iran-drones; alabuga is not in the first version
    edited = run_pipeline(page(REUTERS, EDITED_HTML, at=FETCHED + timedelta(hours=1)), stages)
    assert edited.outcome.alerts == 1  # alabuga; iran-drones already alerted on this story
    again = run_pipeline(page(REUTERS, EDITED_HTML, at=FETCHED + timedelta(hours=2)), stages)
    assert (again.outcome.kind, again.outcome.alerts) == (OutcomeKind.UNCHANGED, 0)
    story = first.outcome.article_id
    assert alerts(engine) == [("iran-drones", story), ("alabuga", story)]


def test_an_updated_version_is_matched_and_its_mark_cleared(engine) -> None:
    stages = context(engine, DRONES)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), context(engine, rules_off=True))
    run_pipeline(page(REUTERS, EDITED_HTML, at=FETCHED + timedelta(hours=1)), stages)
    assert needs_match(engine, first.outcome.article_id) is False


def test_a_challenge_page_fails_as_a_challenge_that_may_pass(engine) -> None:
    done = run_pipeline(page(CHALLENGE_URL, CHALLENGE_HTML, source="Kyiv Post"), context(engine, DRONES))
    assert done.outcome.kind is OutcomeKind.FAILED
    assert done.outcome.failure == "not_article:challenge"
    assert done.outcome.settled is False
    assert done.outcome.article_id is None


def test_a_challenge_leaves_its_frontier_entry_pending_after_one_attempt(engine) -> None:
    run_pipeline(page(CHALLENGE_URL, CHALLENGE_HTML, source="Kyiv Post"), context(engine, DRONES))
    row = frontier_row(engine, CHALLENGE_URL)
    assert (row.state, row.attempts, row.last_kind) == (FrontierState.PENDING, 1, "not_article:challenge")
    assert row.source == "Kyiv Post"


def test_a_challenge_is_given_up_after_max_attempts(engine) -> None:
    stages = context(engine, DRONES, max_attempts=3)
    states = []
    for hour in range(3):
        run_pipeline(page(CHALLENGE_URL, CHALLENGE_HTML, at=FETCHED + timedelta(hours=hour)), stages)
        states.append(frontier_row(engine, CHALLENGE_URL).state)
    assert states == [FrontierState.PENDING, FrontierState.PENDING, FrontierState.FAILED]
    row = frontier_row(engine, CHALLENGE_URL)
    assert row.attempts == 3
    assert "gave up after 3 attempts" in row.last_reason
    assert row.settled_at is not None


def test_a_consent_wall_fails_for_good_at_once(engine) -> None:
    done = run_pipeline(page(CONSENT_URL, CONSENT_HTML, source="The Independent"), context(engine, DRONES))
    assert (done.outcome.failure, done.outcome.settled) == ("not_article:consent", True)
    row = frontier_row(engine, CONSENT_URL)
    assert (row.state, row.attempts, row.last_kind) == (FrontierState.FAILED, 1, "not_article:consent")
    assert "gave up" not in row.last_reason


def test_an_empty_page_fails_for_good_at_once(engine) -> None:
    run_pipeline(page(EMPTY_URL, EMPTY_HTML, source="Al Jazeera"), context(engine, DRONES))
    row = frontier_row(engine, EMPTY_URL)
    assert (row.state, row.last_kind) == (FrontierState.FAILED, "not_article:empty")


def test_a_failed_page_stores_no_article(engine) -> None:
    stages = context(engine, DRONES)
    for url, body in ((CHALLENGE_URL, CHALLENGE_HTML), (CONSENT_URL, CONSENT_HTML), (EMPTY_URL, EMPTY_HTML)):
        run_pipeline(page(url, body), stages)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_failed_page_is_recorded_on_its_crawl_run(engine) -> None:
    with session_scope(engine) as session:
        run_id = CrawlRuns(session).start("kyiv_post")
    run_pipeline(page(CHALLENGE_URL, CHALLENGE_HTML, run_id=run_id), context(engine, DRONES))
    with session_scope(engine) as session:
        failure = session.scalars(select(CrawlFailure)).one()
        assert (failure.run_id, failure.url, failure.kind) == (run_id, CHALLENGE_URL, "not_article:challenge")


def test_a_copy_at_another_url_is_a_duplicate_of_the_first(engine) -> None:
    stages = context(engine, DRONES)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    copy = run_pipeline(page(COPY_URL, COPY_HTML, source="Yahoo News"), stages)
    assert copy.outcome.kind is OutcomeKind.DUPLICATE
    assert copy.outcome.article_id != first.outcome.article_id
    assert copy.dedup.original == first.outcome.article_id
    with session_scope(engine) as session:
        assert session.get(Article, copy.outcome.article_id).duplicate_of == first.outcome.article_id


def test_a_copy_does_not_alert_again_on_its_story(engine) -> None:
    stages = context(engine, DRONES)
    first = run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    copy = run_pipeline(page(COPY_URL, COPY_HTML, source="Yahoo News"), stages)
    assert copy.outcome.alerts == 0
    assert needs_match(engine, copy.outcome.article_id) is False
    assert alerts(engine) == [("iran-drones", first.outcome.article_id)]


def test_a_copy_settles_its_own_frontier_entry(engine) -> None:
    stages = context(engine, DRONES)
    run_pipeline(page(REUTERS, REUTERS_HTML), stages)
    copy = run_pipeline(page(COPY_URL, COPY_HTML, source="Yahoo News"), stages)
    with session_scope(engine) as session:
        assert Frontier(session).counts() == {FrontierState.STORED: 2}
    assert frontier_row(engine, COPY_URL).article_id == copy.outcome.article_id
