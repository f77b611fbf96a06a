"""The demo database the search and web tests share: `crawler/demo/site` replayed once per test session
and dialect (SQLite, and PostgreSQL when NEWSWATCH_TEST_PG_URL is set), plus a hostile article whose
title is a <script> and which was updated once (so it has a revision to diff).

    from tests.demo_db import demo_db_fixture  # noqa: F401   (fixture "demo_db", session-wide, sqlite/postgresql)
"""

from __future__ import annotations

import atexit
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.stages import store_page
from storage.db import make_engine, session_scope
from tests.make_demo_site import DEMO
from tests.storage_fixtures import DIALECTS, drop_schema, postgres_admin_url, record, temporary_schema_url

HOSTILE_TITLE = "<script>alert('owned')</script> Shahed drones reach Russia"
HOSTILE_URL = "https://hostile.example/shahed-script"
HOSTILE_TEXT = (
    "Iran delivered more Shahed drones to Russia this week, officials said. "
    "The drones were flown across the Caspian Sea to a base near Moscow. <b>bold</b> & <img src=x onerror=alert(1)>"
)
HOSTILE_UPDATE = HOSTILE_TEXT.replace("more Shahed drones", "hundreds more Shahed drones")
_BUILT: dict[str, str] = {}


def _replay(url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--replay", str(DEMO), "--db", url,
         "--json", "--no-progress"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    try:
        for text, fetched in ((HOSTILE_TEXT, 1), (HOSTILE_UPDATE, 2)):
            page = record(HOSTILE_URL, text, source="al_monitor", title=HOSTILE_TITLE, language="en",
                          published="2026-11-30T10:00:00+00:00", fetched_at=datetime(2026, 11, 30, fetched, tzinfo=UTC))
            with session_scope(engine) as session:
                store_page(session, page)
    finally:
        engine.dispose()


def build_demo_db(dialect: str) -> str:
    """The seeded database's URL, built on first use in this process."""
    if dialect in _BUILT:
        return _BUILT[dialect]
    if dialect == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="newswatch-demo-"))
        url = f"sqlite:///{folder / 'demo.db'}"
    else:
        admin = postgres_admin_url()
        url, schema = temporary_schema_url(admin)
        atexit.register(drop_schema, admin, schema)
    _replay(url)
    _BUILT[dialect] = url
    return url


@pytest.fixture(name="demo_db", scope="session", params=DIALECTS)
def demo_db_fixture(request: pytest.FixtureRequest) -> str:
    return build_demo_db(request.param)
