"""Bytes to text: the page's real encoding, whatever its headers and meta tags claim."""

from __future__ import annotations

import codecs
import gzip
import re

from charset_normalizer import from_bytes

from crawler.extraction.article import ExtractionError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_:.\-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GZIP_MAGIC = b"\x1f\x8b"
# File names of saved pages, as the CLI and the benchmarks read them.
SAVED_PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
# Share of control bytes above which input is binary data, not a web page.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
# Documents that are not web pages, by their first bytes.
_MAGIC_NUMBERS = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive"), (b"\x00\x00\x00", "binary data"),
)


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding.strip().lower()).name
    except LookupError:
        return None
    # Browsers read a Latin-1 label as windows-1252 (curly quotes live in 0x80-0x9f).
    return "cp1252" if name == "iso8859-1" else name


def maybe_gunzip(data: bytes) -> bytes:
    """Undo gzip when the bytes are gzip (saved `.html.gz` pages)."""
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise ExtractionError("unreadable", f"broken gzip data: {exc}") from exc


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page. Valid UTF-8 wins over a stale declaration; then the declaration; then a guess."""
    if not data.strip():
        raise ExtractionError("empty", "empty document")
    head = data.lstrip()[:8]
    for magic, what in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise ExtractionError("binary", f"not an HTML page ({what})")
    sample = data[:4096]
    if sum(sample.count(bytes([b])) for b in _CONTROL_BYTES) > _MAX_CONTROL_SHARE * len(sample):
        raise ExtractionError("binary", "not an HTML page (binary data)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(data[:8192])
    for candidate in (declared, meta.group(1).decode("ascii", "ignore") if meta else None):
        encoding = _known(candidate)
        if encoding and encoding not in ("utf-8", "ascii"):
            return data.decode(encoding, errors="replace")
    guess = from_bytes(data[:200_000]).best()
    encoding = guess.encoding if guess else "utf-8"
    return data.decode(encoding, errors="replace")
