"""The pages benchmarks run on: the shared devset by default, or any directory of saved pages."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.extraction.decoding import SAVED_PAGE_SUFFIXES, maybe_gunzip

REPO = Path(__file__).resolve().parent.parent
DEVSET = REPO.parent / "shared" / "devset"


def page_id(path: Path) -> str:
    name = path.name
    for suffix in SAVED_PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load_pages(directory: Path) -> list[tuple[str, str | None, bytes]]:
    """(id, url, bytes) of every saved page; URLs come from the devset's ground truth when present."""
    truth_file = directory.parent / "ground-truth.json" if directory.name == "html" else directory / "ground-truth.json"
    truth = json.loads(truth_file.read_text("utf-8")) if truth_file.exists() else {}
    html_dir = directory / "html" if (directory / "html").is_dir() else directory
    paths = sorted(p for p in html_dir.iterdir() if p.name.endswith(SAVED_PAGE_SUFFIXES))
    return [(page_id(p), (truth.get(page_id(p)) or {}).get("url"), maybe_gunzip(p.read_bytes())) for p in paths]
