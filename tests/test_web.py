"""`newswatch serve`: every page and API endpoint through Starlette's TestClient, on SQLite and
PostgreSQL, over the replayed demo; hostile content escaped everywhere; feeds valid Atom; CSRF and auth."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from sqlalchemy import create_engine, select
from starlette.testclient import TestClient

from crawler.alerts.config import load_watches
from crawler.app import triage
from crawler.web import WebSettings, create_app
from crawler.web.auth import AuthSettings, feed_token, hash_password, hash_token, verify_password
from crawler.web.server import UnsafeBindError, check_bind
from storage.models import Article
from tests.demo_db import HOSTILE_TITLE, HOSTILE_URL, demo_db_fixture  # noqa: F401
from tests.test_crawl_end_to_end import newswatch

RAW_SCRIPT = "<script>alert('owned')</script>"
WATCHES = """\
[[watch]]
name = "drones"
query = '(shahed OR drone*) AND (russia OR moscow)'
recipients = ["analyst@example.org"]

[[watch]]
name = "su35"
query = 'title:su-35'
recipients = ["desk@example.org"]
"""


@pytest.fixture(name="client", scope="module")
def client_fixture(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    watches = tmp_path_factory.mktemp("web") / "watches.toml"
    watches.write_text(WATCHES, "utf-8")
    with TestClient(create_app(WebSettings(db=demo_db, watches=watches))) as client:
        client.watches = watches  # type: ignore[attr-defined]
        client.db = demo_db  # type: ignore[attr-defined]
        client.csrf = client.get("/api/session").json()["csrf_token"]  # type: ignore[attr-defined]
        yield client


@pytest.fixture(name="hostile_id", scope="module")
def hostile_id_fixture(demo_db: str) -> int:
    engine = create_engine(demo_db)
    with engine.connect() as connection:
        found = connection.execute(select(Article.id).where(Article.url == HOSTILE_URL)).scalar_one()
    engine.dispose()
    return found


def _escaped_only(text: str) -> None:
    assert RAW_SCRIPT not in text and "<script" not in text.replace('<script src="/static/htmx.min.js"', "")
    assert "&lt;script&gt;" in text or "&lt;<mark>script</mark>&gt;" in text


def test_every_page_renders(client: TestClient, hostile_id: int) -> None:
    pages = ["/", "/?source=kyiv_independent", "/?lang=en", "/?rule=drones", "/?since=3650d", "/?page=2",
             f"/articles/{hostile_id}", "/articles/1", "/search", "/search?q=shahed&order=newest",
             "/search?q=title:su-35&source=defense_news", "/rules", "/rules/new?query=shahed", "/rules/drones",
             "/rules/drones/edit", "/sources", "/login", "/static/htmx.min.js", "/static/style.css"]  # fmt: skip
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.text[:300])
    assert client.get("/articles/999999").status_code == 404
    assert client.get("/rules/nope").status_code == 404
    assert client.get("/?since=soon").status_code == 400
    assert "Zero-Clause BSD" in client.get("/static/htmx.min.js").text  # vendored with its licence


def test_stories_fold_copies_and_show_rules(client: TestClient) -> None:
    page = client.get("/").text
    assert "reported by 2 outlets: " in page  # the Reuters wire story at the Moscow Times and Kyiv Independent
    assert 'href="/rules/drones"' in page
    only = client.get("/?rule=su35").text
    assert only.count('class="story"') == 2 and "Su-35" in only


def test_the_article_page_has_text_metadata_diff_and_matched_terms(client: TestClient, hostile_id: int) -> None:
    page = client.get(f"/articles/{hostile_id}").text
    assert "Iran delivered <ins>hundreds</ins> more Shahed" in page and "<del>" not in page
    assert re.search(r"<mark>Shahed", page) and 'href="/rules/drones"' in page
    assert "https://hostile.example/shahed-script" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_article_page_shows_the_headline_once_above_the_story(client: TestClient) -> None:
    engine = create_engine(client.db)  # type: ignore[attr-defined]
    with engine.connect() as connection:
        article_id, title, text = connection.execute(
            select(Article.id, Article.title, Article.text).where(Article.text.startswith(Article.title)).limit(1)
        ).one()
    engine.dispose()
    page = client.get(f"/articles/{article_id}").text
    shown = page[page.index('<section class="text">') :]
    first = re.search(r"<p>(.*?)</p>", shown, re.S)
    assert first is not None and html.unescape(first.group(1)) == text.split("\n")[1]
    assert html.escape(title) not in shown.split("</section>")[0]
    assert f'<h1 id="article-title">{html.escape(title)}</h1>' in page


def test_hostile_content_is_text_everywhere(client: TestClient, hostile_id: int) -> None:
    for page in ("/", f"/articles/{hostile_id}", "/search?q=shahed", "/rules/drones"):
        _escaped_only(client.get(page).text)
    preview = client.post("/rules/preview", data={"query": "title:script", "csrf_token": client.csrf})
    _escaped_only(preview.text)
    for feed in ("/feeds/rule/drones.atom", "/feeds/search.atom?q=title:script"):
        raw = client.get(feed)
        assert raw.headers["content-type"].startswith("application/atom+xml")
        assert "<script>" not in raw.text and "&lt;script&gt;" in raw.text
        parsed = feedparser.parse(raw.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert HOSTILE_TITLE in [entry.title for entry in parsed.entries]
    assert client.get("/api/search", params={"q": "title:script"}).json()["hits"][0]["title"] == HOSTILE_TITLE


def test_feeds_are_valid_atom(client: TestClient) -> None:
    parsed = feedparser.parse(client.get("/feeds/rule/su35.atom").content)
    assert not parsed.bozo and parsed.version == "atom10"
    assert parsed.feed.title == "newswatch: su35" and len(parsed.entries) == 2
    assert all(entry.link.startswith("https://") and entry.id and entry.updated for entry in parsed.entries)
    assert client.get("/feeds/rule/nope.atom").status_code == 404
    assert client.get("/feeds/search.atom").status_code == 400


def test_search_page_highlights_and_offers_a_rule(client: TestClient) -> None:
    page = client.get("/search", params={"q": "title:su-35"}).text
    assert page.count("<mark>Su-35</mark>") == 2 and "/rules/new?query=title%3Asu-35" in page
    partial = client.get("/search", params={"q": "su-35 AND ("}, headers={"HX-Request": "true"}).text
    assert "<html" not in partial and "column 11" in partial and "^" in partial


def test_rules_add_with_a_typo_then_fixed_edit_and_delete(client: TestClient) -> None:
    form = {"name": "kinzhal", "query": 'kinzhal AND "russia', "recipients": "a@example.org", "mode": "daily",
            "csrf_token": client.csrf}  # fmt: skip
    typo = client.post("/rules", data=form, follow_redirects=False)
    assert typo.status_code == 400 and 'id="query-error"' in typo.text and "column 13" in typo.text
    assert "kinzhal" not in client.watches.read_text("utf-8")
    preview = client.post("/rules/preview", data={**form, "query": "caspian"}).text
    assert 'id="backtest-count"' in preview and "2 stored articles would match" in preview
    saved = client.post("/rules", data={**form, "query": "kinzhal OR caspian"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/rules/kinzhal"
    assert load_watches(client.watches).rule("kinzhal").query == "kinzhal OR caspian"
    again = client.post("/rules", data={**form, "query": "caspian"})
    assert again.status_code == 400 and "exists" in again.text
    edited = client.post("/rules/kinzhal/edit", data={**form, "query": "caspian"}, follow_redirects=False)
    assert edited.status_code == 303 and load_watches(client.watches).rule("kinzhal").query == "caspian"
    bad_mail = client.post("/rules", data={**form, "name": "x1", "query": "iran", "recipients": "nobody"})
    assert bad_mail.status_code == 400 and "recipients" in bad_mail.text
    assert client.post("/rules/kinzhal/delete", data={"csrf_token": client.csrf}, follow_redirects=False).status_code == 303
    assert "kinzhal" not in client.watches.read_text("utf-8")


def test_forms_and_mutating_api_calls_without_csrf_fail(client: TestClient, hostile_id: int) -> None:
    before = client.watches.read_text("utf-8")
    assert client.post("/rules", data={"name": "x", "query": "iran", "recipients": "a@example.org"}).status_code == 403
    assert client.post("/rules/drones/delete", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/triage", data={"article_id": hostile_id, "action": "star"}).status_code == 403
    assert client.post("/rules/preview", data={"query": "iran"}).status_code == 403
    assert client.post("/api/triage", json={"article_id": hostile_id, "starred": True}).status_code == 403
    assert client.request("DELETE", "/api/rules/drones").status_code == 403
    assert client.watches.read_text("utf-8") == before
    fresh = TestClient(client.app)  # another browser: its own session and token
    assert fresh.post("/api/triage", json={"article_id": hostile_id}, headers={"X-CSRF-Token": client.csrf}).status_code == 403


def test_triage_marks_show_as_precision_and_export(client: TestClient, hostile_id: int) -> None:
    star = client.post("/triage", data={"article_id": hostile_id, "action": "star", "csrf_token": client.csrf},
                       follow_redirects=False)  # fmt: skip
    assert star.status_code == 303
    htmx = client.post("/triage", data={"article_id": hostile_id, "rule": "drones", "action": "relevant",
                                        "csrf_token": client.csrf}, headers={"HX-Request": "true"})  # fmt: skip
    assert htmx.status_code == 200 and "<html" not in htmx.text and 'value="relevant" class="on"' in htmx.text
    api = client.post("/api/triage", json={"article_id": 1, "rule": "drones", "verdict": "not_relevant", "note": "old"},
                      headers={"X-CSRF-Token": client.csrf})  # fmt: skip
    assert api.status_code == 200 and api.json()["verdict"] == "not_relevant"
    assert client.post("/api/triage", json={"article_id": 1, "verdict": "maybe"},
                       headers={"X-CSRF-Token": client.csrf}).status_code == 400  # fmt: skip
    rules = {rule["name"]: rule for rule in client.get("/api/rules").json()}
    assert rules["drones"]["precision"]["precision"] == 0.5 and rules["drones"]["precision"]["judged"] == 2
    assert "★" in client.get("/").text and "50% of 2" in client.get("/rules").text
    exported = "".join(triage.export(client.db))
    assert '"verdict": "relevant"' in exported and HOSTILE_TITLE in exported
    assert {m["rule"] for m in client.get("/api/triage").json()} >= {"", "drones"}


def test_triage_export_takes_since_and_source(client: TestClient, hostile_id: int) -> None:
    import json as json_module
    from datetime import UTC, datetime, timedelta

    from crawler.app.articles import UnknownSourceError

    hostile_source = client.get(f"/api/articles/{hostile_id}").json()["source"]
    listed = client.get("/api/articles", params={"limit": 200}).json()
    rows = listed["articles"] if isinstance(listed, dict) else listed
    elsewhere = next(row["id"] for row in rows if row["source"] != hostile_source)
    for article_id in (hostile_id, elsewhere):
        triage.mark(client.db, article_id, rule="su35", note="for the export")
    everything = [json_module.loads(line) for line in triage.export(client.db)]
    assert {mark["article_id"] for mark in everything} >= {hostile_id, elsewhere}
    of_source = [json_module.loads(line) for line in triage.export(client.db, source=hostile_source)]
    source_of = {m["article_id"]: client.get(f"/api/articles/{m['article_id']}").json()["source"] for m in everything}
    assert len(set(source_of.values())) > 1  # the marks span sources: the filter has something to leave out
    assert [m for m in everything if source_of[m["article_id"]] == hostile_source] == of_source
    assert {mark["rule"] for mark in of_source} >= {"", "su35"}
    assert not list(triage.export(client.db, since=datetime.now(UTC) + timedelta(hours=1)))
    recent = [json_module.loads(line) for line in triage.export(client.db, since=datetime.now(UTC) - timedelta(hours=1))]
    assert len(recent) == len(everything)
    with pytest.raises(UnknownSourceError, match="no source named 'nowhere'"):
        list(triage.export(client.db, source="nowhere"))


def test_the_json_api_and_its_schema(client: TestClient, hostile_id: int) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.") and {
        "/api/articles", "/api/search", "/api/stories", "/api/rules", "/api/alerts", "/api/sources", "/api/triage",
    } <= set(schema["paths"])  # fmt: skip
    for path in ("/api/articles", "/api/stories", "/api/alerts", "/api/sources", "/api/triage", "/api/rules"):
        assert client.get(path).status_code == 200, path
    article = client.get(f"/api/articles/{hostile_id}").json()
    assert article["title"] == HOSTILE_TITLE and len(article["revisions"]) == 1 and article["diffs"]
    stories = client.get("/api/stories", params={"rule": "su35"}).json()
    assert len(stories["stories"]) == 2
    sources = {s["source"]: s for s in client.get("/api/sources").json()}
    assert sources["tehran_times"]["failures_by_kind"] == {"not_article:challenge": 1}
    assert sum(day["articles"] for day in sources["kyiv_independent"]["per_day"]) == 2
    bad = client.get("/api/search", params={"q": "(iran"})
    assert bad.status_code == 400 and bad.json()["column"] == 1
    created = client.post("/api/rules", json={"name": "apirule", "query": "caspian", "recipients": ["a@example.org"]},
                          headers={"X-CSRF-Token": client.csrf})  # fmt: skip
    assert created.status_code == 201 and created.json()["query"] == "caspian"
    again = {"name": "apirule", "query": "caspian AND gas", "recipients": ["a@example.org"]}
    exists = client.post("/api/rules", json=again, headers={"X-CSRF-Token": client.csrf})
    assert exists.status_code == 409 and "replace: true" in exists.json()["error"]
    replaced = client.post("/api/rules", json={**again, "replace": True}, headers={"X-CSRF-Token": client.csrf})
    assert replaced.status_code == 201 and replaced.json()["query"] == "caspian AND gas"
    assert "replace" not in replaced.json() and "replace" not in client.watches.read_text("utf-8")
    assert client.request("DELETE", "/api/rules/apirule", headers={"X-CSRF-Token": client.csrf}).status_code == 200


def test_sources_page_chart_and_failures(client: TestClient) -> None:
    page = client.get("/sources").text
    assert "<svg" in page and page.count("<rect") > 2 and "not_article:challenge" in page
    assert "tehrantimes.com/news/491900" in page


# --- auth -------------------------------------------------------------------------------------------


def test_passwords_are_scrypt_hashed() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt:") and "correct" not in stored
    assert verify_password("correct horse battery", stored) and not verify_password("wrong", stored)
    assert not verify_password("x", "bcrypt:nonsense")


def test_a_non_loopback_bind_needs_credentials(demo_db: str) -> None:
    if not demo_db.startswith("sqlite"):
        pytest.skip("binding does not depend on the database")
    with pytest.raises(UnsafeBindError):
        check_bind("0.0.0.0", AuthSettings())
    check_bind("127.0.0.1", AuthSettings())
    check_bind("::1", AuthSettings())
    check_bind("0.0.0.0", AuthSettings(password_hash=hash_password("longpassword")))
    refused = newswatch("serve", "--host", "0.0.0.0", "--db", demo_db)
    assert refused.returncode == 2 and refused.stderr.startswith("error: --host 0.0.0.0 is reachable")
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


def test_with_credentials_nothing_is_reachable_without_login(demo_db: str, tmp_path: Path) -> None:
    if not demo_db.startswith("sqlite"):
        pytest.skip("auth does not depend on the database")
    watches = tmp_path / "watches.toml"
    watches.write_text(WATCHES, "utf-8")
    auth = AuthSettings(password_hash=hash_password("correct horse"), token_hashes=(hash_token("tok-1"),),
                        secret="s" * 32)  # fmt: skip
    client = TestClient(create_app(WebSettings(db=demo_db, watches=watches, auth=auth)))
    for path in ("/", "/search?q=iran", "/rules", "/sources", "/articles/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    assert client.get("/api/search", params={"q": "iran"}).status_code == 401
    assert client.post("/api/triage", json={"article_id": 1, "starred": True}).status_code == 401
    assert client.get("/feeds/rule/drones.atom", follow_redirects=False).status_code == 303
    assert client.get("/feeds/rule/drones.atom", params={"token": "wrong"}).status_code == 401
    token = feed_token(auth.secret, "/feeds/rule/drones.atom")
    assert not feedparser.parse(client.get("/feeds/rule/drones.atom", params={"token": token}).content).bozo
    search_token = feed_token(auth.secret, "/feeds/search.atom?q=iran")
    assert client.get("/feeds/search.atom", params={"q": "iran", "token": search_token}).status_code == 200
    assert client.get("/feeds/search.atom", params={"q": "russia", "token": search_token}).status_code == 401
    bearer = {"Authorization": "Bearer tok-1"}
    assert client.get("/api/search", params={"q": "iran"}, headers=bearer).status_code == 200
    assert client.get("/api/search", params={"q": "iran"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/api/triage", json={"article_id": 1, "starred": True}, headers=bearer).status_code == 200
    login = client.get("/login").text
    csrf = html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', login).group(1))
    assert client.post("/login", data={"password": "correct horse"}).status_code == 403  # no CSRF token
    wrong = client.post("/login", data={"password": "nope", "csrf_token": csrf})
    assert wrong.status_code == 401
    right = client.post("/login?next=/rules", data={"password": "correct horse", "csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert right.status_code == 303 and right.headers["location"] == "/rules"
    assert client.get("/rules").status_code == 200 and 'token=' in client.get("/rules").text
    assert "newswatch_session" in client.cookies and "correct" not in client.cookies["newswatch_session"]
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
