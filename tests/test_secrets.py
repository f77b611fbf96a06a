"""Passwords never reach a log line, an error or a description: the database URL's (the crawl child
gets it by environment) and the SMTP login's."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.alerts.mail import MailSettings, Secret
from storage.db import redacted, without_password
from tests.storage_fixtures import drop_schema, postgres_admin_url, temporary_schema_url

PASSWORD = "Hunter2-s3cret"


def with_password(url: str) -> str:
    """`url` (a PostgreSQL URL without one) with PASSWORD; the test server trusts loopback, so it still works."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user.split(':')[0]}:{PASSWORD}@{host}"


def test_redacted_hides_only_the_password():
    assert redacted(f"postgresql+psycopg://root:{PASSWORD}@db.example:5432/news") == (
        "postgresql+psycopg://root:***@db.example:5432/news"
    )
    assert redacted("sqlite:////var/lib/newswatch.db") == "sqlite:////var/lib/newswatch.db"
    assert PASSWORD not in redacted(f"::{PASSWORD}::")  # not a URL at all: nothing of it shown


def test_without_password_scrubs_an_error_message():
    url = f"postgresql://root:{PASSWORD}@db.example/news"
    text = without_password(f"cannot connect to {url} (password {PASSWORD!r} refused)", url)
    assert PASSWORD not in text and "postgresql://root:***@db.example/news" in text


def test_the_smtp_description_never_shows_the_password():
    mail = MailSettings(host="smtp.example.org", username="alerts", password=Secret(PASSWORD))
    assert mail.describe() == "smtp://alerts:***@smtp.example.org:587 (starttls)"
    assert MailSettings(host="smtp.example.org").describe() == "smtp://smtp.example.org:587 (starttls)"


def test_the_daemon_settings_repr_hides_the_url():
    from crawler.scheduler import Settings

    assert PASSWORD not in repr(Settings(db_url=f"postgresql://root:{PASSWORD}@h/db"))


CONFIG = """
[crawl]
download_delay = 0
autothrottle = false
timeout = 2
retries = 0
allow_private_networks = true

[[source]]
name = "quiet"
title = "Quiet Times"
homepage = "{base}/"
feeds = ["{base}/feed.xml"]
schedule = "0 0 1 1 *"
"""
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>q</title>
<item><title>One</title><link>{base}/a/one</link></item></channel></rss>"""
ARTICLE = b"<html><head><title>One</title></head><body>" + b"<p>A paragraph of the story. </p>" * 40 + b"</body></html>"


@pytest.fixture(scope="module")
def site():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            base = f"http://127.0.0.1:{self.server.server_address[1]}".encode()
            body = {"/feed.xml": FEED.replace(b"{base}", base), "/a/one": ARTICLE}.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".xml") else "text/html")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=180, env=env, cwd=cwd)


@pytest.mark.slow
def test_a_daemon_cycle_and_its_crawl_child_never_log_the_password(site, tmp_path):
    admin = postgres_admin_url()
    url, schema = temporary_schema_url(admin)
    try:
        config = tmp_path / "sources.toml"
        config.write_text(CONFIG.format(base=site), "utf-8")
        (tmp_path / "watches.toml").write_text("", "utf-8")
        env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
        result = run(
            ["-c", "import typer; from crawler.commands.run import run; typer.run(run)", "--once",
             "--config", str(config), "--db", with_password(url), "--watches", str(tmp_path / "watches.toml")],
            env, tmp_path,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "crawl:quiet done" in output, output
        assert PASSWORD not in output
    finally:
        drop_schema(admin, schema)


@pytest.mark.slow
def test_a_failing_database_error_never_shows_the_password(tmp_path, site):
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG.format(base=site), "utf-8")
    bad = f"postgresql+psycopg://root:{PASSWORD}@127.0.0.1:1/test"
    env = dict(os.environ, NEWSWATCH_DB_URL=bad, XDG_DATA_HOME=str(tmp_path / "data"))
    child = run(["-m", "crawler.app.crawl", "--source", "quiet", "--config", str(config)], env, tmp_path)
    assert child.returncode == 1
    assert "error: database postgresql+psycopg://root:***@127.0.0.1:1/test" in child.stderr, child.stderr
    assert PASSWORD not in child.stdout + child.stderr
    cli = run(["-c", "from crawler.cli import main; main()", "crawl", "--config", str(config), "--db", bad,
               "--no-progress"], env, tmp_path)
    assert cli.returncode != 0
    assert PASSWORD not in cli.stdout + cli.stderr
