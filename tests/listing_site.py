"""A loopback outlet with one listing of every kind `sources check` and `sources add` meet: a live
feed, a 404 feed, a redirect loop, a sitemap index, a news sitemap, an HTML section page, a feed of
things the pattern refuses, a JSON feed, a listing robots.txt disallows. `sources_toml()` configures
it (private networks allowed: it is on 127.0.0.1)."""

from __future__ import annotations

from tests.loopback import LoopbackServer, serve

ARTICLES = ("2026/11/su-35-deliveries-slip", "2026/11/shahed-output-doubles", "2026/11/s-400-near-isfahan")


def rss(base: str, paths: list[str], dates: list[str] | None = None) -> bytes:
    dates = dates or ["Mon, 30 Nov 2026 10:00:00 +0000"] * len(paths)
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/{path}</link><pubDate>{date}</pubDate></item>"
        for i, (path, date) in enumerate(zip(paths, dates, strict=True))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{items}</channel></rss>'.encode()


class ListingSite:
    def __init__(self, robots: str | None = None, homepage: str | None = None) -> None:
        self.robots = robots
        self.homepage = homepage
        self.requests: list[str] = []
        self.server: LoopbackServer = serve(self.answer)
        self.base = self.server.base
        self.agents = self.server.user_agents

    def stop(self) -> None:
        self.server.stop()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(path)
        base = self.base
        xml = {"Content-Type": "application/xml"}
        html = {"Content-Type": "text/html; charset=utf-8"}
        news = [f"news/{a}" for a in ARTICLES]
        if path == "/robots.txt":
            if self.robots is None:
                return 404, {}, b"not here"
            return 200, {"Content-Type": "text/plain"}, self.robots.replace("{base}", base).encode()
        if path == "/" and self.homepage is not None:
            return 200, html, self.homepage.replace("{base}", base).encode()
        if path in ("/feed.xml", "/private/feed.xml"):
            dates = ["Mon, 30 Nov 2026 10:00:00 +0000", "Sun, 29 Nov 2026 08:30:00 +0000", "Sat, 28 Nov 2026 07:00:00 +0000"]
            return 200, {"Content-Type": "application/rss+xml"}, rss(base, [*news[:2], "about/"], dates)
        if path == "/old-feed.xml":
            return 301, {"Location": f"{base}/feed.xml"}, b""
        if path == "/gone.xml":
            return 404, {"Content-Type": "text/html"}, b"<html>Not found</html>"
        if path in ("/loop-a", "/loop-b"):
            return 302, {"Location": f"{base}/loop-{'b' if path == '/loop-a' else 'a'}"}, b""
        if path == "/offsite.xml":
            return 302, {"Location": "http://127.0.0.2:9/feed.xml"}, b""
        if path == "/video.xml":
            return 200, {"Content-Type": "application/rss+xml"}, rss(base, ["video/1", "video/2"])
        if path == "/empty.xml":
            return 200, {"Content-Type": "application/rss+xml"}, rss(base, [])
        if path == "/feed.json":
            items = ",".join(
                f'{{"id": "{i}", "url": "{base}/{p}", "title": "J{i}", "date_published": "2026-11-2{i}T10:00:00Z"}}'
                for i, p in enumerate(news)
            )
            body = f'{{"version": "https://jsonfeed.org/version/1.1", "title": "Loop", "items": [{items}]}}'
            return 200, {"Content-Type": "application/feed+json"}, body.encode()
        if path == "/sitemap-index.xml":
            children = "".join(
                f"<sitemap><loc>{base}/sitemap-2026-{m}.xml</loc><lastmod>2026-{m}-30</lastmod></sitemap>"
                for m in ("10", "11")
            )
            return 200, xml, f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'.encode()
        if path == "/sitemap-index-stale.xml":  # its newest sitemap is gone
            children = "".join(
                f"<sitemap><loc>{base}/sitemap-{name}.xml</loc><lastmod>{day}</lastmod></sitemap>"
                for name, day in (("2026-11", "2026-11-30"), ("2026-12", "2026-12-01"))
            )
            return 200, xml, f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'.encode()
        if path == "/sitemap-2026-11.xml":
            urls = "".join(f"<url><loc>{base}/{p}</loc><lastmod>2026-11-30</lastmod></url>" for p in news)
            return 200, xml, f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
        if path == "/news-sitemap.xml":
            urls = "".join(
                f"<url><loc>{base}/{p}</loc><news:news><news:publication><news:name>Loop</news:name>"
                f"<news:language>en</news:language></news:publication>"
                f"<news:publication_date>2026-11-30T12:0{i}:00Z</news:publication_date>"
                f"<news:title>N{i}</news:title></news:news></url>"
                for i, p in enumerate(news)
            )
            body = (
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
            )
            return 200, xml, body.encode()
        if path in ("/section/", "/latest/"):
            links = "".join(f'<li><a href="/{p}">Story</a></li>' for p in news)
            nav = '<a href="/">Home</a><a href="/about/">About</a><a href="/contact/">Contact</a><a href="/section/">News</a>'
            return 200, html, f"<html><body><nav>{nav}</nav><ul>{links}</ul></body></html>".encode()
        if path.startswith("/news/"):
            return 200, html, b"<html><body><h1>Story</h1><p>Text.</p></body></html>"
        return 404, {"Content-Type": "text/html"}, b"<html>nothing</html>"


def sources_toml(base: str, *sources: str, allow_private: bool = True) -> str:
    crawl = (
        '[crawl]\nuser_agent = "newswatch-test/1 (+https://example.org/bot)"\n'
        f"download_delay = 0\ntimeout = 5\nallow_private_networks = {'true' if allow_private else 'false'}\n\n"
    )
    return crawl + "\n".join(sources).replace("{base}", base)


def source(name: str, *, feeds: tuple[str, ...] = (), sitemaps: tuple[str, ...] = (), sections: tuple[str, ...] = (),
           pattern: str = r"/news/\d{4}/\d{2}/[a-z0-9-]+$") -> str:
    def urls(paths: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{{base}}/{p}"' for p in paths) + "]"

    return (
        f'[[source]]\nname = "{name}"\ntitle = "{name}"\nhomepage = "{{base}}/"\nlanguage = "en"\n'
        f"feeds = {urls(feeds)}\nsitemaps = {urls(sitemaps)}\nsections = {urls(sections)}\n"
        f"article_pattern = '{pattern}'\n"
    )
