"""Fetch one page for `newswatch extract URL` (crawls go through Scrapy, not through this).

Like a crawl (crawler/netguard.py), it connects only to public addresses unless told otherwise: the
host is resolved here, each address is checked, and the socket connects to a checked address, for
every redirect hop; so a name that resolves to a private address is refused before any connection.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from crawler import __version__
from crawler.extraction.decoding import charset_from_content_type
from crawler.netguard import Policy, non_public, parse_address

USER_AGENT = f"newswatch/{__version__} (+https://github.com/newswatch/newswatch)"
TIMEOUT_SECONDS = 30
MAX_BYTES = 16 * 1024 * 1024


class FetchError(Exception):
    """A page that could not be fetched; the message names the URL's problem."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    body: bytes
    encoding: str | None  # the charset the server declared


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


PRIVATE_HINT = "--allow-private-networks fetches it"


def _guarded_connection(allow_private: bool, policies: Sequence[Policy] = (), hint: str = PRIVATE_HINT):
    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):  # noqa: SLF001
        host, port = address
        refused = None
        error: OSError | None = None
        for family, kind, proto, _, peer in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            why = None if allow_private else non_public(peer[0])
            if why is not None and (ip := parse_address(peer[0])) and any(p.permits(host, ip) for p in policies):
                why = None
            if why is not None:
                refused = f"{host} resolves to {peer[0]} ({why})"
                continue
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # noqa: SLF001
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(peer)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        if error is not None:
            raise error
        raise FetchError(f"refused: private address: {refused}; {hint}")

    return create_connection


def guarded_opener(
    allow_private: bool,
    *handlers: urllib.request.BaseHandler,
    policies: Sequence[Policy] = (),
    hint: str = PRIVATE_HINT,
) -> urllib.request.OpenerDirector:
    """A urllib opener that connects only to public addresses (or those `policies` permit for their
    hosts, or any with `allow_private`), checked on the address it connects to, every hop; `handlers`
    are added (a redirect handler that records the hops, say)."""
    connect = _guarded_connection(allow_private, policies, hint)

    # http.client sets _create_connection per instance in __init__: replace it there.
    class GuardedHTTP(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class GuardedHTTPS(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):  # type: ignore[no-untyped-def]
            return self.do_open(GuardedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):  # type: ignore[no-untyped-def]
            return self.do_open(GuardedHTTPS, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler, HTTPSHandler, *handlers)


def fetch_page(
    url: str, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES, *, allow_private: bool = False
) -> FetchedPage:
    """The page at `url`; FetchError (one line) if it cannot be had, or is on a non-public address
    and `allow_private` is not set."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with guarded_opener(allow_private).open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"page is over the {max_bytes / 2**20:.0f} MB limit")
            return FetchedPage(
                url=response.geturl(),
                body=body,
                encoding=charset_from_content_type(response.headers.get("Content-Type")),
            )
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FetchError):
            raise exc.reason from None
        raise FetchError(f"cannot fetch: {exc.reason}") from exc
    except (TimeoutError, ConnectionError) as exc:
        raise FetchError(f"cannot fetch: {exc}") from exc
