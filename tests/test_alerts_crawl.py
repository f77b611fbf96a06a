"""Crawl → match → email, end to end: the fixture outlets on loopback, a real SMTP server (aiosmtpd).

Russian and Persian articles match English queries through the alias groups; each story alerts each
rule once, so the second crawl (an update, a re-crawl) emails no one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.outlet_site import OutletSite
from tests.smtp_server import smtp_server_fixture  # noqa: F401
from tests.test_crawl_end_to_end import newswatch

pytestmark = pytest.mark.slow


def watches(path: Path, port: int) -> Path:
    path.write_text(
        f"""
[mail]
from = "newswatch@example.org"
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "none"
message_id_domain = "newswatch.test"

[[watch]]
name = "su35-ru-fa"
query = '"su-35" OR "shahed-136" OR irgc'
recipients = ["ru-desk@example.org", "fa-desk@example.org"]
languages = ["ru", "fa"]

[[watch]]
name = "un-missile-curbs"
query = '"missile trade" NEAR/5 iran'
recipients = ["analyst@example.org"]
""",
        "utf-8",
    )
    return path


def test_crawl_emails_each_new_story_once(smtp_server, tmp_path: Path):
    site = OutletSite().start()
    try:
        config = tmp_path / "sources.toml"
        config.write_text(site.sources_toml(timeout=1.5), "utf-8")
        rules = watches(tmp_path / "watches.toml", smtp_server.port)
        db = f"sqlite:///{tmp_path / 'nw.db'}"
        args = ("crawl", "--config", str(config), "--db", db, "--watches", str(rules), "--no-progress", "--json")
        first = newswatch(*args)
        assert first.returncode == 0, first.stderr
        received = {message.message["Subject"]: message for message in smtp_server.messages}
        assert len(smtp_server.messages) == 3, [m.message["Subject"] for m in smtp_server.messages]
        ru_fa = [m for m in smtp_server.messages if "su35-ru-fa" in m.message["Subject"]]
        assert sorted(m.rcpt_tos[0] for m in ru_fa) == ["fa-desk@example.org", "ru-desk@example.org"]
        for message in ru_fa:
            assert "2" in message.message["Subject"]
            body = message.message.get_body(("plain",)).get_content()
            assert "Партнерство" in body or "Су-35" in body
            assert "سوخو" in body or "شاهد" in body
        [curbs] = [m for m in received.values() if "un-missile-curbs" in m.message["Subject"]]
        assert curbs.rcpt_tos == ("analyst@example.org",)
        html = curbs.message.get_body(("html",)).get_content()
        assert "<mark>" in html and "not bound by expired UN curbs" in html

        site.version = 2  # an update and a re-crawl: nobody is emailed again
        second = newswatch(*args)
        assert second.returncode == 0, second.stderr
        assert len(smtp_server.messages) == 3
        listed = newswatch("alerts", "--db", db)
        assert listed.returncode == 0 and "sent" in listed.stdout
        assert json.loads(second.stdout)  # the run summary is still printed as JSON
    finally:
        site.stop()
