"""Does a banner turn an article into a blocker page? Add one to every page and count the flips.

    python benchmarks/blocker_robustness.py [DIR] [--jobs 2] [--show 10]

Each page is extracted as it is, then again with a banner added just inside <body>: a cookie bar,
a consent dialog, and a "protected by reCAPTCHA" comment form. A page that was not `consent` or
`challenge` and becomes one is a flip: in a crawl that article would be lost. The goal is 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import DEVSET, load_pages  # noqa: E402
from crawler.extraction import ExtractionError, extract_article  # noqa: E402

BANNERS = {
    "cookie bar": (
        '<div class="cc-window cc-banner" aria-label="cookieconsent"><span class="cc-message">'
        "This website uses cookies to ensure you get the best experience on our website. "
        '<a class="cc-link" href="/privacy">Cookie policy</a></span>'
        '<div class="cc-compliance"><a class="cc-btn cc-deny">Reject all</a>'
        '<a class="cc-btn cc-allow">Accept all cookies</a></div></div>'
    ),
    "consent dialog": (
        '<div id="qc-cmp2-container"><div role="dialog" aria-modal="true"><h2>We value your privacy</h2>'
        "<p>We and our partners store and/or access information on a device, such as cookies, and "
        "process personal data, such as unique identifiers, for personalised ads and content. You may "
        "click to consent or manage your preferences, including your right to object.</p>"
        "<button>Manage options</button><button>Reject all</button><button>Accept all</button></div></div>"
    ),
    "reCAPTCHA form": (
        '<form class="x-respond"><h3>Leave a reply</h3><textarea name="c"></textarea>'
        '<p class="x-note">This site is protected by reCAPTCHA and the Google Privacy Policy and '
        "Terms of Service apply.</p><button>Post comment</button></form>"
    ),
}
BLOCKERS = {"consent", "challenge"}
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def _kind(html: str, url: str | None) -> str:
    try:
        return str(extract_article(html, url).kind)
    except ExtractionError as exc:
        return f"error:{exc.kind}"


def with_banner(html: str, banner: str) -> str:
    match = _BODY.search(html)
    if match is None:
        return banner + html
    return html[: match.end()] + banner + html[match.end():]


def _page(page: tuple[str, str | None, bytes]) -> tuple[str, str, dict[str, str]]:
    page_id, url, body = page
    html = body.decode("utf-8", errors="replace")
    return page_id, _kind(html, url), {name: _kind(with_banner(html, banner), url) for name, banner in BANNERS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEVSET)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=10, help="flipped pages to list per banner")
    args = parser.parse_args()
    pages = load_pages(args.directory)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_page, pages, chunksize=8))
    print(f"{len(results)} pages from {args.directory}")
    print(f"blockers as they are: {sum(1 for _, kind, _ in results if kind in BLOCKERS)}")
    total = 0
    for name in BANNERS:
        flipped = [(pid, kind, kinds[name]) for pid, kind, kinds in results
                   if kind not in BLOCKERS and kinds[name] in BLOCKERS]
        total += len(flipped)
        print(f"{name:<16} flipped to consent/challenge: {len(flipped)}")
        for pid, before, after in flipped[: args.show]:
            print(f"    {pid}: {before} -> {after}")
    print(f"total flips: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
