"""A saved site may come from anyone: its files stay inside its directory, and its sources.toml
cannot make the crawl import code from outside spiders/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from scrapy import Request

from crawler.config import SourceConfig
from crawler.middlewares.replay import ReplayMiddleware
from crawler.snapshot import INDEX, Snapshot, SnapshotError, SnapshotWriter
from spiders.configured import spider_class


def write_index(directory: Path, *entries: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"url": "https://example.com/ok", "file": "example.com/ok.html", "status": 200})]
    (directory / "example.com").mkdir(exist_ok=True)
    (directory / "example.com" / "ok.html").write_bytes(b"<html>ok</html>")
    lines += [json.dumps(entry) for entry in entries]
    (directory / INDEX).write_text("\n".join(lines) + "\n", "utf-8")
    return directory


@pytest.mark.parametrize("bad", ["../secret.txt", "example.com/../../secret.txt", "/etc/passwd"])
def test_a_file_outside_the_directory_is_refused_naming_the_line(tmp_path, bad):
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    site = write_index(tmp_path / "site", {"url": "https://example.com/x", "file": bad})
    with pytest.raises(SnapshotError, match=r"index\.jsonl:2: file .* (outside|not a path inside) the snapshot"):
        Snapshot(site)


def test_a_symlink_out_of_the_directory_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    site = write_index(tmp_path / "site", {"url": "https://example.com/x", "file": "example.com/link.html"})
    (site / "example.com" / "link.html").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(SnapshotError, match=r"index\.jsonl:2: .*outside the snapshot"):
        Snapshot(site)


def test_a_symlink_inside_the_directory_is_served(tmp_path):
    site = write_index(tmp_path / "site", {"url": "https://example.com/x", "file": "example.com/link.html"})
    (site / "example.com" / "link.html").symlink_to(site / "example.com" / "ok.html")
    snapshot = Snapshot(site)
    assert snapshot.body(snapshot.get("https://example.com/x")) == b"<html>ok</html>"


def test_a_file_swapped_for_a_symlink_after_opening_is_refused_when_read(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    site = write_index(tmp_path / "site")
    snapshot = Snapshot(site)
    target = site / "example.com" / "ok.html"
    target.unlink()
    target.symlink_to(tmp_path / "secret.txt")
    with pytest.raises(SnapshotError, match="outside the snapshot"):
        snapshot.body(snapshot.get("https://example.com/ok"))


def test_the_replay_middleware_never_serves_a_file_from_outside(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    site = write_index(tmp_path / "site")
    middleware = ReplayMiddleware(Snapshot(site))
    assert middleware.process_request(Request("https://example.com/ok")).body == b"<html>ok</html>"
    (site / "example.com" / "ok.html").unlink()
    (site / "example.com" / "ok.html").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(SnapshotError):
        middleware.process_request(Request("https://example.com/ok"))


def test_a_non_string_file_is_a_bad_entry(tmp_path):
    site = write_index(tmp_path / "site", {"url": "https://example.com/x", "file": ["a"]})
    with pytest.raises(SnapshotError, match=r"index\.jsonl:2: bad entry"):
        Snapshot(site)


def test_the_writer_never_writes_outside_the_directory(tmp_path):
    writer = SnapshotWriter(tmp_path / "rec")
    page = writer.save("http://../evil", 200, {"Content-Type": "text/html"}, b"x")
    writer.close()
    assert (tmp_path / "rec" / page.file).resolve().is_relative_to((tmp_path / "rec").resolve())
    assert page.file.startswith("unknown/")
    assert Snapshot(tmp_path / "rec").get("http://../evil") is not None


def source(spider: str) -> SourceConfig:
    return SourceConfig(name="x", title="X", homepage="https://x.example.com/", feeds=("https://x.example.com/f",),
                        spider=spider)


@pytest.mark.parametrize("path", ["tests.evil_spider.EvilSpider", "os.path.join", "subprocess.Popen", ".spiders.x.Y"])
def test_a_dotted_spider_outside_the_spiders_package_is_refused_without_importing_it(path):
    before = set(sys.modules)
    with pytest.raises(LookupError, match="must name a class in spiders/"):
        spider_class(source(path))
    assert "tests.evil_spider" not in set(sys.modules) - before


def test_a_dotted_spider_inside_the_package_still_works():
    assert spider_class(source("spiders.al_monitor.AlMonitorSpider")).__name__ == "AlMonitorSpider"


def test_a_replayed_sources_toml_naming_an_outside_spider_imports_nothing(tmp_path):
    """End to end: `newswatch crawl --replay DIR` whose DIR/sources.toml names a class in a module of
    the saved site itself; the module would write a marker file if it were ever imported."""
    import subprocess

    site = write_index(tmp_path / "site")
    marker = tmp_path / "imported"
    (site / "evilmod.py").write_text(f"open({str(marker)!r}, 'w').close()\nclass Evil: pass\n", "utf-8")
    (site / "sources.toml").write_text(
        """
[crawl]
allow_private_networks = true
[[source]]
name = "x"
title = "X"
homepage = "https://example.com/"
feeds = ["https://example.com/ok"]
spider = "evilmod.Evil"
""",
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--replay", str(site),
         "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--no-progress"],
        capture_output=True, text=True, timeout=120, cwd=site, env={**__import__("os").environ, "PYTHONPATH": str(site)},
    )
    assert not marker.exists(), result.stderr
    assert result.returncode != 0
    # Refused in one line before anything is crawled, no traceback.
    assert "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error.endswith("sources.toml:9: source 'x': field 'spider': spider 'evilmod.Evil': "
                          "a dotted spider path must name a class in spiders/"), result.stderr
