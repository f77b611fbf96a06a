"""Rendering alert emails (crawler.alerts.render) with hand-made spans: escaping, highlights, snippets
(crawler.alerts.highlight, shared with the CLI)."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.alerts.highlight import excerpt, locate, term_pattern
from crawler.alerts.render import EmailItem, EmailUpdate, HealthNotice, Section, render_email, render_health_email

TEXT = (
    ("Filler sentence about the weather. " * 12)
    + "Russia builds Shahed-136 drones at Alabuga. "
    + ("More filler. " * 20)
)


def render(*sections: Section, digest: str | None = None):
    return render_email(
        list(sections),
        recipient="alice@example.org",
        sender="newswatch@example.org",
        message_id="<newswatch.1.abc@example.org>",
        date=datetime(2026, 11, 24, 9, tzinfo=UTC),
        domain="example.org",
        digest=digest,
    )


def item(**fields) -> EmailItem:
    values = {"title": "Drones", "url": "https://example.org/a", "outlet": "Outlet", "published": None, "text": TEXT}
    values.update(fields)
    return EmailItem(**values)


def test_a_javascript_link_from_a_page_is_never_clickable() -> None:
    msg = render(Section("r", [item(url="javascript:alert(document.cookie)")], [EmailUpdate("Old", "data:x", "O", 3)]))
    html = msg.get_body(("html",)).get_content()
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "javascript:alert(document.cookie)" in html  # shown as text, not as a link


def test_outlet_and_snippet_text_are_escaped_too() -> None:
    text = "Shahed <img src=x onerror=alert(1)> drones"
    msg = render(Section("r", [item(outlet="<b>Outlet</b>", text=text, terms=["shahed"])]))
    html = msg.get_body(("html",)).get_content()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;b&gt;Outlet" in html
    assert "<mark>Shahed</mark>" in html


def test_hand_made_spans_are_highlighted_and_the_snippet_is_cut_around_them() -> None:
    start = TEXT.index("Shahed-136")
    ranges = locate(TEXT, "text", [("text", start, start + 10)], [])
    cut = excerpt(TEXT, ranges, width=120)
    assert cut.cut_before and cut.cut_after
    assert "«Shahed-136»" in cut.marked_text and len(cut.plain) <= 120
    assert cut.plain == cut.plain.strip() and not cut.plain.startswith("ather")  # cut at a word boundary


def test_a_stale_span_is_found_again_by_its_text_and_a_lost_one_falls_back_to_terms() -> None:
    edited = "Updated: " + TEXT
    start = TEXT.index("Alabuga")
    assert locate(edited, "text", [("text", start, start + 7, "Alabuga")], []) == [(start + 9, start + 16)]
    assert locate(edited, "text", [("text", start, start + 7, "Yelabuga")], ["shahed*"]) == [
        (edited.index("Shahed"), edited.index("Shahed") + 6)
    ]


def test_terms_match_across_case_hyphens_and_spaces() -> None:
    pattern = term_pattern("su-35")
    assert [pattern.search(text).group() for text in ("the Su-35 jet", "SU 35s? no: SU 35", "Su35")] == [
        "Su-35",
        "SU 35",
        "Su35",
    ]
    assert term_pattern("missile*").search("Missiles flew").group() == "Missiles"
    assert term_pattern("Герань-2").search("дроны «Герань 2»").group() == "Герань 2"


def test_published_dates_are_shown_as_given() -> None:
    text = render(Section("r", [item(published="2025-02-03"), item(published=datetime(2025, 2, 3, 8, 15, tzinfo=UTC))]))
    plain = text.get_body(("plain",)).get_content()
    assert "Outlet · 3 Feb 2025\n" in plain and "Outlet · 3 Feb 2025, 08:15 UTC" in plain


def test_subjects_name_the_rule_and_count_or_the_digest_and_its_rules() -> None:
    assert render(Section("iran-drones", [item()] * 3))["Subject"] == "[newswatch] iran-drones: 3 new articles"
    digest = render(Section("a", [item()]), Section("b", [item()]), digest="hourly")
    assert digest["Subject"] == "[newswatch] hourly digest: 2 new articles (a, b)"
    assert digest["List-Id"] == "newswatch hourly-digest <hourly-digest.newswatch.example.org>"
    assert digest["Auto-Submitted"] == "auto-generated"


def test_a_health_notice_is_escaped_and_names_its_source() -> None:
    since = datetime(2026, 11, 24, 8, tzinfo=UTC)
    notice = HealthNotice("x_news", "X <b>News</b>", True, ["blocked: <script>alert(1)</script>"], since, runs_7d=3)
    msg = render_health_email(
        notice,
        recipient="ops@example.org",
        sender="newswatch@example.org",
        message_id="<newswatch.health.x@example.org>",
        date=since,
        domain="example.org",
    )
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "<li>blocked: &lt;script&gt;alert(1)&lt;/script&gt;</li>" in html
    assert "X &lt;b&gt;News&lt;/b&gt;" in html
    plain = msg.get_body(("plain",)).get_content()
    assert "Source x_news (X <b>News</b>) is unhealthy since 2026-11-24 08:00 UTC:\n- blocked: <script>" in plain
    assert "Last 7 days: 0 new articles in 3 runs" in plain and "Next run: not scheduled" in plain
    assert msg["Subject"] == "[newswatch] source x_news is unhealthy: blocked: <script>alert(1)</script>"
    assert msg["X-Newswatch-Source"] == "x_news" and msg["Auto-Submitted"] == "auto-generated"
