"""Which addresses a crawl may connect to, checked on the addresses a connection is about to use.

Non-public addresses are refused: RFC 1918, loopback, link-local (the cloud metadata address
169.254.169.254 too), shared/CGNAT 100.64.0.0/10, multicast, reserved, unspecified, their IPv6
equivalents (::1, fc00::/7, fe80::/10, ff00::/8…) and an IPv4 address embedded in IPv6 (mapped
::ffff:a.b.c.d, 6to4, NAT64) that is one of those. A `Policy` lets one crawler's hosts (its
allowed domains) reach some non-public networks, or all of them (`[crawl] allow_private_networks`).

`GuardedResolver` is the reactor's name resolver (TWISTED_DNS_RESOLVER in crawler/settings.py).
Scrapy's HTTP/1.1 handler connects through Twisted's HostnameEndpoint, which asks the reactor's
name resolver for the addresses to connect to (for an IP literal too) and connects to exactly
those: a refused address is dropped there, before any connection is attempted, so a DNS answer
that changes between a check and the connect (rebinding) has nothing to slip past. A name left
without addresses fails as a DNS lookup error; the note `claim()` returns lets
crawler.middlewares.ssrf report it as `refused:private_address` instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

REFUSED_MARKER = "private address"  # crawler/failures.py maps IgnoreRequest messages with it
DEFAULT_INNER_RESOLVER = "scrapy.resolver.CachingThreadedResolver"

# What `ipaddress`'s is_global/is_private leave out (Python 3.11), by name for the refusal message.
_NON_PUBLIC = tuple(
    (ipaddress.ip_network(network), kind)
    for network, kind in (
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("ff00::/8", "multicast"),
        ("fec0::/10", "site-local"),
        ("::/96", "IPv4-compatible"),  # deprecated (RFC 4291); never a real destination
        ("64:ff9b:1::/48", "local NAT64"),
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def parse_address(text: str) -> IPAddress | None:
    """The address `text` spells (an IPv6 one in brackets or with a %zone too), else None."""
    text = text.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to its destination: mapped, 6to4 or NAT64."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def non_public(address: IPAddress | str) -> str | None:
    """Why `address` is no public destination ('loopback', 'private'…), or None when it is one."""
    ip = parse_address(address) if isinstance(address, str) else address
    if ip is None:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)) is not None:
        kind = non_public(inner)
        return f"{kind}, IPv4 {inner} in IPv6" if kind else None
    for test, kind in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
    ):
        if getattr(ip, test):
            return kind
    for network, kind in _NON_PUBLIC:
        if ip.version == network.version and ip in network:
            return kind
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    return None if ip.is_global else "not global"


def is_public(address: IPAddress | str) -> bool:
    return non_public(address) is None


def parse_networks(texts: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(text, strict=True) for text in texts)


def _plain(ip: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address as the IPv4 address it is, so it matches IPv4 networks."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def host_matches(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` is one of `domains` or a subdomain of one (Scrapy's offsite rule)."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


@dataclass(frozen=True, slots=True)
class Policy:
    """The non-public networks the hosts under `domains` may use (all of them with `allow_all`)."""

    domains: tuple[str, ...]
    networks: tuple[IPNetwork, ...] = ()
    allow_all: bool = False

    def permits(self, host: str, ip: IPAddress) -> bool:
        if not host_matches(host, self.domains):
            return False
        ip = _plain(ip)
        return self.allow_all or any(ip.version == net.version and ip in net for net in self.networks)


def refusal(host: str, address: IPAddress | str, policies: Iterable[Policy] = ()) -> str | None:
    """The one-line reason to refuse connecting to `address` for `host`, or None to allow it."""
    ip = parse_address(address) if isinstance(address, str) else address
    kind = non_public(ip) if ip is not None else "not an IP address"
    if kind is None or (ip is not None and any(policy.permits(host, ip) for policy in policies)):
        return None
    shown = host if parse_address(host) == ip else f"{host} → {address}"
    return f"refused: {REFUSED_MARKER} {shown} ({kind}); see [crawl] allow_private_networks"


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's name resolver: another resolver's answers, less the addresses refused."""

    MAX_NOTES = 1000

    def __init__(self, reactor: Any, resolver: IHostnameResolver):
        self.reactor = reactor
        self.resolver = resolver
        self.policies: dict[int, Policy] = {}  # by the id of their owner (a crawler)
        self._notes: dict[str, list[str]] = {}  # host -> reasons of refused lookups, not yet claimed

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        """Scrapy's TWISTED_DNS_RESOLVER hook: install NEWSWATCH_DNS_RESOLVER (Scrapy's caching
        resolver by default), then guard it."""
        # A crawler's middleware may have installed a guard already, and told it its policy: keep it.
        existing = reactor.nameResolver if isinstance(reactor.nameResolver, cls) else None
        inner_class = load_object(crawler.settings.get("NEWSWATCH_DNS_RESOLVER") or DEFAULT_INNER_RESOLVER)
        build_from_crawler(inner_class, crawler, reactor=reactor).install_on_reactor()
        if existing is None:
            return cls(reactor, reactor.nameResolver)
        existing.resolver = reactor.nameResolver
        return existing

    @classmethod
    def installed(cls, reactor: Any) -> GuardedResolver:
        """The reactor's guard, installed over its current resolver if it has none yet (a crawl
        started by a CrawlerRunner, which installs no resolver)."""
        current = reactor.nameResolver
        if isinstance(current, cls):
            return current
        guard = cls(reactor, current)
        guard.install_on_reactor()
        return guard

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def allow(self, owner: object, policy: Policy) -> None:
        self.policies[id(owner)] = policy

    def forget(self, owner: object) -> None:
        self.policies.pop(id(owner), None)

    def refusal(self, host: str, address: str) -> str | None:
        return refusal(host, address, self.policies.values())

    def claim(self, host: str) -> str | None:
        """The reason a lookup of `host` came back empty because its addresses were refused."""
        reasons = self._notes.get(_key(host))
        if not reasons:
            return None
        reason = reasons.pop(0)
        if not reasons:
            del self._notes[_key(host)]
        return reason

    def _note(self, host: str, reason: str) -> None:
        if sum(map(len, self._notes.values())) >= self.MAX_NOTES:  # never claimed: a foreign caller
            self._notes.clear()
        self._notes.setdefault(_key(host), []).append(reason)

    def resolveHostName(  # noqa: N802 (Twisted's interface)
        self,
        resolutionReceiver: IResolutionReceiver,  # noqa: N803
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> IHostResolution:
        receiver = _FilteringReceiver(self, resolutionReceiver, hostName)
        return self.resolver.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)


def _key(host: str | bytes) -> str:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host.lower().rstrip(".").strip("[]")


@implementer(IResolutionReceiver)
class _FilteringReceiver:
    """Passes on the addresses the guard allows; notes the refusal when it allows none."""

    def __init__(self, guard: GuardedResolver, receiver: IResolutionReceiver, host: str):
        self.guard = guard
        self.receiver = receiver
        self.host = _key(host)
        self.passed = 0
        self.refused: list[str] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        reason = self.guard.refusal(self.host, getattr(address, "host", ""))
        if reason is not None:
            self.refused.append(reason)
            return
        self.passed += 1
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        if self.refused and not self.passed:
            self.guard._note(self.host, self.refused[0])
        self.receiver.resolutionComplete()
