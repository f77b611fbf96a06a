"""assess(): a source's health from its recent runs, one table row per case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.config import HealthSettings
from crawler.health import assess
from storage.models import CrawlRun

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SETTINGS = HealthSettings()  # empty_runs 3, max_failure_rate 0.5 over >= 5 pages, 403/429 above 20%


def run(
    new: int = 0,
    updated: int = 0,
    status: str = "finished",
    pages: int = 10,
    stats: dict | None = None,
) -> CrawlRun:
    return CrawlRun(
        source="moscow_times",
        status=status,
        new=new,
        updated=updated,
        pages_fetched=pages,
        stats={"extra": stats or {}},  # as crawler.extensions.crawl_run stores them
    )


def history(*runs: CrawlRun) -> list[CrawlRun]:
    """Oldest first in the call; each run an hour after the one before it."""
    for hours, each in enumerate(runs):
        each.started_at = T0 + timedelta(hours=hours)
    return list(runs)


def extraction(articles: int, failed: int, kind: str = "not_article:empty") -> dict:
    return {"newswatch/extract/articles": articles, f"newswatch/failures/{kind}": failed}


def responses(**counts: int) -> dict:
    return {f"downloader/response_status_count/{status.removeprefix('s')}": n for status, n in counts.items()}


CASES = {
    "no runs: unknown": ([], "unknown", "no finished run yet"),
    "only a running run: unknown": ([run(status="running")], "unknown", "no finished run yet"),
    "new articles: healthy": ([run(new=3)], "healthy", ""),
    "updates count as yield": ([run(), run(), run(updated=1)], "healthy", ""),
    "two empty runs are not yet a streak": ([run(new=2), run(), run()], "healthy", ""),
    "three empty finished runs": ([run(new=2), run(), run(), run()], "unhealthy", "no new articles in 3 runs"),
    "the whole streak is counted": ([run(), run(), run(), run(), run()], "unhealthy", "no new articles in 5 runs"),
    "recovers with the next yielding run": ([run(), run(), run(), run(new=1)], "healthy", ""),
    "a running run is not judged": ([run(), run(), run(), run(status="running")], "unhealthy", "in 3 runs"),
    "a running run does not end a streak": ([run(), run(), run(status="running"), run()], "unhealthy", "in 3 runs"),
    "interrupted runs are no finished runs": (
        [run(new=1), run(), run(status="interrupted"), run()],
        "healthy",
        "",
    ),
    "failure rate above half": (
        [run(new=2, stats=extraction(articles=2, failed=6))],
        "unhealthy",
        "extraction failed on 6 of 8 pages (75%)",
    ),
    "extraction errors count too": (
        [run(new=2, stats=extraction(articles=1, failed=4, kind="extraction:binary"))],
        "unhealthy",
        "extraction failed on 4 of 5 pages",
    ),
    "failure rate at half is tolerated": ([run(new=3, stats=extraction(articles=3, failed=3))], "healthy", ""),
    "too few pages to judge a rate": ([run(new=1, stats=extraction(articles=1, failed=3))], "healthy", ""),
    "a small run is judged with the runs before it": (
        [run(new=1, stats=extraction(0, 3)), run(new=1, stats=extraction(1, 2))],
        "unhealthy",
        "extraction failed on 5 of 6 pages",
    ),
    "the last run alone when it has enough pages": (
        [run(new=1, stats=extraction(0, 9)), run(new=5, stats=extraction(5, 1))],
        "healthy",
        "",
    ),
    "403 on a third of the responses: blocked": (
        [run(new=1, pages=9, stats=responses(s200=6, s403=3))],
        "unhealthy",
        "blocked: 3 of 9 responses were HTTP 3× 403",
    ),
    "429 and 403 add up": (
        [run(new=1, pages=10, stats=responses(s200=7, s403=1, s429=2))],
        "unhealthy",
        "blocked: 3 of 10 responses were HTTP 1× 403, 2× 429",
    ),
    "one 403 in twenty is not blocked": ([run(new=1, pages=20, stats=responses(s200=19, s403=1))], "healthy", ""),
    "404s are not blocking": ([run(new=1, pages=10, stats=responses(s200=5, s404=5))], "healthy", ""),
    "blocked is judged on the last run only": (
        [run(new=1, stats=responses(s403=10)), run(new=1, stats=responses(s200=10))],
        "healthy",
        "",
    ),
    "a stopped run is judged for blocking": (
        [run(new=1), run(status="stopped: closespider_timeout", pages=4, stats=responses(s429=4))],
        "unhealthy",
        "blocked: 4 of 4",
    ),
    "every sign at once": (
        [run(), run(), run(pages=10, stats={**responses(s403=5, s200=5), **extraction(1, 4)})],
        "unhealthy",
        "no new articles in 3 runs; extraction failed on 4 of 5 pages (80%); blocked: 5 of 10",
    ),
}


@pytest.mark.parametrize(("runs", "state", "reason"), CASES.values(), ids=CASES.keys())
def test_assess(runs: list[CrawlRun], state: str, reason: str) -> None:
    health = assess(history(*runs), SETTINGS)
    assert health.state == state
    assert reason in "; ".join(health.reasons)
    assert bool(health.reasons) == (state != "healthy")


def test_assess_takes_runs_in_any_order() -> None:
    runs = history(run(new=1), run(), run(), run())
    assert assess(list(reversed(runs)), SETTINGS) == assess(runs, SETTINGS)


def test_assess_reads_stats_stored_flat_too() -> None:
    flat = CrawlRun(source="x", status="finished", new=1, pages_fetched=4, started_at=T0)
    flat.stats = responses(s403=4)
    assert assess([flat], SETTINGS).state == "unhealthy"


def test_assess_follows_the_settings() -> None:
    runs = history(run(), run(pages=10, stats={**responses(s403=3, s503=5), **extraction(4, 6)}))
    assert assess(runs, SETTINGS).state == "unhealthy"
    lenient = HealthSettings(empty_runs=3, max_failure_rate=0.7, blocked_statuses=(503,), max_blocked_share=0.5)
    assert assess(runs, lenient).state == "healthy"
    strict = HealthSettings(empty_runs=2, max_failure_rate=0.7, blocked_statuses=(503,), max_blocked_share=0.5)
    assert assess(runs, strict).reasons == ("no new articles in 2 runs",)
