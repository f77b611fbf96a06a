"""`newswatch extract`: clean articles out of saved pages or URLs."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from crawler.commands.common import say, stderr, usage_error

if TYPE_CHECKING:  # extraction and fetching pull in trafilatura and Scrapy: imported when used
    from crawler.extraction import Article, ExtractOptions


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    text = "text"
    markdown = "markdown"


def extract(
    inputs: Annotated[
        list[str], typer.Argument(help="HTML files (.html, .html.gz), directories, URLs, file:// URLs, or - for stdin.")
    ],
    url: Annotated[str | None, typer.Option(help="The page's URL, for a saved file (one input only).")] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="json (one page), jsonl (one object per page), text, markdown."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="For each block trafilatura gave: kept, or which named rule dropped it.")
    ] = False,
    allow_private_networks: Annotated[
        bool,
        typer.Option("--allow-private-networks", help="Fetch URLs on private, loopback or link-local addresses too."),
    ] = False,
) -> None:
    """Extract the clean article from pages; several pages give one JSON object per line."""
    from crawler.extraction import ExtractionError, ExtractOptions
    from crawler.extraction.metadata import web_url
    from crawler.fetch import FetchError

    if url is not None and not web_url(url):
        usage_error(f"--url: not a valid http(s) URL: {url!r}")
    inputs = [_normalized(item) for item in inputs]
    if inputs.count(STDIN) > 1:
        usage_error("- (stdin) can be given only once")
    paths = list(_expand(inputs))
    several = len(paths) > 1 or any(Path(item).is_dir() for item in inputs if not _is_url(item) and item != STDIN)
    chosen = output_format or (OutputFormat.jsonl if several else OutputFormat.json)
    if several and chosen is not OutputFormat.jsonl:
        usage_error(f"{len(paths)} pages given: use --format jsonl for several pages")
    if url and several:
        usage_error("--url names one page: give a single file with it")
    if not paths:
        usage_error("no .html or .html.gz files found in " + ", ".join(inputs))
    options = ExtractOptions(markdown=chosen is OutputFormat.markdown, explain=explain)
    failures = 0
    with _progress(enabled=several) as progress:
        task = progress.add_task("extracting", total=len(paths))
        for item in paths:
            try:
                article = _extract_one(item, url, options, allow_private_networks)
            except (ExtractionError, FetchError, OSError) as exc:
                failures += 1
                say(f"error: {item}: {_message(exc)}")
            else:
                _print_explanation(article) if explain and not several else _print(article, item, chosen)
                if not article.is_article and not several:
                    say(f"note: {item}: not an article: {article.reason}")
            progress.advance(task)
    if several:
        say(f"{len(paths) - failures} extracted, {failures} failed")
    raise typer.Exit(1 if failures else 0)


STDIN = "-"
_URL_SCHEME = re.compile(r"(?P<scheme>https?|file)://", re.IGNORECASE)


def _is_url(item: str) -> bool:
    """An http(s) URL to fetch, the scheme in any case ("HTTP://…" too)."""
    match = _URL_SCHEME.match(item)
    return bool(match) and match["scheme"].lower() != "file"


def _normalized(item: str) -> str:
    """An input as `_extract_one` takes it: an http(s) URL with a lower-case scheme, a file:// URL as its
    path; a usage error for a URL that does not parse or a file:// URL naming another host."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from crawler.extraction.metadata import web_url

    match = _URL_SCHEME.match(item)
    if not match:
        return item
    scheme = match["scheme"].lower()
    if scheme != "file":
        if not web_url(item):
            usage_error(f"{item}: not a valid URL")
        return scheme + item[len(match["scheme"]) :]
    try:
        parts = urlsplit(item)
    except ValueError:
        usage_error(f"{item}: not a valid file:// URL")
    if parts.netloc not in ("", "localhost") or not parts.path:
        usage_error(f"{item}: a file:// URL must name a local path (file:///path/to/page.html)")
    return url2pathname(parts.path)


def _extract_one(item: str, url: str | None, options: ExtractOptions, allow_private: bool = False) -> Article:
    from crawler.extraction import extract_article
    from crawler.extraction.decoding import maybe_gunzip
    from crawler.fetch import fetch_page

    if _is_url(item):
        fetched = fetch_page(item, allow_private=allow_private)
        return extract_article(fetched.body, fetched.url, encoding=fetched.encoding, options=options)
    data = sys.stdin.buffer.read() if item == STDIN else Path(item).read_bytes()
    return extract_article(maybe_gunzip(data), url, options=options)


def _expand(inputs: list[str]) -> Iterator[str]:
    from crawler.extraction.decoding import SAVED_PAGE_SUFFIXES

    for item in inputs:
        path = Path(item)
        if item != STDIN and not _is_url(item) and path.is_dir():
            yield from sorted(str(p) for p in path.rglob("*") if p.is_file() and p.name.endswith(SAVED_PAGE_SUFFIXES))
        else:
            yield item


def _print_explanation(article: Article) -> None:
    for entry in article.explanation or []:
        detail = f" ({entry['detail']})" if entry["detail"] else ""
        verdict = "kept" if entry["kept"] else f"dropped by {entry['rule']}{detail}"
        if entry.get("recovered"):
            verdict += " (recovered: trafilatura had skipped it)"
        print(f"{entry['block']:>3} {verdict}: {entry['text'][:100]}")
    print(f"page: {article.kind}" + (f" ({article.reason})" if article.reason else ""))


def _print(article: Article, item: str, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.text:
        print(article.text)
    elif output_format is OutputFormat.markdown:
        print(article.markdown or "")
    elif output_format is OutputFormat.jsonl:
        print(json.dumps({"path": item, **article.to_dict()}, ensure_ascii=False), flush=True)
    else:
        print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


def _message(exc: BaseException) -> str:
    """The error as one line: a multi-line reason (urllib's redirect loop gives three) is joined."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return " ".join(str(exc).split()) or type(exc).__name__


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=not enabled,
        transient=True,
    )
