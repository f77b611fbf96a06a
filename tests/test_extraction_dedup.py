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


def test_a_box_of_the_sites_front_page_after_the_story_ends_the_text():
    box = "<h3>Today on Tehran Monitor</h3><ul><li><a href='/a'>Caspian ferry adds a third ship</a></li></ul>"
    body = "".join(PROSE.format(n=n) for n in range(1, 6)) + box
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert "Paragraph 5 says" in text and "Today on" not in text and "Caspian ferry" not in text


def test_an_all_caps_promo_link_between_paragraphs_goes():
    promo = "<p><a href='/x'>READ MORE: CASPIAN FERRY ADDS A THIRD SHIP</a></p><p><a href='/y'>WATCH: AKTAU PORT AT NIGHT</a></p>"
    body = "".join(PROSE.format(n=n) for n in range(1, 4)) + promo + "".join(PROSE.format(n=n) for n in range(4, 7))
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert "CASPIAN FERRY ADDS" not in text and "AKTAU PORT AT NIGHT" not in text and "Paragraph 6 says" in text


def test_a_press_releases_about_the_company_ends_the_text():
    tail = ("<h3>About the company</h3><p>Caspian Freight Lines is a leading provider of ro-ro services on the "
            "Caspian Sea, with offices in Baku, Aktau and Astrakhan.</p><h3>Media contact</h3><p>press@example.com</p>")
    body = "".join(PROSE.format(n=n) for n in range(1, 6)) + tail
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert "Paragraph 5 says" in text and "leading provider" not in text and "press@" not in text


def test_a_deck_the_lead_repeats_after_an_agency_prefix_is_kept_once():
    deck = "The air force commander announced a new air-defence system deployed in the west of the country."
    lead = f"<p>According to the news agency, {deck[0].lower()}{deck[1:]} It was built by domestic engineers.</p>"
    body = f"<h3 class='lead'>{deck}</h3>{lead}" + "".join(PROSE.format(n=n) for n in range(1, 4))
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert text.count("new air-defence system deployed") == 1 and "According to the news agency" in text


def test_a_short_line_repeated_later_in_the_story_stays():
    # near-miss: a sentence of the story quoted again inside a later paragraph is no deck
    line = "<p>The ferry carried more lorries this winter than in any year before in its history.</p>"
    later = ("<p>Paragraph 9 repeats that the ferry carried more lorries this winter than in any year before "
             "in its history, and adds that the port plans a new berth.</p>")
    body = "".join(PROSE.format(n=n) for n in range(1, 3)) + line + PROSE.format(n=3) + later
    text = extract_article(f"<html><body><article>{body}</article></body></html>").text
    assert text.count("The ferry carried more lorries this winter") == 1 and "Paragraph 9 repeats" in text
