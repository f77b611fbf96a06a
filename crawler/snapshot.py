"""Saved sites: a directory of pages plus `index.jsonl`, one line per URL.

    {"url": "https://example.com/rss", "file": "example.com/3f2a9c.xml", "status": 200,
     "headers": {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": "\"v1\""}}

`file` is relative to the directory and may be absent (a 404, a redirect with a Location header).
`newswatch crawl --record DIR` writes this format; `--replay DIR` serves from it with no network.

A saved site may come from anyone, so every `file` is confined to the directory: it must be a
relative path that, with symlinks resolved, stays inside the directory. An entry that points out
of it (`../x`, `/etc/passwd`, a symlink to elsewhere) makes the whole snapshot unreadable: a
`SnapshotError` naming `index.jsonl:LINE`, raised when the snapshot is opened, so a replay stops
before it crawls rather than answering that URL as not saved (which would hide the tampering).
A file swapped for such a symlink after opening is refused the same way when it is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

INDEX = "index.jsonl"
# Response headers worth keeping: what the crawler reads back.
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Location", "Content-Encoding")
_EXTENSIONS = {"xml": ".xml", "rss": ".xml", "atom": ".xml", "html": ".html", "json": ".json", "pdf": ".pdf"}


class SnapshotError(Exception):
    """A snapshot that cannot be read; the message names the file and line."""


@dataclass(slots=True)
class SavedPage:
    url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    line: int = 0  # its line in index.jsonl, for error messages


class Snapshot:
    """Read access to a saved site."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.root = directory.resolve()
        self.pages: dict[str, SavedPage] = {}
        index = directory / INDEX
        if not index.is_file():
            raise SnapshotError(f"{index}: no such file (a snapshot directory needs an {INDEX})")
        for number, line in enumerate(index.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                page = SavedPage(
                    url=entry["url"], status=int(entry.get("status", 200)),
                    headers=dict(entry.get("headers") or {}), file=entry.get("file"), line=number,
                )
                if page.file is not None and not isinstance(page.file, str):
                    raise TypeError(f"'file' must be a string, not {type(page.file).__name__}")
            except (ValueError, KeyError, TypeError) as exc:
                raise SnapshotError(f"{index}:{number}: bad entry: {exc}") from exc
            if page.file:
                self._confined(page)
            self.pages[page.url] = page

    def get(self, url: str) -> SavedPage | None:
        return self.pages.get(url)

    def body(self, page: SavedPage) -> bytes:
        if not page.file:
            return b""
        path = self._confined(page)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SnapshotError(f"{path}: {exc.strerror} (listed for {page.url})") from exc


    def _confined(self, page: SavedPage) -> Path:
        """The resolved path of `page.file`; SnapshotError unless it lies inside the directory."""
        assert page.file
        where = f"{self.directory / INDEX}:{page.line}"
        if Path(page.file).is_absolute() or "\0" in page.file:
            raise SnapshotError(
                f"{where}: file {page.file!r} is not a path inside the snapshot (listed for {page.url})"
            )
        resolved = (self.root / page.file).resolve()
        if not resolved.is_relative_to(self.root):
            raise SnapshotError(f"{where}: file {page.file!r} points outside the snapshot (listed for {page.url})")
        return resolved


class SnapshotWriter:
    """Appends fetched pages to a snapshot directory (created if needed)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._index = (directory / INDEX).open("a", encoding="utf-8")

    def save(self, url: str, status: int, headers: dict[str, str], body: bytes) -> SavedPage:
        page = SavedPage(url=url, status=status, headers={k: v for k, v in headers.items() if k in KEPT_HEADERS})
        if body:
            page.file = _file_name(url, headers.get("Content-Type", ""))
            target = self.directory / page.file  # _file_name never climbs out of the directory
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        record = {"url": page.url, "file": page.file, "status": page.status, "headers": page.headers}
        self._index.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._index.flush()
        return page

    def close(self) -> None:
        self._index.close()


def _file_name(url: str, content_type: str) -> str:
    parts = urlsplit(url)
    kind = next((ext for key, ext in _EXTENSIONS.items() if key in content_type.lower()), ".bin")
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    host = parts.hostname or ""
    if not host.strip(".") or not all(c.isalnum() or c in ".-_:[]" for c in host):
        host = "unknown"  # no `..`, no separators: a page is always saved inside the directory
    return f"{host}/{digest}{kind}"
