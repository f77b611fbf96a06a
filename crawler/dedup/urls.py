"""One URL per story: the canonical form under which an article is stored and looked up."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.dedup.tracking import AMP_PARAMS, TRACKING_PARAMS, TRACKING_PREFIXES

DEFAULT_PORTS = {"http": 80, "https": 443}
# Second-level labels under a country code that are not themselves a site (news.bbc.co.uk → bbc.co.uk).
_GENERIC_SLDS = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic"})
_AMP_CACHE = re.compile(r"^[^/]+\.cdn\.ampproject\.org$")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def canonical_url(url: str, declared: str | None = None) -> str:
    """The story's URL without tracking, AMP and cosmetic variation.

    `declared` is the page's `<link rel=canonical>` or `og:url`. It wins when it is on the same site and
    is not the site's home page (some CMSs declare the home page on every article, which would fold
    every story into one). A declared URL on another site — a syndicated copy naming the original —
    is ignored: the copy is a story of its own outlet, linked later as a duplicate by its text.
    """
    own = _normalise(url)
    if declared and declared.strip():
        chosen = _normalise(urljoin(url, declared.strip()))
        if _site(_host(chosen)) == _site(_host(own)) and (urlsplit(chosen).path != "/" or urlsplit(own).path == "/"):
            return chosen
    return own


def _normalise(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "https://" + url.lstrip("/")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    path = parts.path
    if _AMP_CACHE.match(host) and path.startswith(("/c/s/", "/v/s/")):  # Google's AMP cache URL
        return _normalise("https://" + path[5:] + (f"?{parts.query}" if parts.query else ""))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    # Upgrade to https only on default ports: an explicit port means a server that speaks what it says.
    if scheme == "http" and port is None:
        scheme = "https"
    if host.startswith("amp."):
        host = host[4:]
    netloc = host if port is None else f"{host}:{port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    return urlunsplit((scheme, netloc, _clean_path(path), _clean_query(parts.query), ""))


def _clean_path(path: str) -> str:
    path = _PERCENT.sub(lambda m: m.group(0).upper(), path) or "/"
    segments = [segment for segment in path.split("/") if segment.lower() != "amp"]
    last = segments[-1] if segments else ""
    if last.lower().endswith(".amp"):
        segments[-1] = last[:-4]
    elif ".amp." in last.lower():  # story.amp.html
        index = last.lower().rindex(".amp.")
        segments[-1] = last[:index] + last[index + 4 :]
    path = "/".join(segments) or "/"
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _clean_query(query: str) -> str:
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        name = key.lower()
        if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
            continue
        if name in AMP_PARAMS and AMP_PARAMS[name] in (None, value.lower()):
            continue
        kept.append((key, value))
    return urlencode(sorted(kept))


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _site(host: str) -> str:
    """The registrable part of a host, approximately: example.com, bbc.co.uk (no public suffix list)."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLDS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
