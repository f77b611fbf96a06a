"""Every bad input, run as a user runs it (a real process): exactly one `error: …` line on stderr,
the documented exit code (README "Exit codes"), no traceback, and no file created or changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.db import make_engine

DEMO = Path(__file__).resolve().parent.parent / "crawler" / "demo" / "site"
UNREACHABLE = "postgresql://nobody:s3cret@127.0.0.1:1/x"
SOURCE = """
[[source]]
name = "alpha"
title = "Alpha"
homepage = "https://alpha.example/"
feeds = ["https://alpha.example/rss"]
"""
RULE = '[[watch]]\nname = "su35"\nquery = "su-35"\nrecipients = ["a@example.org"]\n'


def write(name: str, text: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        (tmp / name).write_text(text, "utf-8")

    return setup


def database(tmp: Path) -> None:
    make_engine(f"sqlite:///{tmp / 'nw.db'}").dispose()


def both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        for step in setups:
            step(tmp)

    return setup


def nothing(tmp: Path) -> None:
    pass


DB = "sqlite:///{tmp}/nw.db"
WATCHES = write("w.toml", RULE)
# (id, setup, arguments ({tmp} is the test's directory), exit code, a piece of the error line)
CASES = [
    *[
        (f"unreachable-postgresql-{'-'.join(args)}", setup, [*args, "--db", UNREACHABLE], 1, "connection")
        for setup, args in [
            (nothing, ["articles"]),
            (nothing, ["show", "1"]),
            (nothing, ["export"]),
            (nothing, ["status"]),
            (nothing, ["alerts"]),
            (WATCHES, ["alerts", "send", "--watches", "{tmp}/w.toml"]),
            (WATCHES, ["watch", "test", "su35", "--watches", "{tmp}/w.toml"]),
            (nothing, ["db", "upgrade"]),
            (nothing, ["crawl", "--replay", str(DEMO), "--no-progress"]),
            (nothing, ["search", "shahed"]),
            (nothing, ["serve", "--port", "0"]),  # refused before it listens
        ]
    ],
    ("url-that-does-not-parse", nothing, ["articles", "--db", "not a url"], 2, "is not a database URL"),
    # A port that is no number makes SQLAlchemy raise ValueError; the password is masked all the same.
    ("url-with-a-bad-port", nothing, ["articles", "--db", "postgresql://u:s3cret@h:x:y/db"], 2,
     "'postgresql://u:***@h:x:y/db' is not a database URL"),
    ("driver-not-installed", nothing, ["articles", "--db", "mysql://u@h/db"], 2, "driver is not installed"),
    ("unknown-database-type", nothing, ["status", "--db", "nosuch://u@h/db"], 2, "no database type"),
    ("not-a-sqlite-file", write("README.md", "# hello\n"), ["articles", "--db", "sqlite:///{tmp}/README.md"], 2,
     "is not a SQLite database"),
    ("read-command-never-creates", nothing, ["show", "1", "--db", "sqlite:///{tmp}/typo.db"], 2, "no database at"),
    ("articles-never-creates", nothing, ["articles", "--db", "sqlite:///{tmp}/typo.db"], 2, "no database at"),
    ("serve-never-creates", nothing, ["serve", "--port", "0", "--db", "sqlite:///{tmp}/typo.db"], 2, "no database at"),
    ("upgrade-into-missing-directory", nothing, ["db", "upgrade", "--db", "sqlite:///{tmp}/nonexistent/x.db"], 2,
     "no directory"),
    ("crawl-into-missing-directory", nothing,
     ["crawl", "--replay", str(DEMO), "--db", "sqlite:///{tmp}/nonexistent/x.db"], 2, "no directory"),
    ("read-only-database", write("ro.db", ""), ["db", "upgrade", "--db", "sqlite:///file:{tmp}/ro.db?mode=ro&uri=true"],
     1, "readonly"),
    ("export-into-missing-directory", database, ["export", "-o", "{tmp}/missing/out.jsonl", "--db", DB], 2,
     "cannot write"),
    ("unknown-source", database, ["articles", "--source", "nosuch", "--db", DB], 2, "no source named 'nosuch'"),
    ("export-unknown-source", database, ["export", "--source", "nosuch", "--db", DB], 2, "no source named"),
    ("bad-since", database, ["articles", "--since", "last week", "--db", DB], 2, "--since"),
    ("watch-test-bad-since", both(database, WATCHES),
     ["watch", "test", "su35", "--since", "soon", "--db", DB, "--watches", "{tmp}/w.toml"], 2, "--since"),
    ("watch-try-missing-file", nothing, ["watch", "try", "su-35", "{tmp}/missing.txt"], 2, "no such file"),
    ("watch-try-bad-query", nothing, ["watch", "try", '"unclosed', "--text", "x"], 2, "bad query"),
    ("smtp-port-not-a-number", write("w.toml", '[mail]\nsmtp_port = "abc"\n'),
     ["watch", "list", "--watches", "{tmp}/w.toml"], 2, "w.toml:2: [mail]: 'smtp_port'"),
    ("timeout-not-a-number", both(database, write("w.toml", '[mail]\ntimeout = "soon"\n')),
     ["alerts", "send", "--watches", "{tmp}/w.toml", "--db", DB], 2, "'timeout'"),
    ("mail-not-a-table", write("w.toml", "mail = 5\n"), ["watch", "list", "--watches", "{tmp}/w.toml"], 2,
     "'mail' must be a table"),
    ("watch-written-as-a-table", write("w.toml", RULE.replace("[[watch]]", "[watch]")),
     ["watch", "list", "--watches", "{tmp}/w.toml"], 2, "[[watch]]"),
    ("bad-security", both(database, write("w.toml", '[mail]\nsecurity = "carrier-pigeon"\n' + RULE)),
     ["alerts", "send", "--watches", "{tmp}/w.toml", "--db", DB], 2, "[mail]: security"),
    ("crawl-missing-watch-file", nothing, ["crawl", "--replay", str(DEMO), "--watches", "{tmp}/missing.toml"], 2,
     "no watch file at"),
    ("watch-list-missing-file", nothing, ["watch", "list", "--watches", "{tmp}/missing.toml"], 2, "no watch file at"),
    ("run-missing-watch-file", nothing, ["run", "--once", "--watches", "{tmp}/missing.toml"], 2, "no watch file at"),
    ("missing-config", nothing, ["sources", "--config", "{tmp}/missing.toml"], 2, "cannot read"),
    ("config-check-bad-schedule", write("s.toml", SOURCE + 'schedule = "every banana"\n'),
     ["config", "check", "{tmp}/s.toml"], 2, "s.toml:7: source 'alpha': field 'schedule'"),
    ("config-check-missing-spider", write("s.toml", SOURCE + 'spider = "nosuch"\n'),
     ["config", "check", "{tmp}/s.toml"], 2, "field 'spider'"),
    ("unknown-rule", WATCHES, ["watch", "show", "nope", "--watches", "{tmp}/w.toml"], 1, "no rule named 'nope'"),
    ("missing-article", database, ["show", "999", "--db", DB], 1, "no article with id 999"),
]


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize(("setup", "args", "code", "says"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_an_exit_code(tmp_path: Path, setup, args: list[str], code: int, says: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    setup(home)
    before = snapshot(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSWATCH_")}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), COLUMNS="200")
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *(a.format(tmp=home) for a in args)],
        capture_output=True, text=True, timeout=120, cwd=home, env=env,
    )
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert says in lines[0]
    assert result.returncode == code, result.stderr
    assert "s3cret" not in result.stderr
    assert snapshot(tmp_path) == before  # nothing created, nothing changed


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_sqlite_file_is_refused_before_a_crawl(tmp_path: Path) -> None:
    database(tmp_path)
    (tmp_path / "nw.db").chmod(0o444)
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--replay", str(DEMO),
         "--db", f"sqlite:///{tmp_path / 'nw.db'}"],
        capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stderr.count("\n")) == (1, 1) and "read-only" in result.stderr
