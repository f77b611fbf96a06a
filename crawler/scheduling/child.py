"""One crawl of one source in a child process (`python -m crawler.app.crawl --source NAME`), with a time limit.

The Twisted reactor cannot be restarted, and a child isolates crashes and leaks. The child leads a
process group of its own (its extraction workers and their forkserver are in it). A child past its
time limit, or stopped, gets SIGTERM (Scrapy closes the spider cleanly, shuts its worker pool down
and records the run), then its whole group gets SIGKILL after a grace period; its run is then marked
`timed out`. Once the child is gone, whatever is left of its group is killed too, so no worker
outlives its crawl. On Linux the child also gets SIGTERM if the daemon dies (PR_SET_PDEATHSIG), so a
SIGKILLed daemon leaves no crawl running on behind a successor.

The database URL (it may carry a password) reaches the child in its environment, NEWSWATCH_DB_URL,
never on its command line, which any user can read in `ps`.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, update

from storage.db import DB_URL_ENV, session_scope
from storage.models import CrawlRun
from storage.types import utcnow

log = logging.getLogger("newswatch.scheduler")
TIMED_OUT = "timed out"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class CrawlCommand:
    source: str
    db_url: str = field(repr=False)  # a secret: never logged, never on the command line
    config: Path | None
    watches: Path | None

    def argv(self) -> list[str]:
        # The crawl use-case itself (crawler/app/crawl.py), not the CLI: one source, no progress lines.
        argv = [sys.executable, "-m", "crawler.app.crawl", "--source", self.source]
        if self.config is not None:
            argv += ["--config", str(self.config)]
        if self.watches is not None:
            argv += ["--watches", str(self.watches)]
        return argv

    def env(self) -> dict[str, str]:
        """The daemon's environment, with the database URL in NEWSWATCH_DB_URL."""
        return {**os.environ, DB_URL_ENV: self.db_url}


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
    _terminated: bool = False  # SIGTERM sent: a second one would make Scrapy stop uncleanly

    @classmethod
    def start(cls, command: CrawlCommand, output: IO[Any] | int | None = None) -> CrawlChild:
        started_at = utcnow()
        process = subprocess.Popen(
            command.argv(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            env=command.env(),
            start_new_session=True,  # its own process group; a Ctrl-C reaches the daemon, which stops children
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (only a prctl call, no locks taken)
        )
        return cls(command, process, started_at)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self, time_limit: float, kill_grace: float) -> tuple[int | None, bool]:
        """Wait for the child, at most `time_limit` seconds; its exit code and whether it timed out.
        Either way no process of its group is left when this returns."""
        try:
            code = self.process.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            log.warning("crawl:%s ran past its time limit of %.0f s: stopping it", self.command.source, time_limit)
            return self.terminate(kill_grace), True
        self._kill_group()
        return code, False

    def stop(self, kill_grace: float) -> int | None:
        self.request_stop()
        return self.terminate(kill_grace)

    def request_stop(self) -> None:
        """SIGTERM, once: Scrapy stops cleanly and records the run. Returns at once."""
        self.stop_requested = True
        self._sigterm()

    def terminate(self, kill_grace: float) -> int | None:
        """SIGTERM (unless sent already), SIGKILL to the whole group after `kill_grace` seconds;
        the exit code. No process of the group is left when this returns."""
        try:
            if self.process.poll() is not None:
                return self.process.returncode
            self._sigterm()
            try:
                return self.process.wait(timeout=kill_grace)
            except subprocess.TimeoutExpired:
                log.warning(
                    "crawl:%s did not stop within %.0f s of SIGTERM: killing its process group",
                    self.command.source,
                    kill_grace,
                )
                self._kill_group()
                return self.process.wait()
        finally:
            self._kill_group()

    def _sigterm(self) -> None:
        # The child alone: it shuts its worker pool down itself. SIGTERM to the group would kill the
        # workers under Scrapy's clean stop, and the items they hold with them.
        if not self._terminated and self.process.poll() is None:
            self._terminated = True
            self.process.send_signal(signal.SIGTERM)

    def _kill_group(self) -> None:
        """SIGKILL to every process left in the child's group (the child leads it: its pid is the
        group's id, and stays reserved while any member lives)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # none left
        except PermissionError:  # pragma: no cover (a member that changed user: not ours to kill)
            log.warning("crawl:%s: a process of its group could not be killed", self.command.source)

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
