"""Highlighting and snippets around a match, from the spans a Match gives."""

from __future__ import annotations

from crawler.alerts.highlight import highlight, snippet
from crawler.alerts.query import Document, parse_query

FILLER = "Officials met in the capital on Tuesday to discuss the budget. " * 12
TEXT = FILLER + "Russia received a new batch of Su-35 jets from the plant,\n\n  officials said. " + FILLER


def test_highlight_wraps_each_span_and_merges_overlaps() -> None:
    assert highlight("Su-35 and S-400", [(0, 5), (10, 15)]) == "[Su-35] and [S-400]"
    assert highlight("Su-35 jets", [(0, 5), (3, 10)], mark=("<mark>", "</mark>")) == "<mark>Su-35 jets</mark>"
    assert highlight("no match", []) == "no match"


def test_highlight_accepts_match_spans_with_their_field() -> None:
    match = parse_query("su-35").match(Document("Su-35", "the Su35"))
    assert highlight("the Su35", [s for s in match.spans if s[0] == "text"]) == "the [Su35]"


def test_snippet_is_a_window_around_the_first_match_cut_between_words() -> None:
    match = parse_query('"su-35" jets').match(Document("", TEXT))
    window, spans = snippet(TEXT, match.field_spans("text"), width=120)
    assert window.startswith("…") and window.endswith("…")
    assert len(window) <= 120 + 2
    assert "  " not in window and "\n" not in window
    assert [window[a:b] for a, b in spans] == ["Su-35", "jets"]
    inner = window.strip("…")
    assert TEXT.split().count(inner.split()[0]) and TEXT.split().count(inner.split()[-1])  # whole words only
    assert highlight(window, spans).count("[") == 2


def test_snippet_of_a_short_text_is_the_whole_text() -> None:
    assert snippet("Iran sells Su-35 jets", [(11, 16)]) == ("Iran sells Su-35 jets", [(11, 16)])


def test_snippet_without_spans_starts_at_the_beginning() -> None:
    window, spans = snippet(FILLER, [], width=60)
    assert window.startswith("Officials met") and window.endswith("…") and spans == []


def test_snippet_keeps_a_match_at_the_very_end() -> None:
    text = FILLER + "Елабуга"
    window, spans = snippet(text, [(len(FILLER), len(text))], width=80)
    assert window.endswith("Елабуга") and window[spans[0][0] : spans[0][1]] == "Елабуга"
