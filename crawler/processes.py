"""Whether a process recorded by "host:pid" (a crawl run, an email's claim) is still running, and
closing the crawl runs of processes that are gone."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine

from storage.db import session_scope
from storage.runs import CrawlRuns
from storage.types import utcnow

# A run left `running` by a process on another host (or of unknown pid) is taken for dead after this.
FOREIGN_RUN_TIMEOUT = timedelta(hours=12)


def alive(pid: int) -> bool:
    """Whether process `pid` of this host exists (one we may not signal counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_interrupted_runs(engine: Engine, sources: Sequence[str] | None = None) -> int:
    """Close as `interrupted` the runs (of these sources, or all) still `running` whose process is
    gone: on this host, its pid is dead; elsewhere, it started more than FOREIGN_RUN_TIMEOUT ago."""
    here = socket.gethostname()
    now = utcnow()
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        dead = [
            run.id
            for run in runs.running(list(sources) if sources is not None else None)
            if (run.host == here and run.pid is not None and not alive(run.pid))
            or ((run.host != here or run.pid is None) and now - run.started_at > FOREIGN_RUN_TIMEOUT)
        ]
        return runs.interrupt(dead)
