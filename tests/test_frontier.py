"""The frontier (storage/frontier.py, crawler/frontier.py): which listed URLs a crawl fetches, how passing
failures back off and when they are given up, which failures pass at all, and the listing validators
held until every URL the listing named is settled. Also how errback failures are classified
(crawler/failures.py). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.extensions.crawl_run import promote_settled_listings
from crawler.failures import classify
from crawler.frontier import is_passing, plan_listing
from crawler.stages import store_page
from storage.db import session_scope
from storage.feeds import FeedStates
from storage.frontier import LONGEST_WAIT, Frontier, Wanted, retry_wait
from storage.models import FrontierState, FrontierUrl
from tests.storage_fixtures import db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_dedup_fingerprints import UNRELATED, WIRE

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
SOURCE = "Reuters"
FEED = "https://www.reuters.com/arc/outboundfeeds/sitemap-index/?outputType=xml"
OTHER_FEED = "https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml"
SU35 = "https://www.reuters.com/world/middle-east/iran-takes-delivery-su-35-2026-11-29/"
SHAHEDS = "https://www.reuters.com/world/europe/ukraine-downs-41-shahed-drones-2026-11-29/"
LISTED = "2026-11-29T08:15:00Z"
RELISTED_LATER = "2026-11-30T05:40:00Z"


def want(engine, url: str, listing: str = FEED, version: str | None = LISTED, at: datetime = NOW) -> None:
    hints = {"modified": version} if version else {}
    with session_scope(engine) as session:
        Frontier(session).want([Wanted(url, SOURCE, listing, hints, version)], at)


def store(engine, url: str, text: str = WIRE) -> int:
    with session_scope(engine) as session:
        return store_page(session, record(url, text, source=SOURCE)).article_id


def fail(engine, url: str, kind: str = "http_503", *, permanent: bool = False, at: datetime = NOW, **kw) -> str:
    options = {"max_attempts": 5, "backoff": 300.0, **kw}
    with session_scope(engine) as session:
        return Frontier(session).failed(url, kind, f"HTTP {kind[5:]}", at, permanent=permanent, **options).state


def row(engine, url: str) -> FrontierUrl:
    with session_scope(engine) as session:
        found = session.query(FrontierUrl).filter_by(url=url).one()
        session.expunge(found)
        return found


def plan(engine, links, at: datetime = NOW, listing: str = FEED):
    with session_scope(engine) as session:
        return plan_listing(session, SOURCE, listing, links, at)


# plan_listing


def test_a_new_url_is_fetched_and_enters_the_frontier(engine) -> None:
    decided = plan(engine, [(SU35, {"modified": LISTED, "title": "Iran takes delivery of Su-35s"})])
    assert decided.fetch == [SU35]
    [wanted] = decided.want
    assert (wanted.url, wanted.source, wanted.listing_url, wanted.listed_version) == (SU35, SOURCE, FEED, LISTED)
    assert wanted.hints["title"] == "Iran takes delivery of Su-35s"


def test_a_stored_url_listed_under_the_same_date_is_skipped(engine) -> None:
    want(engine, SU35)
    store(engine, SU35)
    decided = plan(engine, [(SU35, {"modified": LISTED})])
    assert (decided.fetch, decided.want, decided.skipped_known) == ([], [], 1)


def test_a_stored_url_listed_without_a_date_is_skipped(engine) -> None:
    want(engine, SU35)
    store(engine, SU35)
    assert plan(engine, [(SU35, {})]).skipped_known == 1


def test_a_stored_url_listed_under_an_earlier_date_is_skipped(engine) -> None:
    want(engine, SU35)
    store(engine, SU35)
    assert plan(engine, [(SU35, {"modified": "2026-11-28T23:00:00Z"})]).fetch == []


def test_a_stored_url_listed_with_a_later_date_is_fetched_again(engine) -> None:
    want(engine, SU35)
    store(engine, SU35)
    decided = plan(engine, [(SU35, {"modified": RELISTED_LATER})])
    assert decided.fetch == [SU35]
    assert [w.listed_version for w in decided.want] == [RELISTED_LATER]
    assert decided.skipped_known == 0


def test_an_article_stored_without_a_frontier_entry_is_known_by_its_url_key(engine) -> None:
    with session_scope(engine) as session:
        store_page(session, record(SU35 + "?utm_source=feed", WIRE, source=SOURCE))  # an import, say
    assert plan(engine, [(SU35, {})]).skipped_known == 1


def test_a_pending_url_that_is_due_is_fetched_but_not_wanted_again(engine) -> None:
    want(engine, SU35)
    decided = plan(engine, [(SU35, {"modified": LISTED})], at=NOW + timedelta(minutes=5))
    assert decided.fetch == [SU35]
    assert decided.relisted == [SU35]
    assert decided.want == []  # its attempts so far are kept


def test_a_pending_url_backing_off_is_skipped(engine) -> None:
    want(engine, SU35)
    fail(engine, SU35)
    fail(engine, SU35)  # the second failure waits `backoff` (300 s)
    decided = plan(engine, [(SU35, {"modified": LISTED})], at=NOW + timedelta(seconds=60))
    assert (decided.fetch, decided.waiting) == ([], 1)


def test_a_pending_url_is_fetched_once_its_back_off_is_over(engine) -> None:
    want(engine, SU35)
    fail(engine, SU35)
    fail(engine, SU35)
    assert plan(engine, [(SU35, {})], at=NOW + timedelta(seconds=301)).fetch == [SU35]


def test_one_listing_is_decided_url_by_url(engine) -> None:
    want(engine, SU35)
    store(engine, SU35)
    decided = plan(engine, [(SU35, {"modified": LISTED}), (SHAHEDS, {"modified": LISTED})])
    assert decided.fetch == [SHAHEDS]
    assert decided.skipped_known == 1


# retry_wait


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, timedelta(0)),  # the next crawl tries again
        (2, timedelta(seconds=300)),
        (3, timedelta(seconds=1200)),
        (4, timedelta(seconds=4800)),
        (5, timedelta(seconds=19200)),
        (6, timedelta(seconds=76800)),
        (7, timedelta(hours=24)),  # 307200 s, capped
        (40, timedelta(hours=24)),
    ],
)
def test_retry_wait_grows_by_four_from_the_second_failure_up_to_a_day(attempts: int, wait: timedelta) -> None:
    assert retry_wait(attempts, 300.0) == wait


def test_the_longest_wait_is_a_day() -> None:
    assert LONGEST_WAIT == timedelta(hours=24)


def test_no_backoff_means_no_wait() -> None:
    assert retry_wait(4, 0) == timedelta(0)


# is_passing


@pytest.mark.parametrize(
    ("kind", "passing"),
    [
        ("http_500", True),
        ("http_503", True),
        ("http_429", True),
        ("timeout", True),
        ("connection", True),
        ("not_article:challenge", True),
        ("http_404", False),
        ("http_410", False),
        ("too_large", False),
        ("extraction:binary", False),
        ("not_article:consent", False),
        ("refused:robots", False),
        ("http_5xx", False),
    ],
)
def test_which_failures_pass(kind: str, passing: bool) -> None:
    assert is_passing(kind) is passing


# Frontier.failed / want


def test_a_permanent_failure_settles_at_once(engine) -> None:
    want(engine, SU35)
    assert fail(engine, SU35, "http_404", permanent=True, at=NOW + timedelta(minutes=2)) == FrontierState.FAILED
    found = row(engine, SU35)
    assert (found.attempts, found.last_kind, found.last_reason) == (1, "http_404", "HTTP 404")
    assert found.settled_at == NOW + timedelta(minutes=2)


def test_a_passing_failure_stays_pending_and_due_at_once_the_first_time(engine) -> None:
    want(engine, SU35)
    assert fail(engine, SU35, at=NOW + timedelta(minutes=2)) == FrontierState.PENDING
    found = row(engine, SU35)
    assert (found.attempts, found.next_try_at, found.settled_at) == (1, NOW + timedelta(minutes=2), None)


def test_the_last_allowed_passing_failure_gives_up(engine) -> None:
    want(engine, SU35)
    states = [fail(engine, SU35, max_attempts=3) for _ in range(3)]
    assert states == [FrontierState.PENDING, FrontierState.PENDING, FrontierState.FAILED]
    assert row(engine, SU35).last_reason == "gave up after 3 attempts: HTTP 503"


def test_a_failure_of_a_stored_url_changes_nothing(engine) -> None:
    want(engine, SU35)
    article_id = store(engine, SU35)
    assert fail(engine, SU35, "http_404", permanent=True) == FrontierState.STORED
    found = row(engine, SU35)
    assert (found.article_id, found.attempts, found.last_kind) == (article_id, 0, None)


def test_wanting_a_settled_url_again_makes_it_pending_with_fresh_attempts(engine) -> None:
    want(engine, SU35)
    fail(engine, SU35, "http_404", permanent=True)
    want(engine, SU35, version=RELISTED_LATER, at=NOW + timedelta(hours=1))
    found = row(engine, SU35)
    assert (found.state, found.attempts, found.settled_at) == (FrontierState.PENDING, 0, None)
    assert found.listed_version == RELISTED_LATER


# held validators


def hold(engine, listing: str = FEED, etag: str = '"v2"') -> None:
    with session_scope(engine) as session:
        feeds = FeedStates(session)
        feeds.save(listing, '"v1"', "Sun, 29 Nov 2026 08:00:00 GMT", 200)
        feeds.hold(listing, etag, "Mon, 30 Nov 2026 05:45:00 GMT", 200)


def promote(engine) -> int:
    with session_scope(engine) as session:
        return promote_settled_listings(session)


def etag(engine, listing: str = FEED) -> str | None:
    with session_scope(engine) as session:
        return FeedStates(session).get(listing).etag


def test_held_validators_wait_while_a_url_of_the_listing_is_pending(engine) -> None:
    hold(engine)
    want(engine, SU35)
    assert promote(engine) == 0
    assert etag(engine) == '"v1"'
    with session_scope(engine) as session:
        assert FeedStates(session).holding() == [FEED]


def test_held_validators_are_promoted_once_every_url_of_the_listing_is_stored(engine) -> None:
    hold(engine)
    want(engine, SU35)
    store(engine, SU35)
    assert promote(engine) == 1
    assert etag(engine) == '"v2"'
    with session_scope(engine) as session:
        assert FeedStates(session).holding() == []


def test_a_passing_failure_keeps_the_listing_held(engine) -> None:
    hold(engine)
    want(engine, SU35)
    fail(engine, SU35, "http_503")
    assert promote(engine) == 0


def test_a_url_failed_for_good_lets_the_listing_be_promoted(engine) -> None:
    hold(engine)
    want(engine, SU35)
    fail(engine, SU35, "http_404", permanent=True)
    assert promote(engine) == 1


def test_a_pending_url_of_another_listing_does_not_hold_this_one(engine) -> None:
    hold(engine, FEED)
    hold(engine, OTHER_FEED, etag='"n7"')
    want(engine, SU35, listing=FEED)
    want(engine, SHAHEDS, listing=OTHER_FEED)
    store(engine, SHAHEDS, UNRELATED)
    assert promote(engine) == 1
    assert (etag(engine, FEED), etag(engine, OTHER_FEED)) == ('"v1"', '"n7"')


# classify


def failure_of(exception: BaseException) -> Failure:
    return Failure(exception)


@pytest.mark.parametrize(
    ("exception", "kind"),
    [
        (HttpError(Response(SU35, status=503)), "http_503"),
        (HttpError(Response(SU35, status=404)), "http_404"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (IgnoreRequest("Forbidden by robots.txt"), "refused:robots"),
        (
            IgnoreRequest(
                f"Ignored response <200 {SU35}> because its body (48213 B compressed, 10485761 B decompressed "
                "so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression."
            ),
            "too_large",
        ),
        (TimeoutError("User timeout caused connection failure."), "timeout"),
        (ConnectionRefusedError("111: Connection refused"), "connection"),
        (DNSLookupError("www.reuters.com"), "dns"),
    ],
    ids=["503", "404", "redirects", "robots", "decompressed-size", "timeout", "refused", "dns-twisted"],
)
def test_classify(exception: BaseException, kind: str) -> None:
    assert classify(failure_of(exception))[0] == kind


def test_an_http_error_reads_as_its_status() -> None:
    assert classify(failure_of(HttpError(Response(SU35, status=503)))) == ("http_503", "HTTP 503")


def test_an_ignored_request_keeps_scrapys_message_as_its_reason() -> None:
    assert classify(failure_of(IgnoreRequest("Forbidden by robots.txt"))) == ("refused:robots", "Forbidden by robots.txt")


def test_a_dns_failure_as_scrapy_raises_it_is_dns() -> None:
    exception = CannotResolveHostError("DNS lookup failed: no results for hostname lookup: www.reuters.com.")
    assert classify(failure_of(exception))[0] == "dns"
