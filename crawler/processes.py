"""Whether a process recorded by "host:pid" (a crawl run, an email's claim) is still running."""

from __future__ import annotations

import os


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
