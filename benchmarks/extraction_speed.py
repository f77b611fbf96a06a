"""Speed of our extractor against bare trafilatura on the same pages, in the same process and run.

    python benchmarks/extraction_speed.py [DIR] [--repeat 1]

DIR is a directory of saved pages (.html, .html.gz); the shared devset by default. Both extractors
get the page as text (decoding is the same for both). Prints ms per page and the ratio; the goal is
ours / trafilatura.extract ≤ 1.15.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from benchmarks.pages import DEVSET, load_pages  # noqa: E402
from crawler.extraction import ExtractionError, extract_article  # noqa: E402


def _ours(html: str, url: str | None) -> None:
    try:
        extract_article(html, url)
    except ExtractionError:
        pass


CONTENDERS = {
    "trafilatura.extract (defaults)": lambda html, url: trafilatura.extract(html, url=url),
    "trafilatura.extract (our settings)": lambda html, url: trafilatura.extract(
        html, url=url, include_comments=False, favor_recall=True, with_metadata=True
    ),
    "newswatch extract_article": _ours,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEVSET)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the pages")
    args = parser.parse_args()
    pages = [(url, body.decode("utf-8", errors="replace")) for _, url, body in load_pages(args.directory)]
    for html_url, html in pages[:5]:  # warm imports and caches before timing
        for run in CONTENDERS.values():
            run(html, html_url)
    totals = {name: 0.0 for name in CONTENDERS}
    per_page: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for _ in range(args.repeat):
        for url, html in pages:
            for name, run in CONTENDERS.items():  # interleaved, so drift hits all alike
                start = time.perf_counter()
                run(html, url)
                elapsed = time.perf_counter() - start
                totals[name] += elapsed
                per_page[name].append(elapsed)
    count = len(pages) * args.repeat
    baseline = "trafilatura.extract (defaults)"
    print(f"{len(pages)} pages x {args.repeat} from {args.directory}")
    print(f"{'extractor':<36} {'ms/page':>8} {'median':>8} {'ratio':>6}")
    for name in CONTENDERS:
        mean = 1000 * totals[name] / count
        median = 1000 * statistics.median(per_page[name])
        print(f"{name:<36} {mean:8.1f} {median:8.1f} {totals[name] / totals[baseline]:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
