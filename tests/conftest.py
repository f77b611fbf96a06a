"""Shared test helpers: fixture pages are read as bytes, never decoded by the test."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def page_expectations() -> list[tuple[Path, dict]]:
    """Every fixture page with its `.toml` expectation file."""
    return [(html, tomllib.loads(html.with_suffix(".toml").read_text("utf-8"))) for html in sorted(PAGES.glob("*.html"))]


@pytest.fixture
def pages_dir() -> Path:
    return PAGES
