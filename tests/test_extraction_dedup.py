"""Dedup removes real repetition only; a recirculation box inside the story does not end it."""

from __future__ import annotations

from crawler.extraction import extract_article
from tests.conftest import PAGES

PROSE = (
    "<p>Paragraph {n} says the ferry between Baku and Turkmenbashi carried more lorries this winter than "
    "in any year before, the port authority said in its annual report on Thursday.</p>"
)


def _text(name: str) -> str:
    return extract_article((PAGES / f"{name}.html").read_bytes()).text


def test_a_recipes_repeated_lines_stay():
    text = _text("recipe_repeated_steps")
    assert text.count("250 g walnuts, toasted and finely ground") == 2
    assert text.count("Fry the onion in two tablespoons of oil until soft and golden.") == 2
    assert text.count("Stir in the ground walnuts and cook for two minutes") == 2
    assert text.count("Fesenjan is a slow stew of ground walnuts") == 1  # the doubled lead


def test_an_interviews_speaker_labels_stay():
    text = _text("interview_with_dont_miss_box")
    assert text.count("Interviewer:") == 3 and text.count("Hydrologist:") == 3


def test_a_paragraph_printed_again_inside_a_larger_block_is_kept_once():
    doubled = ("<p>The port will close for two weeks in March while cranes are replaced, the operator said, "
               "and ships will be sent to Alat instead.</p>")
    larger = ("<p>The port will close for two weeks in March while cranes are replaced, the operator said, "
              "and ships will be sent to Alat instead. Shipping agents said the closure had been expected "
              "since the cranes failed an inspection last year.</p>")
    body = "".join(PROSE.format(n=n) for n in range(1, 4)) + doubled + larger + PROSE.format(n=4)
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert text.count("The port will close for two weeks") == 1
    assert "failed an inspection last year" in text


def test_a_long_paragraph_printed_twice_is_kept_once():
    body = "".join(PROSE.format(n=n) for n in range(1, 6)) + PROSE.format(n=2)
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert text.count("Paragraph 2 says") == 1


def test_a_late_related_heading_with_no_story_after_it_still_ends_the_text():
    teasers = "<h3>Related stories</h3><ul><li><a href='/a'>Caspian ferry adds a third ship</a></li><li><a href='/b'>Aktau port grows</a></li></ul>"
    body = "".join(PROSE.format(n=n) for n in range(1, 6)) + teasers + "<p>Short note.</p>"
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert "Paragraph 5 says" in text and "Related stories" not in text and "Short note" not in text
