"""Non-public targets are refused at connect time, before any byte reaches them (crawler/netguard.py,
crawler/middlewares/ssrf.py); `[crawl] allow_private_networks` and a source's `allowed_networks` opt in.

No traffic leaves loopback: non-public classification is tested by table, refusals with 127.0.0.x
servers that count the connections they accept.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.internet.address import IPv4Address
from twisted.python.failure import Failure

from crawler.config import ConfigError, CrawlSettings, SourceConfig, load_config
from crawler.failures import classify
from crawler.frontier import is_passing
from crawler.netguard import GuardedResolver, Policy, is_public, non_public, parse_networks, refusal
from spiders.base import NewsSourceSpider
from tests.test_crawl_end_to_end import newswatch

# --- the address classifier ----------------------------------------------------------------------

NON_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.0.0.2", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("fd00::1", "private"),
    ("fc00::1", "private"),
    ("fec0::1", "site-local"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.1", "private"),  # documentation
    ("198.18.0.1", "private"),  # benchmarking
    ("2001:db8::1", "private"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("::7f00:1", "IPv4-compatible"),
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4001::200e", "::ffff:93.184.216.34"]


@pytest.mark.parametrize(("address", "kind"), NON_PUBLIC)
def test_non_public_addresses_are_named(address, kind):
    assert non_public(address).startswith(kind)
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert non_public(address) is None and is_public(address)


def test_a_policy_opens_its_networks_to_its_hosts_only():
    policy = Policy(domains=("intranet.example",), networks=parse_networks(["10.0.0.0/8"]))
    assert refusal("news.intranet.example", "10.1.2.3", [policy]) is None
    assert refusal("news.intranet.example", "::ffff:10.1.2.3", [policy]) is None
    assert "private address" in refusal("news.intranet.example", "192.168.0.1", [policy])
    assert "private address" in refusal("other.example", "10.1.2.3", [policy])
    everything = Policy(domains=("intranet.example",), allow_all=True)
    assert refusal("intranet.example", "169.254.169.254", [everything]) is None
    assert refusal("intranet.example", "93.184.216.34") is None


# --- the resolver: the addresses a connection is about to use ---------------------------------------


@dataclass
class Answers:
    """An inner resolver answering each name from a list, one answer after the other (rebinding)."""

    answers: dict[str, list[list[str]]]
    asked: list[str] = field(default_factory=list)

    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None, transportSemantics="TCP"):  # noqa: N802, N803
        self.asked.append(hostName)
        receiver.resolutionBegan(None)
        for host in self.answers[hostName].pop(0):
            receiver.addressResolved(IPv4Address("TCP", host, portNumber))
        receiver.resolutionComplete()


class Receiver:
    def __init__(self):
        self.addresses, self.done = [], False

    def resolutionBegan(self, resolution):  # noqa: N802
        pass

    def addressResolved(self, address):  # noqa: N802
        self.addresses.append(address.host)

    def resolutionComplete(self):  # noqa: N802
        self.done = True


def resolve(guard: GuardedResolver, host: str) -> list[str]:
    receiver = Receiver()
    guard.resolveHostName(receiver, host, 80)
    assert receiver.done
    return receiver.addresses


def test_each_lookup_is_filtered_so_a_rebinding_answer_is_refused():
    inner = Answers({"news.example": [["93.184.216.34"], ["127.0.0.1"], ["10.0.0.1", "93.184.216.34"]]})
    guard = GuardedResolver(reactor=None, resolver=inner)
    assert resolve(guard, "news.example") == ["93.184.216.34"]
    assert guard.claim("news.example") is None
    assert resolve(guard, "news.example") == []  # the name rebound to loopback: nothing to connect to
    assert "private address news.example → 127.0.0.1 (loopback)" in guard.claim("news.example")
    assert guard.claim("news.example") is None  # one note per refused lookup
    assert resolve(guard, "news.example") == ["93.184.216.34"]  # a mixed answer keeps its public part


def test_the_resolver_allows_what_an_open_crawler_allows_for_its_hosts():
    inner = Answers({"localhost": [["127.0.0.1"], ["127.0.0.1"]], "127.0.0.1": [["127.0.0.1"]]})
    guard = GuardedResolver(reactor=None, resolver=inner)
    owner = object()
    guard.allow(owner, Policy(domains=("localhost",), networks=parse_networks(["127.0.0.0/8"])))
    assert resolve(guard, "localhost") == ["127.0.0.1"]
    assert resolve(guard, "127.0.0.1") == []  # not one of its hosts
    guard.forget(owner)
    assert resolve(guard, "localhost") == []


def test_the_guard_is_the_reactor_name_resolver():
    from twisted.internet import reactor

    guard = GuardedResolver.installed(reactor)
    assert reactor.nameResolver is guard and GuardedResolver.installed(reactor) is guard


# --- failures, config, the spider's rules ---------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("refused: private address 127.0.0.1 (loopback); see [crawl] allow_private_networks", "refused:private_address"),
        ("refused: offsite redirect from http://a.example/robots.txt to http://b.example/", "refused:offsite_redirect"),
    ],
)
def test_refusals_are_classified_and_permanent(message, kind):
    assert classify(Failure(IgnoreRequest(message)))[0] == kind
    assert not is_passing(kind)


SOURCE = """
[[source]]
name = "intranet"
title = "Intranet"
homepage = "http://10.0.0.5/"
feeds = ["http://10.0.0.5/feed.xml"]
"""


def test_config_opt_ins(tmp_path: Path):
    path = tmp_path / "sources.toml"
    path.write_text(SOURCE, "utf-8")
    config = load_config(path)
    assert config.crawl.allow_private_networks is False
    assert config.crawl.scrapy_settings()["NEWSWATCH_ALLOW_PRIVATE_NETWORKS"] is False
    path.write_text('[crawl]\nallow_private_networks = true\n' + SOURCE + 'allowed_networks = ["10.0.0.0/8"]\n', "utf-8")
    config = load_config(path)
    assert config.crawl == CrawlSettings(allow_private_networks=True)
    assert config.crawl.scrapy_settings()["NEWSWATCH_ALLOW_PRIVATE_NETWORKS"] is True
    assert config.sources[0].allowed_networks == ("10.0.0.0/8",)


def test_config_reports_a_bad_network(tmp_path: Path):
    path = tmp_path / "sources.toml"
    path.write_text('[crawl]\nallow_private_networks = "yes"\n' + SOURCE + 'allowed_networks = ["10.0.0.1/8"]\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = "\n".join(caught.value.problems)
    assert "field 'allow_private_networks': must be true or false" in text
    assert "field 'allowed_networks': invalid network" in text and "10.0.0.1/8" in text


def port_spider() -> NewsSourceSpider:
    source = SourceConfig(
        name="outlet",
        title="Outlet",
        homepage="https://news.example.com/",
        feeds=("https://news.example.com:8443/feed.xml",),
    )
    return NewsSourceSpider.for_source(source)(source=source)


@pytest.mark.parametrize(
    ("url", "on_site"),
    [
        ("https://news.example.com/a/1", True),
        ("https://www.example.com:443/a/1", True),
        ("http://news.example.com/a/1", True),  # http's own default port
        ("https://news.example.com:8443/a/1", True),  # a port of the configured URLs
        ("https://news.example.com:8080/a/1", False),  # another server on the outlet's host
        ("http://news.example.com:443/a/1", False),
        ("https://news.example.com:99999/a/1", False),
        ("https://elsewhere.example.org/a/1", False),
    ],
)
def test_articles_and_redirects_keep_to_the_outlets_host_and_ports(url, on_site):
    spider = port_spider()
    assert spider.accept_article(url, {}) is on_site
    assert spider.allows_redirect(url) is on_site


# --- whole crawls against loopback servers that count connections ---------------------------------


class CountingServer(ThreadingHTTPServer):
    """A fixture outlet on 127.0.0.x: a feed of one article, `routes` for the rest; counts accepts."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.accepted = 0
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        super().__init__((host, port), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def get_request(self):
        request = super().get_request()
        self.accepted += 1
        return request

    def url(self, path: str = "") -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/{path}"

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ARTICLE = (Path(__file__).parent / "fixtures" / "pages" / "al_monitor_iran_russia_military.html").read_bytes()


def feed(*links: str) -> bytes:
    items = "".join(f"<item><title>Story</title><link>{link}</link></item>" for link in links)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def serve_outlet(server: CountingServer, article_url: str | None = None) -> None:
    article_url = article_url or server.url("news/story")
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed(article_url))
    server.routes["/news/story"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)


def config(tmp_path: Path, homepage: str, feed_url: str, crawl: str = "", source: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"[crawl]\ndownload_delay = 0\nautothrottle = false\nretries = 0\ntimeout = 5\n{crawl}\n"
        f'[[source]]\nname = "outlet"\ntitle = "Outlet"\nhomepage = "{homepage}"\nfeeds = ["{feed_url}"]\n'
        f'article_pattern = "/news/"\n{source}',
        "utf-8",
    )
    return path


def crawl(path: Path, tmp_path: Path, *extra: str) -> dict:
    db = f"sqlite:///{tmp_path / 'crawl.db'}"
    result = newswatch("crawl", "--config", str(path), "--db", db, "--json", "--no-progress", *extra)
    assert result.returncode == 0, result.stderr  # refusals are recorded failures, not a failed crawl
    (run,) = json.loads(result.stdout)
    return run


def kinds(run: dict) -> dict[str, str]:
    return {failure["url"]: failure["kind"] for failure in run["failures"]}


slow = pytest.mark.slow


@slow
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # an IP literal; a name looked up at connect time
def test_by_default_a_loopback_source_is_refused_before_any_connection(tmp_path, host):
    with CountingServer() as server:
        serve_outlet(server)
        port = server.server_address[1]
        run = crawl(config(tmp_path, f"http://{host}:{port}/", f"http://{host}:{port}/feed.xml"), tmp_path)
        assert server.accepted == 0
    assert kinds(run) == {f"http://{host}:{port}/feed.xml": "refused:private_address"}
    assert "loopback" in run["failures"][0]["reason"] and run["new"] == 0


@slow
def test_allow_private_networks_crawls_it_and_the_recording_replays_unrefused(tmp_path):
    with CountingServer() as server:
        serve_outlet(server)
        path = config(tmp_path, server.url(), server.url("feed.xml"), crawl="allow_private_networks = true")
        run = crawl(path, tmp_path, "--record", str(tmp_path / "recorded"))
        assert server.accepted > 0
        assert run["new"] == 1 and run["failures"] == []
        # The replay serves the recording before any connection: nothing to refuse, by default too.
        accepted = server.accepted
        (tmp_path / "replay").mkdir()
        replayed = crawl(config(tmp_path, server.url(), server.url("feed.xml")), tmp_path / "replay",
                         "--replay", str(tmp_path / "recorded"))
        assert server.accepted == accepted
    assert replayed["new"] == 1 and replayed["failures"] == []


@slow
def test_a_redirect_hop_out_of_the_sources_networks_is_refused(tmp_path):
    # One port on both hosts: the hop passes the spider's host-and-port rule, the guard refuses it.
    with CountingServer() as allowed, CountingServer("127.0.0.2", allowed.server_address[1]) as refused:
        serve_outlet(allowed)
        serve_outlet(refused)
        allowed.routes["/moved.xml"] = (302, {"Location": refused.url("feed.xml")}, b"")
        source = 'allowed_domains = ["127.0.0.1", "127.0.0.2"]\nallowed_networks = ["127.0.0.1/32"]\n'
        run = crawl(config(tmp_path, allowed.url(), allowed.url("moved.xml"), source=source), tmp_path)
        assert allowed.accepted > 0 and refused.accepted == 0
    assert kinds(run) == {refused.url("feed.xml"): "refused:private_address"}


@slow
def test_another_port_of_the_outlets_host_is_neither_followed_nor_fetched(tmp_path):
    with CountingServer() as outlet, CountingServer() as internal:
        serve_outlet(outlet, article_url=internal.url("news/story"))  # the feed links to another port
        outlet.routes["/moved.xml"] = (301, {"Location": internal.url("feed.xml")}, b"")
        serve_outlet(internal)
        path = config(tmp_path, outlet.url(), outlet.url("feed.xml"), crawl="allow_private_networks = true")
        run = crawl(path, tmp_path)
        assert run["new"] == 0 and run["failures"] == [] and internal.accepted == 0
        moved = config(tmp_path, outlet.url(), outlet.url("moved.xml"), crawl="allow_private_networks = true")
        run = crawl(moved, tmp_path)
        assert internal.accepted == 0
    assert kinds(run) == {internal.url("feed.xml"): "refused:offsite_redirect"}
