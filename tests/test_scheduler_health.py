"""The daemon tells the operator when a source breaks: once when it turns unhealthy, not once per run.

A real `newswatch run` process crawls the fixture outlets every second; after its first crawl alpha
yields no new article, so after `empty_runs` empty runs it is unhealthy, and the operator's one email
arrives on a real SMTP server (aiosmtpd) while the daemon keeps crawling.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.smtp_server import smtp_server_fixture  # noqa: F401
from tests.test_scheduler import Daemons, daemons, finished, site  # noqa: F401

pytestmark = pytest.mark.slow


def test_operator_is_emailed_once_when_a_source_turns_unhealthy(daemons, smtp_server, tmp_path: Path):  # noqa: F811
    daemons.write_config(alpha="every 1s", beta="0 0 1 1 *", timeout=1)
    with daemons.config.open("a", encoding="utf-8") as config:
        config.write('\n[health]\noperator = ["ops@example.org"]\nempty_runs = 2\n')
    (tmp_path / "watches.toml").write_text(
        f'[mail]\nfrom = "newswatch@example.org"\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp_server.port}\n'
        'security = "none"\n',
        "utf-8",
    )
    daemon = daemons.start()
    try:
        daemons.wait_runs(lambda runs: finished(runs, "alpha") >= 5, timeout=90)
        deadline = time.monotonic() + 20
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        daemons.wait_runs(lambda runs: finished(runs, "alpha") >= 7, timeout=60)  # more empty runs after it
    finally:
        assert daemons.stop(daemon) == 0
    about_alpha = [m for m in smtp_server.messages if "alpha" in m.message["Subject"]]
    assert len(about_alpha) == 1, [m.message["Subject"] for m in smtp_server.messages]
    [email] = about_alpha
    assert email.rcpt_tos == ("ops@example.org",)
    assert "unhealthy" in email.message["Subject"] and "no new articles in" in email.message["Subject"]
