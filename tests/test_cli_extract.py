"""`newswatch extract` as a user runs it: a real process, real files, a real HTTP server on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import PAGES

FP_PAGE = PAGES / "foreign_policy_iran_doubles_down.html"


def newswatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_one_file_prints_the_json_interface():
    result = newswatch("extract", str(FP_PAGE), "--url", "https://foreignpolicy.com/2023/01/06/x/")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["url"] == "https://foreignpolicy.com/2023/01/06/x/"
    assert data["authors"] == ["Robbie Gramer"] and data["paywalled"] is False
    assert data["word_count"] == len(data["text"].split()) > 500
    assert "Join the Conversation" not in data["text"]


@pytest.mark.parametrize(("fmt", "expected", "absent"), [
    ("text", "Iran is doubling down on military support", "{"),
    ("markdown", "Iran is doubling down on military support", "More from Foreign Policy"),
])
def test_text_and_markdown_formats(fmt, expected, absent):
    result = newswatch("extract", str(FP_PAGE), "--format", fmt)
    assert result.returncode == 0 and expected in result.stdout and absent not in result.stdout


def test_directory_gives_one_json_line_per_page_and_names_failures(tmp_path: Path):
    for page in sorted(PAGES.glob("*.html"))[:4]:
        (tmp_path / page.name).write_bytes(page.read_bytes())
    (tmp_path / "broken.html").write_bytes(b"")
    (tmp_path / "junk.html.gz").write_bytes(b"\x1f\x8bnot really gzip")
    (tmp_path / "notes.txt").write_text("not a page")
    result = newswatch("extract", str(tmp_path), "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["path"]).name for line in lines] == sorted(p.name for p in PAGES.glob("*.html"))[:4]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and any("broken.html: empty document" in e for e in errors)
    assert any("junk.html.gz: broken gzip data" in e for e in errors)
    assert result.returncode == 1


def test_all_good_pages_exit_zero():
    result = newswatch("extract", str(PAGES / "wsj_paywalled_air_defenses.html"), str(FP_PAGE))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2


def test_several_pages_need_jsonl():
    result = newswatch("extract", str(FP_PAGE), str(FP_PAGE), "--format", "json")
    assert result.returncode == 2 and "--format jsonl" in result.stderr


def test_missing_file_is_named(tmp_path: Path):
    result = newswatch("extract", str(tmp_path / "nope.html"))
    assert result.returncode == 1 and "nope.html" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def outlet_server():
    handler = partial(SimpleHTTPRequestHandler, directory=str(PAGES))
    handler.log_message = lambda *args: None
    server = CountingServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class CountingServer(ThreadingHTTPServer):
    connections = 0

    def get_request(self):  # type: ignore[no-untyped-def]
        CountingServer.connections += 1
        return super().get_request()


def test_a_url_on_a_private_address_is_refused_before_connecting(outlet_server):
    before = CountingServer.connections
    result = newswatch("extract", f"{outlet_server}/kommersant_ru_treaty_cp1251.html")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "refused: private address: 127.0.0.1 resolves to 127.0.0.1" in result.stderr.strip().splitlines()[-1]
    assert CountingServer.connections == before  # not one connection reached the server


def test_url_is_fetched_and_extracted(outlet_server):
    url = f"{outlet_server}/kommersant_ru_treaty_cp1251.html"
    result = newswatch("extract", "--allow-private-networks", url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["url"] == url and data["language"] == "ru" and "Иран" in data["text"]


def test_dead_url_is_one_error_line(outlet_server):
    result = newswatch("extract", "--allow-private-networks", f"{outlet_server}/gone.html")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].endswith("gone.html: HTTP 404 File not found")
