"""Accuracy of our extractor on the shared devset, scored by the devset's own scorer beside trafilatura.

    python benchmarks/extraction_accuracy.py [--devset ../shared/devset] [--out predictions.json]

Runs `score.py --trafilatura` (bare trafilatura, default and best settings) and scores our
predictions against the same pages in the same run, with paired bootstrap differences.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import DEVSET, load_pages  # noqa: E402
from crawler.extraction import ExtractionError, extract_article  # noqa: E402


def _extract(page: tuple[str, str | None, bytes]) -> tuple[str, str]:
    page_id, url, body = page
    try:
        # The devset stores every page as UTF-8 whatever its stale <meta charset> says.
        return page_id, extract_article(body.decode("utf-8"), url).text
    except ExtractionError as exc:
        print(f"{page_id}: {exc}", file=sys.stderr)
        return page_id, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--out", type=Path, help="where to keep our predictions (default: a temp file)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pages = load_pages(args.devset)
    with ProcessPoolExecutor(args.jobs) as pool:
        predictions = dict(pool.map(_extract, pages, chunksize=8))
    out = args.out or Path(tempfile.mkdtemp()) / "newswatch.json"
    out.write_text(json.dumps({k: {"articleBody": v} for k, v in predictions.items()}, ensure_ascii=False))
    print(f"newswatch predictions: {out} ({len(predictions)} pages)", file=sys.stderr)
    scorer = [sys.executable, str(args.devset / "score.py"), "--trafilatura", str(out)]
    return subprocess.call(scorer)


if __name__ == "__main__":
    sys.exit(main())
