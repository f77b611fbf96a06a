"""Bytes to text: the page's real encoding, whatever its headers and meta tags claim."""

from __future__ import annotations

import codecs
import gzip
import re

from charset_normalizer import from_bytes

from crawler.extraction.article import ExtractionError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_:.\-]+)", re.IGNORECASE)
# UTF-32 first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Text codecs that browsers do not accept as a page's charset (the WHATWG Encoding Standard has no such
# label): a page that names one is read as if it named none.
_REFUSED = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "charmap"})
# Labels that browsers read as a wider encoding (WHATWG Encoding Standard), by Python codec name.
_WHATWG_REMAP = {
    "ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874", "tis-620": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949", "big5": "big5hkscs",
    "utf-8-sig": "utf-8",
}
_UNICODE_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
# A page whose bytes are UTF-8 apart from a few bad ones is UTF-8 (a stray byte from a bad edit or a cut
# string), not a page in some other encoding: at most this many bad runs, or 1% of the valid non-ASCII
# characters if that is more, and never more than half as many bad runs as valid characters.
_FEW_BAD_UTF8 = 8
# One well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, surrogates or code points past U+10FFFF).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
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


def _known(encoding: str | None, *, from_meta: bool = False) -> str | None:
    """The Python codec for a declared charset label, as a browser reads it; None when it is no usable label.

    Bytes-to-bytes codecs (base64, rot13, zlib ...) and text codecs no browser accepts (utf-7, idna ...)
    count as no label. A meta tag cannot declare UTF-16 or UTF-32 (it could not be read to find it), so
    there those labels mean UTF-8, as in browsers.
    """
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding.strip().lower())
    except (LookupError, ValueError):
        return None
    name = info.name
    if not getattr(info, "_is_text_encoding", True) or name in _REFUSED:
        return None
    if name in _UNICODE_WIDE:
        return "utf-8" if from_meta else {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(name, name)
    return _WHATWG_REMAP.get(name, name)


def _mostly_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 with only a few invalid runs in them (the caller knows there is one)."""
    rest, valid = _UTF8_SEQUENCE.subn(b"", data)
    bad = len(_HIGH_RUN.findall(rest))
    return bad <= max(_FEW_BAD_UTF8, valid // 100) and valid >= 2 * bad


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding, errors="replace")
    except (LookupError, UnicodeError, TypeError):
        return None


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
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data.lstrip()[:8]
    for magic, what in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise ExtractionError("binary", f"not an HTML page ({what})")
    sample = data[:4096]
    if sum(sample.count(bytes([b])) for b in _CONTROL_BYTES) > _MAX_CONTROL_SHARE * len(sample):
        raise ExtractionError("binary", "not an HTML page (binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    meta = _META_CHARSET.search(data[:8192])
    candidates = ((declared, False), (meta.group(1).decode("ascii", "ignore") if meta else None, True))
    for candidate, from_meta in candidates:
        encoding = _known(candidate, from_meta=from_meta)
        if encoding in _UNICODE_WIDE and "<".encode(encoding) not in data:
            continue  # a UTF-16/32 label on bytes without one "<" in it is wrong (no BOM, or the check above wins)
        if encoding and encoding != "utf-8":
            text = _decode(data, encoding)
            if text is not None:
                return text
    guess = from_bytes(data[:200_000]).best()
    text = _decode(data, guess.encoding) if guess else None
    return text if text is not None else data.decode("cp1252", errors="replace")
