"""The watch file and `newswatch watch …` as a user runs them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from crawler.alerts.config import WatchConfigError, load_watches
from tests.test_crawl_end_to_end import newswatch

GOOD = """
[mail]
from = "newswatch@example.org"

[[watch]]
name = "iran-drones"
query = '(shahed OR "geran-2") AND russia'
recipients = ["analyst@example.org"]
"""


def watch(tmp_path: Path, *args: str):
    return newswatch("watch", *args, "--watches", str(tmp_path / "watches.toml"))


def test_every_mistake_is_named_with_line_and_field(tmp_path: Path):
    path = tmp_path / "watches.toml"
    path.write_text(
        GOOD
        + """
[[watch]]
name = "Bad Name"
query = '"unclosed'
recipients = ["not-an-address"]
mode = "monthly"
timezone = "Mars/Olympus"
colour = "red"
""",
        "utf-8",
    )
    with pytest.raises(WatchConfigError) as error:
        load_watches(path)
    problems = error.value.problems
    assert all(problem.startswith(f"{path}:") for problem in problems)
    by_field = {next(f for f in ("name", "query", "recipients", "mode", "timezone", "colour") if f"'{f}'" in p): p
                for p in problems}
    assert by_field["name"].startswith(f"{path}:11:")
    assert by_field["query"].startswith(f"{path}:12:") and "column 1" in by_field["query"] and "quote" in by_field["query"]
    assert by_field["recipients"].startswith(f"{path}:13:")
    assert by_field["mode"].startswith(f"{path}:14:") and by_field["timezone"].startswith(f"{path}:15:")
    assert by_field["colour"].startswith(f"{path}:16:")


def test_add_list_show_remove(tmp_path: Path):
    assert watch(tmp_path, "add", "su35", "--query", 'title:su-35 OR "sukhoi-35"', "--to", "a@example.org",
                 "--to", "b@example.org", "--mode", "daily", "--timezone", "Europe/Paris").returncode == 0
    assert watch(tmp_path, "add", "drones", "--query", "shahed*", "--to", "c@example.org").returncode == 0
    rules = load_watches(tmp_path / "watches.toml").rules
    assert [(r.name, r.recipients, r.mode.value, r.timezone) for r in rules] == [
        ("su35", ("a@example.org", "b@example.org"), "daily", "Europe/Paris"),
        ("drones", ("c@example.org",), "instant", "UTC"),
    ]
    assert "sukhoi-35" in watch(tmp_path, "show", "su35").stdout
    assert watch(tmp_path, "add", "drones", "--query", "geran*", "--to", "c@example.org").returncode == 2
    assert watch(tmp_path, "remove", "drones").returncode == 0
    assert [r.name for r in load_watches(tmp_path / "watches.toml").rules] == ["su35"]
    missing = watch(tmp_path, "remove", "drones")
    assert missing.returncode == 1 and "no rule named 'drones'" in missing.stderr


def test_a_rule_that_does_not_parse_is_refused_and_nothing_changes(tmp_path: Path):
    path = tmp_path / "watches.toml"
    path.write_text(GOOD, "utf-8")
    before = path.read_bytes()
    result = watch(tmp_path, "add", "broken", "--query", "iran NEAR drones", "--to", "a@example.org")
    assert result.returncode == 2
    assert "watch 'broken': field 'query': column 6" in result.stderr and "NEAR/10" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(("query", "text", "status", "shown"), [
    ("su-35 AND iran", "Iran expects its first SU 35 jets soon", 0, "«Iran» expects its first «SU 35» jets"),
    ('"geran-2"', "Россия получила новую партию «Герань-2» из Алабуги", 0, "«Герань-2»"),
    ("shahed NOT russia", "Russia launched Shahed drones", 1, ""),
    ('"unclosed', "anything", 2, ""),
])
def test_try_says_whether_and_why(tmp_path: Path, query, text, status, shown):
    (tmp_path / "watches.toml").write_text("", "utf-8")  # a --watches file must exist
    result = watch(tmp_path, "try", query, "--text", text)
    assert result.returncode == status, result.stderr
    assert shown in result.stdout
    if status == 2:
        assert "column 1" in result.stderr


def test_try_reads_a_file_and_a_title(tmp_path: Path):
    page = tmp_path / "story.txt"
    page.write_text("Tehran denies sending Fath-360 missiles.", "utf-8")
    (tmp_path / "watches.toml").write_text("", "utf-8")  # a --watches file must exist
    result = watch(tmp_path, "try", "title:sanctions AND fath-360", str(page), "--title", "New sanctions")
    assert result.returncode == 0 and "«sanctions»" in result.stdout.lower()


def test_add_and_remove_keep_comments_and_layout(tmp_path: Path):
    path = tmp_path / "watches.toml"
    path.write_text("# our desk's rules\n" + GOOD.replace("[[watch]]", "# drones first\n[[watch]]  # oldest"), "utf-8")
    assert watch(tmp_path, "add", "su35", "--query", "su-35", "--to", "a@example.org").returncode == 0
    assert watch(tmp_path, "add", "iran-drones", "--query", "shahed", "--to", "b@example.org", "--replace").returncode == 0
    assert watch(tmp_path, "remove", "su35").returncode == 0
    text = path.read_text("utf-8")
    assert text.startswith("# our desk's rules\n") and "# drones first\n[[watch]]  # oldest" in text
    # (tomlkit ≥ 0.15 keeps the replaced value's quoting as the user wrote it, older ones write "…")
    assert [entry["query"] for entry in tomllib.loads(text)["watch"]] == ["shahed"] and "su35" not in text
    listed = watch(tmp_path, "list", "--json")
    assert [(rule["name"], rule["recipients"]) for rule in json.loads(listed.stdout)] == [("iran-drones", ["b@example.org"])]
    shown = json.loads(watch(tmp_path, "show", "iran-drones", "--json").stdout)
    assert shown["query"] == "shahed" and shown["mode"] == "instant"


def test_list_shows_a_channel_url_as_scheme_and_host_only(tmp_path: Path):
    (tmp_path / "watches.toml").write_text(
        '[[watch]]\nname = "drones"\nquery = "shahed"\n'
        'recipients = ["a@example.org", "ntfy://secrettoken@ntfy.example/topic"]\n',
        "utf-8",
    )
    listed = watch(tmp_path, "list")
    assert listed.returncode == 0 and "ntfy://ntfy.example" in listed.stdout and "a@example.org" in listed.stdout
    assert "secrettoken" not in listed.stdout


def test_add_a_weekly_digest_on_its_day_and_refuse_a_day_that_is_none(tmp_path: Path):
    added = watch(tmp_path, "add", "weekly-su35", "--query", "su-35", "--to", "a@example.org", "--mode", "weekly",
                  "--digest-day", "Fri", "--digest-hour", "17", "--timezone", "Europe/Berlin")  # fmt: skip
    assert added.returncode == 0, added.stderr
    shown = json.loads(watch(tmp_path, "show", "weekly-su35", "--json").stdout)
    assert (shown["mode"], shown["digest_day"], shown["digest_hour"], shown["timezone"]) == (
        "weekly", "fri", 17, "Europe/Berlin")  # fmt: skip
    refused = watch(tmp_path, "add", "bad-day", "--query", "su-35", "--to", "a@example.org", "--mode", "weekly",
                    "--digest-day", "someday")  # fmt: skip
    assert refused.returncode == 2 and "digest_day" in refused.stderr and "Traceback" not in refused.stderr
    assert "bad-day" not in (tmp_path / "watches.toml").read_text("utf-8")
