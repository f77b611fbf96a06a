"""`explain`: each block trafilatura gave, kept or dropped and by which named rule (library and CLI)."""

from __future__ import annotations

import subprocess
import sys

from crawler.extraction import ExtractOptions, extract_article, rules
from tests.conftest import PAGES

PROSE = (
    "<p>Paragraph {n} says the ferry between Baku and Turkmenbashi carried more lorries this winter than "
    "in any year before, the port authority said in its annual report on Thursday.</p>"
)
BOX = ("<p><strong>Don't miss</strong></p><p><a href='/a'>Aktau port adds three berths for grain ships</a></p>"
       "<p><a href='/b'>Caspian sturgeon quota cut again this year</a></p>")
PAGE = ("<html><head><title>Ferry record</title></head><body><article>"
        + "".join(PROSE.format(n=n) for n in range(1, 4)) + BOX + "".join(PROSE.format(n=n) for n in range(4, 7))
        + "<p>Advertisement</p></article></body></html>")


def test_a_mid_story_box_goes_and_the_story_after_it_stays():
    article = extract_article(PAGE, options=ExtractOptions(explain=True))
    assert "Paragraph 6 says" in article.text and "Don't miss" not in article.text
    assert "Aktau port adds three berths" not in article.text
    rules_by_text = {entry["text"]: entry["rule"] for entry in article.explanation}
    assert rules_by_text["Don't miss"] == "mid-story-box"
    assert rules_by_text["Advertisement"] == "boilerplate"


def test_every_block_is_listed_with_a_named_rule_or_kept():
    article = extract_article(PAGE, options=ExtractOptions(explain=True))
    assert [entry["block"] for entry in article.explanation] == list(range(1, len(article.explanation) + 1))
    for entry in article.explanation:
        assert entry["kept"] == (entry["rule"] is None)
        assert entry["kept"] == (entry["text"] in article.text)
        assert entry["rule"] is None or entry["rule"] in rules.BLOCK_RULES
    assert "explanation" not in extract_article(PAGE).to_dict()


def test_cli_explain_prints_each_block():
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "extract", "--explain",
         str(PAGES / "tehran_times_su35_purchase.html")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(" kept: " in line for line in lines)
    assert lines[-1].startswith("page: article")


def test_explain_shows_persian_text_with_its_zero_width_joiners():
    word = "موشک\u200cهای"  # "missiles", spelt with a zero-width non-joiner
    story = "".join(f"<p>پاراگراف {n}: {word} بالستیک ایران به روسیه رسید و مقام‌ها آن را تأیید کردند.</p>" for n in range(4))
    article = extract_article(f"<html lang='fa'><body><article>{story}</article></body></html>", options=ExtractOptions(explain=True))
    assert word in article.text
    shown = " ".join(entry["text"] for entry in article.explanation)
    assert word in shown and "\ua66e" not in shown
