"""Retry-After, against a real server on 127.0.0.1 that timestamps every request: a 429/503 that asks
to wait holds the whole host for that long (capped by [crawl] max_retry_after), and the frontier does
not try the article again before the moment either. A bot challenge answered 503 is a challenge."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.middlewares.retry_after import retry_after_seconds
from storage.db import make_engine, session_scope
from storage.models import FrontierUrl
from tests.conftest import PAGES
from tests.loopback import serve

pytestmark = pytest.mark.slow

ARTICLE = (PAGES / "moscow_times_fath360_missiles.html").read_bytes()
CHALLENGE = b"<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"


class Site:
    """Serves /feed.xml listing `articles`, and each article's planned answers in turn (then 200)."""

    def __init__(self) -> None:
        self.plan: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.articles: list[str] = []
        self.log: list[tuple[str, float, int]] = []  # (path, time.time(), status)
        self.lock = threading.Lock()
        self.http = serve(self.answer)
        self.server, self.base = self.http.server, self.http.base

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            if path == "/feed.xml":
                items = "".join(f"<item><title>{p}</title><link>{self.base}{p}</link></item>" for p in self.articles)
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
                answer = (200, {"Content-Type": "application/rss+xml"}, body.encode())
            elif path in self.articles:
                planned = self.plan.get(path) or []
                answer = planned.pop(0) if planned else (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
                answer = answer() if callable(answer) else answer
            else:
                answer = (404, {"Content-Type": "text/plain"}, b"not here")
            self.log.append((path, time.time(), answer[0]))
            return answer

    def times(self, path: str) -> list[float]:
        return [moment for logged, moment, _ in self.log if logged == path]

    def reset(self, articles: list[str], plan: dict) -> None:
        with self.lock:
            self.articles, self.plan, self.log = articles, plan, []

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site():
    served = Site()
    yield served
    served.stop()


def crawl(
    site: Site, folder: Path, *, retries: int = 1, cap: float = 600, concurrency: int = 1, delay: float = 0
) -> dict:
    config = folder / "sources.toml"
    config.write_text(
        f"""
[crawl]
download_delay = {delay}
autothrottle = false
timeout = 10
retries = {retries}
concurrency_per_domain = {concurrency}
max_retry_after = {cap}
allow_private_networks = true

[[source]]
name = "slowpoke"
title = "Slowpoke"
homepage = "{site.base}/"
feeds = ["{site.base}/feed.xml"]
article_pattern = "/a/"
""",
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--config", str(config),
         "--db", f"sqlite:///{folder / 'db.sqlite'}", "--json", "--no-progress"],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]


def wait(seconds: str) -> tuple[int, dict[str, str], bytes]:
    return 503, {"Retry-After": seconds, "Content-Type": "text/plain"}, b"busy"


def test_retry_after_values():
    now = 1_000_000.0
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_a_503_retry_after_in_seconds_holds_the_whole_host(site, tmp_path):
    site.reset(["/a/one", "/a/two"], {"/a/one": [wait("2")]})
    # A download delay, as every real config has (1 s by default): with none, the host's slot may send
    # its next queued request in the instant between the 503 arriving and the middleware reading it.
    run = crawl(site, tmp_path, delay=0.2)
    first, again = site.times("/a/one")
    assert again - first >= 2.0
    # Nothing else was asked of the host in those 2 s (the other article either came before or waited).
    asked = [moment for path, moment, _ in site.log if moment > first]
    assert asked and all(moment - first >= 2.0 for moment in asked), site.log
    assert run["new"] == 1 and run["duplicates"] == 1 or run["new"] == 2  # one page served twice: a duplicate


def test_an_http_date_retry_after_works(site, tmp_path):
    site.reset(["/a/dated"], {"/a/dated": [lambda: wait(formatdate(time.time() + 3, usegmt=True))]})
    crawl(site, tmp_path)
    first, again = site.times("/a/dated")
    assert again - first >= 1.9  # the date has whole seconds: at least 2 of the 3 remain


def test_a_huge_retry_after_is_capped(site, tmp_path):
    site.reset(["/a/huge"], {"/a/huge": [wait("100000")]})
    started = time.monotonic()
    run = crawl(site, tmp_path, cap=1)
    first, again = site.times("/a/huge")
    assert 1.0 <= again - first < 10
    assert time.monotonic() - started < 60
    assert run["new"] == 1


def test_the_next_crawl_before_the_moment_does_not_refetch(site, tmp_path):
    site.reset(["/a/later"], {"/a/later": [wait("120")]})
    before = datetime.now(UTC)
    run = crawl(site, tmp_path, retries=0)
    assert [f["kind"] for f in run["failures"]] == ["http_503"]
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with session_scope(engine) as session:
        row = session.scalars(select(FrontierUrl).where(FrontierUrl.url.endswith("/a/later"))).one()
        next_try = row.next_try_at if row.next_try_at.tzinfo else row.next_try_at.replace(tzinfo=UTC)
        assert row.state == "pending"
        assert (next_try - before).total_seconds() >= 119
    engine.dispose()
    second = crawl(site, tmp_path, retries=0)
    assert len(site.times("/a/later")) == 1  # not asked again: it waits for its moment in the frontier
    assert second["failures"] == []


def test_a_bot_challenge_answered_503_is_a_challenge(site, tmp_path):
    challenge = (503, {"Content-Type": "text/html"}, CHALLENGE)
    flagged = (503, {"Content-Type": "text/html", "cf-mitigated": "challenge"}, b"<html></html>")
    site.reset(["/a/cf", "/a/flagged"], {"/a/cf": [challenge], "/a/flagged": [flagged]})
    run = crawl(site, tmp_path, retries=0)
    assert sorted(f["kind"] for f in run["failures"]) == ["not_article:challenge"] * 2, run["failures"]
