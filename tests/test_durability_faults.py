"""Nothing lost to a passing fault: real `newswatch crawl` runs against the loopback outlet of
tests/crash_site.py, on SQLite and PostgreSQL (the full disk on SQLite only).

(a) an article that answers 503 once is stored by the next crawl; one that answers 503 forever is
    tried `max_attempts` times, then given up (frontier row 'failed', crawl_failures records) and
    not requested again;
(b) a sitemap index that answers 304 does not hide a changed child sitemap: the update is stored;
(c) a disk that fills mid-crawl fails the crawl (exit 1, one `error:` line, no traceback) and loses
    nothing: once there is room, the next crawl stores every article;
(d) an updated article that newly matches a rule alerts once; a re-crawl alerts no one;
(e) a gzip bomb, a redirect loop and a redirect chain longer than Scrapy follows are each recorded
    with their kind and leave a settled frontier row.

Each scenario runs once per database (module fixtures); each test checks one fact of it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.crash_site import (
    UPDATE_PARAGRAPH,
    UPDATING,
    CrashSite,
    alert_rows,
    crawl_argv,
    crawl_run_statuses,
    emailed,
    has_table,
    query,
    stored_rows,
    watch_file,
)
from tests.smtp_server import SmtpServer
from tests.storage_fixtures import (
    DIALECTS,
    drop_schema,
    in_ci,
    postgres_admin_url,
    sqlite_url,
    temporary_schema_url,
)
from tests.test_crawl_end_to_end import newswatch

pytestmark = pytest.mark.slow

MAX_ATTEMPTS = 3
SETTLED = ("stored", "failed")


@dataclass(repr=False)
class Scenario:
    db: str
    site: CrashSite
    folder: Path
    crawls: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    served_from: list[int] = field(default_factory=list)  # len(site.log) as each crawl started
    smtp: SmtpServer | None = None
    mail_after: list[int] = field(default_factory=list)  # messages received after each crawl
    stored_after: list[set[str]] = field(default_factory=list)  # article URLs (fetched, canonical) after each

    def __repr__(self) -> str:
        return f"Scenario({self.db}, {self.site!r}, exits {[c.returncode for c in self.crawls]})"

    def stored(self, crawl: int, path: str) -> bool:
        return self.url(path) in self.stored_after[crawl]

    def crawl(self, config: Path, watches: Path | None = None) -> subprocess.CompletedProcess[str]:
        self.served_from.append(len(self.site.log))
        result = newswatch(*crawl_argv(config, self.db, watches)[3:])
        self.crawls.append(result)
        self.stored_after.append({url for row in query(self.db, "select url, canonical_url from articles") for url in row})
        if self.smtp is not None:
            self.mail_after.append(len(self.smtp.messages))
        return result

    def served(self, crawl: int) -> list[tuple[str, int]]:
        """(path, status) of every response the site gave during crawl number `crawl` (0-based)."""
        end = self.served_from[crawl + 1] if crawl + 1 < len(self.served_from) else len(self.site.log)
        return [(served.path, served.status) for served in self.site.log[self.served_from[crawl] : end]]

    def url(self, path: str) -> str:
        return self.site.url(path)


@contextmanager
def fresh(dialect: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[str, Path]]:
    """A database for one scenario (a SQLite file, or a schema of its own on PostgreSQL) and a folder."""
    folder = tmp_path_factory.mktemp(f"{name}-{dialect}")
    if dialect == "sqlite":
        yield sqlite_url(folder), folder
        return
    admin = postgres_admin_url()
    url, schema = temporary_schema_url(admin)
    try:
        yield url, folder
    finally:
        drop_schema(admin, schema)


def frontier(db: str) -> dict[str, dict[str, object]]:
    """The frontier rows by URL (the core's durable list of article URLs)."""
    assert has_table(db, "frontier"), "no frontier table in the database"
    rows = query(db, "select url, state, attempts, last_kind, last_reason from frontier")
    return {url: {"state": s, "attempts": a, "last_kind": k, "last_reason": r} for url, s, a, k, r in rows}


def failures(db: str) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in query(db, "select url, kind, reason from crawl_failures order by id")]


def article_text(db: str, url: str) -> tuple[str, int] | None:
    rows = query(db, "select text, revision_count from articles where url = :u or canonical_url = :u", u=url)
    return rows[0] if rows else None


# --- (a) and (e): pages that fail ----------------------------------------------------------------


@pytest.fixture(scope="module", params=DIALECTS)
def faulty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """MAX_ATTEMPTS + 1 crawls of the fault feed (503 once, 503 forever, gzip bomb, redirect loop,
    a chain of 25 redirects), with max_attempts = MAX_ATTEMPTS and no back-off."""
    with fresh(request.param, tmp_path_factory, "faults") as (db, folder):
        site = CrashSite(count=0).start()
        try:
            config = folder / "sources.toml"
            config.write_text(site.sources_toml(feeds=("faults/feed.xml",), sitemaps=(), max_attempts=MAX_ATTEMPTS))
            scenario = Scenario(db, site, folder)
            for _ in range(MAX_ATTEMPTS + 1):
                scenario.crawl(config)
            yield scenario
        finally:
            site.stop()


def test_crawls_with_failing_pages_exit_0_without_a_traceback(faulty: Scenario) -> None:
    assert [c.returncode for c in faulty.crawls] == [0] * len(faulty.crawls), faulty.crawls[-1].stderr[-2000:]
    assert not any("Traceback" in c.stderr for c in faulty.crawls), next(
        c.stderr for c in faulty.crawls if "Traceback" in c.stderr
    )


def test_a_page_503_once_is_stored_by_the_next_crawl(faulty: Scenario) -> None:
    assert (faulty.stored(0, "faults/once-503"), faulty.stored(1, "faults/once-503")) == (False, True)


def test_a_page_503_once_is_recorded_as_http_503_by_the_first_crawl(faulty: Scenario) -> None:
    assert (faulty.url("faults/once-503"), "http_503") in [(url, kind) for url, kind, _ in failures(faulty.db)]


def test_a_page_503_forever_is_tried_max_attempts_times_then_not_again(faulty: Scenario) -> None:
    assert faulty.site.requests_to("faults/always-503") == MAX_ATTEMPTS


def test_a_page_503_forever_is_given_up_in_the_frontier(faulty: Scenario) -> None:
    row = frontier(faulty.db).get(faulty.url("faults/always-503"))
    assert row is not None, sorted(frontier(faulty.db))
    assert (row["state"], row["attempts"], row["last_kind"]) == ("failed", MAX_ATTEMPTS, "http_503")
    assert f"gave up after {MAX_ATTEMPTS} attempts" in str(row["last_reason"])


def test_a_page_503_forever_leaves_crawl_failures_records(faulty: Scenario) -> None:
    kinds = [kind for url, kind, _ in failures(faulty.db) if url == faulty.url("faults/always-503")]
    assert kinds and set(kinds) == {"http_503"}, failures(faulty.db)


@pytest.mark.parametrize(
    ("path", "kind"),
    [("faults/gzip-bomb", "too_large"), ("faults/loop-", "redirect_loop"), ("faults/chain/", "too_many_redirects")],
)
def test_a_page_without_a_page_is_recorded_with_its_kind(faulty: Scenario, path: str, kind: str) -> None:
    recorded = [(url, found) for url, found, _ in failures(faulty.db) if url.startswith(faulty.url(path))]
    assert kind in {found for _, found in recorded}, f"{path}: {recorded} (all: {failures(faulty.db)})"


@pytest.mark.parametrize("path", ["faults/once-503", "faults/always-503", "faults/gzip-bomb", "faults/loop-a", "faults/chain/0"])
def test_each_fault_leaves_a_settled_frontier_row(faulty: Scenario, path: str) -> None:
    row = frontier(faulty.db).get(faulty.url(path))
    assert row is not None and row["state"] in SETTLED, f"{path}: {row}"


# --- (b): a changed child sitemap under an unchanged index ---------------------------------------


@pytest.fixture(scope="module", params=DIALECTS)
def sitemaps(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Two crawls of the sitemap index; between them the updating story and its child sitemap change."""
    with fresh(request.param, tmp_path_factory, "sitemaps") as (db, folder):
        site = CrashSite(count=9).start()
        try:
            config = folder / "sources.toml"
            config.write_text(site.sources_toml(feeds=(), sitemaps=("sitemap-index.xml",)))
            scenario = Scenario(db, site, folder)
            scenario.crawl(config)
            site.version = 2
            scenario.crawl(config)
            yield scenario
        finally:
            site.stop()


def test_the_first_sitemap_crawl_stores_every_article(sitemaps: Scenario) -> None:
    assert sum(1 for count in stored_rows(sitemaps.db, sitemaps.site).values() if count) == sitemaps.site.count
    assert article_text(sitemaps.db, sitemaps.url(UPDATING)) is not None


def test_the_unchanged_index_answers_304_to_the_second_crawl(sitemaps: Scenario) -> None:
    assert ("/sitemap-index.xml", 304) in sitemaps.served(1)


def test_the_changed_child_sitemap_is_fetched_under_the_unchanged_index(sitemaps: Scenario) -> None:
    assert ("/sitemaps/part-2.xml", 200) in sitemaps.served(1), sitemaps.served(1)


def test_the_update_under_the_unchanged_index_is_stored_as_a_revision(sitemaps: Scenario) -> None:
    stored = article_text(sitemaps.db, sitemaps.url(UPDATING))
    assert stored is not None and UPDATE_PARAGRAPH in stored[0] and stored[1] == 1, stored


# --- (c): the disk fills mid-crawl (SQLite on a small tmpfs) -------------------------------------


def _cannot(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, and CI is set: the full-disk test must run in CI", pytrace=False)
    pytest.skip(reason)


def _mount(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


def _used_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


ROOM_FOR_ARTICLES = 1536 * 1024  # what the tmpfs leaves free after the schema: fills ~1/4 into the crawl


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """A crawl of 150 articles into SQLite on a tmpfs with room for a few dozen, then the tmpfs
    remounted larger and one more crawl."""
    if os.geteuid() != 0:
        _cannot("not root: cannot mount a tmpfs")
    folder = tmp_path_factory.mktemp("full-disk")
    disk = folder / "disk"
    disk.mkdir()
    mounted = _mount(["-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)])
    if mounted.returncode != 0:
        _cannot(f"mount -t tmpfs failed: {mounted.stderr.strip()}")
    site = CrashSite(count=150).start()
    try:
        db = sqlite_url(disk)
        query(db, "select 1")  # the schema, migrated, before the disk is made small
        size_kb = (_used_bytes(disk) + ROOM_FOR_ARTICLES) // 1024
        shrunk = _mount(["-o", f"remount,size={size_kb}k", str(disk)])
        assert shrunk.returncode == 0, shrunk.stderr
        config = folder / "sources.toml"
        config.write_text(site.sources_toml(sitemaps=()))
        scenario = Scenario(db, site, folder)
        scenario.crawl(config)  # what the full disk holds is read right after it, before the remount
        grown = _mount(["-o", "remount,size=256m", str(disk)])
        assert grown.returncode == 0, grown.stderr
        scenario.crawl(config)
        yield scenario
    finally:
        site.stop()
        if subprocess.run(["umount", str(disk)], capture_output=True, timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def test_the_disk_filled_mid_crawl(full_disk: Scenario) -> None:
    """The scenario's own check: some articles fitted before the disk was full, not all."""
    on_full_disk = len(full_disk.stored_after[0] & set(full_disk.site.article_urls()))
    assert 0 < on_full_disk < full_disk.site.count, on_full_disk


def test_a_full_disk_fails_the_crawl_with_exit_1(full_disk: Scenario) -> None:
    assert full_disk.crawls[0].returncode == 1, full_disk.crawls[0].stderr[-2000:]


def test_a_full_disk_is_reported_in_one_error_line(full_disk: Scenario) -> None:
    errors = [line for line in full_disk.crawls[0].stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, full_disk.crawls[0].stderr[-2000:]


def test_a_full_disk_prints_no_traceback(full_disk: Scenario) -> None:
    assert "Traceback" not in full_disk.crawls[0].stderr, full_disk.crawls[0].stderr[:2000]


def test_the_run_on_the_full_disk_is_marked_failed_or_interrupted(full_disk: Scenario) -> None:
    first = crawl_run_statuses(full_disk.db)[0]
    assert first.startswith("failed") or first == "interrupted", first


def test_after_the_full_disk_the_next_crawl_exits_0(full_disk: Scenario) -> None:
    assert full_disk.crawls[1].returncode == 0, full_disk.crawls[1].stderr[-2000:]


def test_after_the_full_disk_the_next_crawl_stores_every_article(full_disk: Scenario) -> None:
    rows = stored_rows(full_disk.db, full_disk.site)
    assert (len(rows), sum(rows.values())) == (full_disk.site.count, full_disk.site.count)


# --- (d): an update that newly matches a rule ----------------------------------------------------


@pytest.fixture(scope="module", params=DIALECTS)
def matching(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Three crawls with a watch rule on the term: the updating story gains the term before the
    second, nothing changes before the third."""
    with fresh(request.param, tmp_path_factory, "matching") as (db, folder):
        site = CrashSite(count=10).start()
        smtp = SmtpServer().start()
        try:
            config = folder / "sources.toml"
            config.write_text(site.sources_toml(sitemaps=("sitemap-latest.xml",)))
            watches = watch_file(folder / "watches.toml", smtp.port)
            scenario = Scenario(db, site, folder, smtp=smtp)
            scenario.crawl(config, watches)
            site.version = 2
            scenario.crawl(config, watches)
            scenario.crawl(config, watches)
            yield scenario
        finally:
            smtp.stop()
            site.stop()


def _mail(scenario: Scenario, crawls: int = 3) -> dict[str, list[str]]:
    """Site URLs in the emails received by the end of the first `crawls` crawls, with their Message-IDs."""
    assert scenario.smtp is not None
    return emailed(scenario.smtp.messages[: scenario.mail_after[crawls - 1]], scenario.site)


def test_the_crawls_with_a_rule_exit_0(matching: Scenario) -> None:
    assert [c.returncode for c in matching.crawls] == [0, 0, 0], matching.crawls[-1].stderr[-2000:]


def test_the_first_crawl_emails_the_matching_articles_only(matching: Scenario) -> None:
    assert sorted(_mail(matching, crawls=1)) == sorted(matching.site.matching_urls())


def test_the_updated_article_is_stored_with_the_term(matching: Scenario) -> None:
    stored = article_text(matching.db, matching.url(UPDATING))
    assert stored is not None and UPDATE_PARAGRAPH in stored[0], stored


def test_an_update_that_newly_matches_is_emailed_once(matching: Scenario) -> None:
    assert len(_mail(matching).get(matching.url(UPDATING), [])) == 1, sorted(_mail(matching))


def test_an_update_that_newly_matches_has_one_alert(matching: Scenario) -> None:
    assert alert_rows(matching.db)[matching.url(UPDATING)] == 1


def test_a_recrawl_emails_no_one(matching: Scenario) -> None:
    assert matching.mail_after[2] == matching.mail_after[1], matching.mail_after
