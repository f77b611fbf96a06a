"""Speed of our extractor against bare trafilatura on the same pages, in the same process and run.

    python benchmarks/extraction_speed.py [DIR ...] [--repeat 1]

Each DIR is a directory of saved pages (.html, .html.gz); by default the shared devset and our own
fixture pages (tests/fixtures/pages and tests/fixtures/sites). All pages of all sets are timed in one
interleaved run (each page through every extractor in turn, so drift hits all alike), then reported
per set. Every extractor gets the page as text (decoding is the same for all). Prints ms per page and
the ratio to `trafilatura.extract` with its defaults; the goal is ours / trafilatura ≤ 1.10 on each set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from benchmarks.pages import DEVSET, REPO, load_pages  # noqa: E402
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


FIXTURES = REPO / "tests" / "fixtures"
BASELINE = "trafilatura.extract (defaults)"


def _fixture_pages() -> list[tuple[str, str | None, bytes]]:
    pages = load_pages(FIXTURES / "pages")
    for site in sorted((FIXTURES / "sites").iterdir()):
        if site.is_dir():
            pages += load_pages(site)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path, help="page folders (default: devset and fixtures)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the pages")
    parser.add_argument(
        "--fixture-repeat", type=int, default=10, help="passes over the few fixture pages, within each pass"
    )
    args = parser.parse_args()
    sets = (
        {str(directory): load_pages(directory) for directory in args.directories}
        if args.directories
        else {"devset": load_pages(DEVSET), "fixture pages": _fixture_pages() * args.fixture_repeat}
    )
    pages = [
        (name, url, body.decode("utf-8", errors="replace")) for name, found in sets.items() for _, url, body in found
    ]
    for _, url, html in pages[:5]:  # warm imports and caches before timing
        for run in CONTENDERS.values():
            run(html, url)
    totals = {(set_name, name): 0.0 for set_name in sets for name in CONTENDERS}
    per_page: dict[tuple[str, str], list[float]] = {key: [] for key in totals}
    for _ in range(args.repeat):
        for set_name, url, html in pages:
            for name, run in CONTENDERS.items():  # interleaved, so drift hits all alike
                start = time.perf_counter()
                run(html, url)
                elapsed = time.perf_counter() - start
                totals[set_name, name] += elapsed
                per_page[set_name, name].append(elapsed)
    for set_name, found in sets.items():
        count = len(found) * args.repeat
        print(f"{set_name}: {len(found)} page runs x {args.repeat}")
        print(f"  {'extractor':<36} {'ms/page':>8} {'median':>8} {'ratio':>6}")
        for name in CONTENDERS:
            mean = 1000 * totals[set_name, name] / count
            median = 1000 * statistics.median(per_page[set_name, name])
            ratio = totals[set_name, name] / totals[set_name, BASELINE]
            print(f"  {name:<36} {mean:8.1f} {median:8.1f} {ratio:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
