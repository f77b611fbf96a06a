"""Accuracy of our extractor on the shared devset, scored by the devset's own scorer beside trafilatura.

    python benchmarks/extraction_accuracy.py [--devset ../shared/devset] [--out predictions.json]

Runs `score.py --trafilatura` (bare trafilatura, default and best settings) and scores our
predictions against the same pages in the same run, with paired bootstrap differences.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import DEVSET, load_pages  # noqa: E402
from crawler.extraction import ExtractionError, extract_article  # noqa: E402


def _extract(page: tuple[str, str | None, bytes]) -> tuple[str, str, dict | None]:
    page_id, url, body = page
    try:
        # The devset stores every page as UTF-8 whatever its stale <meta charset> says.
        html = body.decode("utf-8")
        article = extract_article(html, url)
    except ExtractionError as exc:
        print(f"{page_id}: {exc}", file=sys.stderr)
        return page_id, "", None
    import trafilatura

    theirs = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    fields = {
        "newswatch": (article.title, article.authors, article.published),
        "trafilatura": (
            theirs.title if theirs else None,
            [name.strip() for name in (theirs.author or "").split(";") if name.strip()] if theirs else [],
            theirs.date if theirs else None,
        ),
    }
    return page_id, article.text, fields


def _words(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").lower()).strip()


def _title_ok(got: str | None, want: str) -> bool:
    # Readability's titles often keep the site's suffix: containment either way counts.
    g, w = _words(got), _words(want)
    return bool(g) and (g == w or (len(g) > 10 and g in w) or (len(w) > 10 and w in g))


def _byline_ok(got: list[str], want: str | None) -> bool:
    if not want:
        return not got
    wanted = set(_words(want).split())
    return bool(got) and all(set(_words(name).split()) & wanted for name in got)


def score_metadata(expected: dict[str, dict], fields: dict[str, dict]) -> None:
    """Title, byline and date against metadata.json (Readability.js's expectations), ours beside trafilatura's."""
    pages = [pid for pid in expected if fields.get(pid)]
    dated = [pid for pid in pages if expected[pid].get("publishedTime")]
    print(f"metadata on {len(pages)} Readability pages (title / byline / date of {len(dated)} dated)")
    for system in ("trafilatura", "newswatch"):
        titles = sum(_title_ok(fields[pid][system][0], expected[pid]["title"]) for pid in pages)
        bylines = sum(_byline_ok(fields[pid][system][1], expected[pid].get("byline")) for pid in pages)
        dates = sum((fields[pid][system][2] or "")[:10] == expected[pid]["publishedTime"][:10] for pid in dated)
        print(f"  {system:<12} title {titles:3d}  byline {bylines:3d}  date {dates:3d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--out", type=Path, help="where to keep our predictions (default: a temp file)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pages = load_pages(args.devset)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_extract, pages, chunksize=8))
    predictions = {page_id: text for page_id, text, _ in results}
    out = args.out or Path(tempfile.mkdtemp()) / "newswatch.json"
    out.write_text(json.dumps({k: {"articleBody": v} for k, v in predictions.items()}, ensure_ascii=False))
    print(f"newswatch predictions: {out} ({len(predictions)} pages)", file=sys.stderr)
    scorer = [sys.executable, str(args.devset / "score.py"), "--trafilatura", str(out)]
    status = subprocess.call(scorer)
    metadata_file = args.devset / "metadata.json"
    if metadata_file.exists():
        expected = json.loads(metadata_file.read_text("utf-8"))
        score_metadata(expected, {page_id: fields for page_id, _, fields in results if page_id in expected})
    return status


if __name__ == "__main__":
    sys.exit(main())
