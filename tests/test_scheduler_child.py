"""The daemon's crawl child with real processes: a child past its time limit is gone with its whole
process group (grandchildren too), and the database URL is in its environment, not its command line."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.scheduling.child import CrawlChild, CrawlCommand
from storage.db import make_engine, session_scope
from storage.models import CrawlRun
from tests.outlet_site import OutletSite

SECRET_URL = "postgresql+psycopg://newswatch:s3cret-pass@db.internal:5432/newswatch"
SLEEPER = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"


@dataclass(frozen=True)
class ScriptCommand(CrawlCommand):
    """A CrawlCommand that runs a Python script instead of `newswatch crawl`: same environment."""

    script: str = ""

    def argv(self) -> list[str]:
        return [sys.executable, "-c", self.script]


def leader(ignore_sigterm: bool, then: str = "time.sleep(600)") -> str:
    """A child that starts a grandchild ignoring SIGTERM (in its process group), then does `then`."""
    return "\n".join(
        [
            "import signal, subprocess, sys, time",
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)" if ignore_sigterm else "",
            f"subprocess.Popen([sys.executable, '-c', {SLEEPER!r}])",
            then,
        ]
    )


def group(pgid: int) -> list[int]:
    """The live processes (not zombies) of process group `pgid`, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def eventually(condition: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def started() -> Iterator[list[CrawlChild]]:
    children: list[CrawlChild] = []
    yield children
    for child in children:  # a failed test leaves nothing running
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.process.wait()


def start(started: list[CrawlChild], script: str) -> CrawlChild:
    child = CrawlChild.start(ScriptCommand("fake", SECRET_URL, None, None, script=script))
    started.append(child)
    assert eventually(lambda: len(group(child.pid)) == 2), group(child.pid)  # the child and its grandchild
    return child


def test_a_child_that_ignores_sigterm_is_killed_with_its_grandchild(started: list[CrawlChild]) -> None:
    child = start(started, leader(ignore_sigterm=True))
    code, timed_out = child.wait(time_limit=0.2, kill_grace=0.5)
    assert timed_out and code == -signal.SIGKILL
    assert eventually(lambda: group(child.pid) == [], timeout=5), group(child.pid)


def test_a_child_that_stops_on_sigterm_leaves_no_grandchild_behind(started: list[CrawlChild]) -> None:
    child = start(started, leader(ignore_sigterm=False))
    code, timed_out = child.wait(time_limit=0.2, kill_grace=5)
    assert timed_out and code == -signal.SIGTERM  # stopped by SIGTERM, within the grace
    assert eventually(lambda: group(child.pid) == [], timeout=5), group(child.pid)


def test_a_stopped_child_gets_one_sigterm_and_no_grandchild_survives(started: list[CrawlChild]) -> None:
    # The child takes a second SIGTERM as "stop now": it exits 3 on the second one, 0 after the first.
    script = leader(
        ignore_sigterm=False,
        then="seen = []\n"
        "signal.signal(signal.SIGTERM, lambda *_: seen.append(1) or (len(seen) > 1 and sys.exit(3)))\n"
        "print('ready', flush=True)\n"
        "while not seen: time.sleep(0.05)\n"
        "time.sleep(0.5)\n"
        "sys.exit(3 if len(seen) > 1 else 0)",
    )
    child = start(started, script)
    time.sleep(0.3)  # the handler is installed
    child.request_stop()  # the daemon's drain: SIGTERM to every child at once …
    assert child.stop(kill_grace=5) == 0  # … then each is waited for, with no second SIGTERM
    assert child.stop_requested
    assert eventually(lambda: group(child.pid) == [], timeout=5), group(child.pid)


def test_a_child_that_exits_by_itself_leaves_no_grandchild_behind(started: list[CrawlChild]) -> None:
    child = start(started, leader(ignore_sigterm=False, then="time.sleep(0.5)"))
    code, timed_out = child.wait(time_limit=30, kill_grace=5)
    assert (code, timed_out) == (0, False)
    assert eventually(lambda: group(child.pid) == [], timeout=5), group(child.pid)


def test_the_db_url_is_in_the_environment_never_on_the_command_line(started: list[CrawlChild]) -> None:
    command = CrawlCommand("alpha", SECRET_URL, Path("/etc/newswatch/sources.toml"), Path("/etc/watches.toml"))
    assert SECRET_URL not in " ".join(command.argv()) and "--db" not in command.argv()
    assert command.argv()[1:] == [
        "-m", "crawler.app.crawl", "--source", "alpha", "--config", "/etc/newswatch/sources.toml",
        "--watches", "/etc/watches.toml",
    ]
    assert "s3cret" not in repr(command)
    child = start(started, leader(ignore_sigterm=False))
    cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
    environ = Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
    assert b"s3cret" not in cmdline
    assert f"NEWSWATCH_DB_URL={SECRET_URL}".encode() in environ
    child.stop(kill_grace=5)


@pytest.mark.slow
def test_a_real_crawl_past_its_time_limit_is_gone_with_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[CrawlChild]
) -> None:
    site = OutletSite().start()
    try:
        config = tmp_path / "sources.toml"
        config.write_text(site.sources_toml(timeout=5), "utf-8")  # alpha's slow page keeps the crawl going 4 s
        db_url = f"sqlite:///{tmp_path / 'newswatch.db'}"
        monkeypatch.setenv("NEWSWATCH_EXTRACT_WORKERS", "2")
        monkeypatch.delenv("NEWSWATCH_DB_URL", raising=False)
        with (tmp_path / "child.log").open("w") as log:
            child = CrawlChild.start(CrawlCommand("alpha", db_url, config, None), log)
        started.append(child)
        cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
        assert db_url.encode() not in cmdline and b"--db" not in cmdline
        assert b"crawler.app.crawl\0--source\0alpha" in cmdline
        # Its extraction workers (a forkserver pool) join its process group once it extracts.
        assert eventually(lambda: len(group(child.pid)) > 2, timeout=30), (tmp_path / "child.log").read_text()
        code, timed_out = child.wait(time_limit=0.1, kill_grace=20)
        assert timed_out, code
        assert eventually(lambda: group(child.pid) == [], timeout=5), group(child.pid)
    finally:
        site.stop()
    engine = make_engine(db_url)  # the child wrote where NEWSWATCH_DB_URL told it
    with session_scope(engine) as session:
        assert session.scalars(select(CrawlRun.source)).all() == ["alpha"]
    engine.dispose()


def test_a_child_killed_before_scrapy_closes_its_run_leaves_no_run_running(tmp_path: Path) -> None:
    # A SIGTERM that lands while a crawl starts up (its run opened, Scrapy's handlers not yet in
    # place) ends the child without closing its run: the daemon closes it when the child is gone.
    from crawler.scheduler import Daemon, Settings, load

    db_url = f"sqlite:///{tmp_path / 'newswatch.db'}"
    config = tmp_path / "sources.toml"
    config.write_text(
        '[[source]]\nname = "alpha"\ntitle = "Alpha"\nhomepage = "http://127.0.0.1:9/"\n'
        'feeds = ["http://127.0.0.1:9/feed.xml"]\nschedule = "every 1h"\n',
        "utf-8",
    )
    watches = tmp_path / "watches.toml"
    watches.write_text("", "utf-8")
    opens_a_run_then_dies = "\n".join(
        [
            "import os, signal, socket",
            "from storage.db import make_engine, session_scope",
            "from storage.runs import CrawlRuns",
            f"engine = make_engine({db_url!r})",
            "with session_scope(engine) as session:",
            "    CrawlRuns(session).start('alpha', host=socket.gethostname(), pid=os.getpid())",
            "os.kill(os.getpid(), signal.SIGKILL)",
        ]
    )

    class ScriptDaemon(Daemon):
        def crawl_command(self, name: str) -> CrawlCommand:
            return ScriptCommand(name, db_url, config, watches, script=opens_a_run_then_dies)

    settings = Settings(db_url=db_url, config_path=config, watches_path=watches)
    daemon = ScriptDaemon(settings, load(settings))
    daemon.crawl("alpha")
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        assert session.scalars(select(CrawlRun.status)).all() == ["interrupted"]
    engine.dispose()
