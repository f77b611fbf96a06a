"""One crawl of one source in a child process (`newswatch crawl --source NAME`), with a time limit.

The Twisted reactor cannot be restarted, and a child isolates crashes and leaks. A child past its
time limit gets SIGTERM (Scrapy closes the spider cleanly and records the run), then SIGKILL after a
grace period; its run is then marked `timed out`. On Linux the child also gets SIGTERM if the daemon
dies (PR_SET_PDEATHSIG), so a SIGKILLed daemon leaves no crawl running on behind a successor.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, update

from storage.db import session_scope
from storage.models import CrawlRun
from storage.types import utcnow

log = logging.getLogger("newswatch.scheduler")
TIMED_OUT = "timed out"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class CrawlCommand:
    source: str
    db_url: str
    config: Path | None
    watches: Path | None

    def argv(self) -> list[str]:
        argv = [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--source", self.source]
        argv += ["--db", self.db_url, "--no-progress"]
        if self.config is not None:
            argv += ["--config", str(self.config)]
        if self.watches is not None:
            argv += ["--watches", str(self.watches)]
        return argv


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass


@dataclass
class CrawlChild:
    """A running crawl; `stop()` may be called from another thread (the daemon shutting down)."""

    command: CrawlCommand
    process: subprocess.Popen[bytes]
    started_at: datetime
    stop_requested: bool = False

    @classmethod
    def start(cls, command: CrawlCommand, output: IO[Any] | int | None = None) -> CrawlChild:
        started_at = utcnow()
        process = subprocess.Popen(
            command.argv(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the daemon, which stops children itself
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (only a prctl call, no locks taken)
        )
        return cls(command, process, started_at)

    def wait(self, time_limit: float, kill_grace: float) -> tuple[int | None, bool]:
        """Wait for the child, at most `time_limit` seconds; its exit code and whether it timed out."""
        try:
            return self.process.wait(timeout=time_limit), False
        except subprocess.TimeoutExpired:
            log.warning("crawl:%s ran past its time limit of %.0f s: stopping it", self.command.source, time_limit)
            return self.terminate(kill_grace), True

    def stop(self, kill_grace: float) -> int | None:
        self.stop_requested = True
        return self.terminate(kill_grace)

    def terminate(self, kill_grace: float) -> int | None:
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=kill_grace)
        except subprocess.TimeoutExpired:
            log.warning("crawl:%s did not stop within %.0f s of SIGTERM: killing it", self.command.source, kill_grace)
            self.process.kill()
            return self.process.wait()

    @property
    def seconds(self) -> float:
        return (utcnow() - self.started_at).total_seconds()


def mark_timed_out(engine: Engine, source: str, since: datetime) -> int:
    """The runs of `source` a timed-out child started (still `running`, or closed by the SIGTERM)."""
    with session_scope(engine) as session:
        result = session.execute(
            update(CrawlRun)
            .where(
                CrawlRun.source == source,
                CrawlRun.started_at >= since,
                CrawlRun.status.in_(("running", "stopped: shutdown")),
            )
            .values(status=TIMED_OUT, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0
