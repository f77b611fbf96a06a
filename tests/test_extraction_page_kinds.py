"""Is the page a story? Listings (tag, topic, author pages), error pages and access blocks are no
article; a roundup post, a short blog post, a story about a 404 page or a geographic block is one.
The fixtures hold whole pages of each kind (tests/fixtures/pages/index_*, empty_*, challenge_*)."""

from __future__ import annotations

import pytest

from crawler.extraction import PageKind, extract_article

_CARDS = [
    ("Russia and Iran hold joint naval drill in the Caspian Sea",
     "Six warships and two patrol aircraft took part in the three-day exercise off the port of Anzali."),
    ("Alabuga drone plant expands output, satellite images suggest",
     "New hangars at the Tatarstan site point to a doubling of production capacity since the spring."),
    ("EU adds Iranian airline to sanctions list over missile transfers",
     "Brussels says the carrier flew components for short-range ballistic missiles to Russian airfields."),
    ("Tehran denies sending Fath-360 missiles to Moscow",
     "The foreign ministry called the reports part of a Western campaign against the Islamic Republic."),
    ("North-South corridor rail link to open next year, Moscow says",
     "The Rasht-Astara section would complete a freight route from St Petersburg to Bandar Abbas."),
    ("Ukraine shoots down 40 Shahed-type drones overnight",
     "The air force said most of the drones were launched from Kursk and from the Primorsko-Akhtarsk base."),
    ("What the Iran-Russia partnership treaty does and does not say",
     "There is no mutual defence clause, but the text commits both sides to deny help to attackers."),
    ("Russian Mir cards now accepted at Iranian cash machines",
     "The link between the two national card systems was switched on for the first time on Monday."),
    ("Iran receives first Yak-130 trainers from Russia, state media say",
     "The jets are meant to prepare pilots for the Su-35 fighters that Tehran ordered from Moscow."),
]
_INTRO = (
    "Relations between Iran and Russia have moved from wary pragmatism to a formal strategic partnership "
    "over the past decade, and our coverage follows the arms trade, the sanctions that target it and the "
    "trade corridors the two countries are building to work around Western restrictions."
)


def _listing(intro: str = "", og_type: str = "article", cards: list = _CARDS) -> str:
    items = "".join(
        f"<li class='card'><a href='/news/{n}'>{title}</a><p>{blurb}</p><time>14 Oct 2025</time></li>"
        for n, (title, blurb) in enumerate(cards)
    )
    return (
        f"<html lang='en'><head><title>Iran-Russia relations | Meridian Post</title>"
        f"<meta property='og:type' content='{og_type}'></head><body><header><nav><a href='/'>Home</a></nav>"
        f"</header><main><h1>Iran-Russia relations</h1><p class='intro'>{intro}</p><ul class='stream'>{items}"
        "</ul></main><footer><p>&copy; 2025 Meridian Post</p></footer></body></html>"
    )


@pytest.mark.parametrize("path", ["/tag/iran-russia-relations", "/topics/iran-russia", "/authors/leyla-karimova",
                                  "/section/world/page/2", "/search"])
def test_a_listing_address_with_cards_and_an_intro_is_an_index_even_typed_as_an_article(path):
    # CMSs set og:type "article" on every page: at a listing's address, an intro beside cards is no story
    article = extract_article(_listing(_INTRO), f"https://www.meridianpost.com{path}")
    assert article.kind is PageKind.INDEX, article.text[:200]


def test_a_page_of_teaser_cards_declaring_nothing_is_an_index_wherever_it_is():
    article = extract_article(_listing(og_type="website"), "https://www.meridianpost.com/middle-east")
    assert article.kind is PageKind.INDEX


@pytest.mark.parametrize(
    "path",
    ["/2025/10/14/links-of-the-week", "/blog/links-of-the-week-on-iran-and-russia", "/archives/links-of-the-week"],
)
def test_a_roundup_post_of_linked_headlines_at_a_storys_address_is_an_article(path):
    # near-miss: the same cards, as a blog's weekly roundup, with no structured data at all
    article = extract_article(_listing(_INTRO, og_type="website"), f"https://blog.example.org{path}")
    assert article.is_article, article.reason


def test_a_roundup_post_typed_as_an_article_is_one_whatever_its_links():
    article = extract_article(_listing(), "https://blog.example.org/links")
    assert article.is_article, article.reason


def test_a_short_blog_post_on_its_own_page_is_no_card_of_a_listing():
    # a post under 500 characters led by its title link reads like one teaser card: one is no listing
    post = (
        "<html><head><title>Macbeth T-shirt</title></head><body><div class='post'><h2><a href='/p/1'>A Macbeth "
        "inspired T-shirt from the Affair</a></h2><p>This is a pretty cool Macbeth inspired T-shirt from the Affair, "
        "which in theatrical circles is referred to as the Scottish play for reasons of superstition.</p></div>"
        + "<div class='widget'><ul>"
        + "".join(f"<li><a href='/o/{n}'>{title}</a></li>" for n, (title, _) in enumerate(_CARDS))
        + "</ul></div></body></html>"
    )
    assert extract_article(post, "https://tcritic.example/p/1").is_article


_NOT_FOUND = (
    "<html><head><title>{title}</title></head><body><header><nav><a href='/'>Home</a></nav></header><main>"
    "<h1>{heading}</h1><p>{text}</p></main><footer><p>&copy; 2025 Meridian Post</p></footer></body></html>"
)


_APOLOGY = (
    "Sorry, we couldn't find that page",
    "The page you were looking for may have been moved, renamed or deleted, or the address may be "
    "mistyped. Try our search, or go back to the home page to see today's top stories.",
    "error page",
)
_SIGN_IN = (
    "Sign in to continue",
    "The content you requested, Country Briefing: Iran-Russia Military-Technical Cooperation, is "
    "available to Sentinel subscribers only. Sign in with your work email, or ask your administrator for access."
    "<form><input type='email'><input type='password'><button>Sign in</button></form>",
    "sign-in page",
)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Page not found | Meridian Post", _APOLOGY), ("Page not available | Meridian Post", _APOLOGY),
        ("This article is no longer available - Meridian Post", _APOLOGY),
        ("Sign in | Sentinel Intelligence", _SIGN_IN), ("Log in to continue - Meridian Post", _SIGN_IN),
        ("Subscribe to read | Meridian Post", _SIGN_IN), ("Вход в систему | Коммерсантъ", _SIGN_IN),
    ],
)
def test_a_page_titled_as_an_error_or_sign_in_page_is_no_article_even_with_a_sentence(title, shown):
    heading, text, reason = shown
    page = _NOT_FOUND.format(title=title, heading=heading, text=text)
    article = extract_article(page, "https://www.meridianpost.com/world/2025/10/iran-russia-deal-collapses")
    assert article.kind is PageKind.EMPTY and reason in article.reason


@pytest.mark.parametrize(
    "heading",
    ["Bodies not found in search of Caspian wreck", "Iranian hackers stole the log in details of 300 officials"],
)
def test_a_story_about_a_not_found_page_or_a_login_is_a_story(heading):
    # near-miss: "not found" or "log in" only in a headline that says more, and a story's prose
    page = _NOT_FOUND.format(
        title=f"{heading}, officials say | Meridian Post", heading=heading,
        text=" ".join(blurb for _, blurb in _CARDS[:5]),
    )
    assert extract_article(page, "https://www.meridianpost.com/world/2025/10/14/caspian-wreck").is_article


def test_a_story_about_geographic_blocking_is_a_story():
    story = (
        "<html><head><title>Russia blocks foreign news sites</title></head><body><main><h1>Russia blocks foreign "
        "news sites</h1><p>Readers in Moscow on Tuesday saw a notice that the content is not available in your "
        "region on several foreign news sites, after the media regulator added them to its register of banned "
        "resources.</p><p>The regulator said the sites had spread false information about the war, and that "
        "providers who failed to block them within a day would be fined.</p></main></body></html>"
    )
    assert extract_article(story, "https://www.meridianpost.com/world/2025/10/14/russia-blocks-sites").is_article


_STORY = (
    "<p>A fire broke out at the Caspian port of Anzali on Thursday night, destroying two warehouses used by "
    "Russian freight firms, the provincial governor said on Friday morning.</p><p>Firefighters took six hours to "
    "bring the blaze under control, and officials said there was no sign of sabotage, though an investigation "
    "had been opened by the prosecutor's office in Rasht.</p>"
)
_MOST_READ = "<aside class='most-read'><h3>Most read</h3><ol>" + "".join(
    f"<li><a href='/m/{n}'>{title}</a></li>" for n, (title, _) in enumerate(_CARDS)
) + "</ol></aside>"


@pytest.mark.parametrize("path", [
    "/topics/iran/iran-russia-drone-deal-explained", "/category/news/port-fire/", "/2024/10/03/port-fire/page/2",
])
def test_a_story_at_a_listing_like_address_beside_a_most_read_rail_is_an_article(path):
    # near-miss: a listing shows cards with blurbs; a "Most read" rail of bare headlines makes none
    page = (
        "<html><head><title>Fire at Anzali port</title><meta property='og:type' content='article'></head><body>"
        f"<main><h1>Fire at Anzali port</h1>{_STORY}</main>{_MOST_READ}</body></html>"
    )
    article = extract_article(page, f"https://caspianherald.example{path}")
    assert article.is_article, article.reason


@pytest.mark.parametrize("wall", [
    "<h1>Вы не робот?</h1><p>Нам очень жаль, но запросы, поступившие с вашего IP-адреса, похожи на "
    "автоматические.</p><div class='SmartCaptcha'></div>",
    "<h1>Нажмите и удерживайте</h1><p>Подтвердите, что вы человек.</p>",
    "<h1>Press &amp; Hold</h1><p>Please press and hold the button to confirm you are a human.</p>",
])
def test_press_and_hold_checks_and_yandex_captcha_are_challenges(wall):
    page = f"<html><head><title>Доступ ограничен</title></head><body>{wall}</body></html>"
    assert extract_article(page, "https://ria.example/20241003/drony-123456.html").kind is PageKind.CHALLENGE


def test_a_page_titled_content_removed_is_an_error_page():
    page = _NOT_FOUND.format(
        title="Content removed | Meridian Post", heading="This content has been removed",
        text="This content has been removed at the request of the publisher and is no longer available here.",
    )
    assert extract_article(page, "https://www.meridianpost.com/world/2025/10/14/x").kind is PageKind.EMPTY


def test_a_live_blog_of_short_entries_is_a_story():
    entries = [
        "Air raid sirens sounded across Kyiv just after midnight.", "Explosions were heard in the western suburbs.",
        "The mayor said debris fell on two districts.", "Power was cut in parts of the left bank.",
        "Air defence units shot down most of the drones, the army said in a statement.",
        "The all-clear was given shortly before four.",
    ]
    body = "".join(f"<div class='entry'><time>0{n}:10</time><p>{entry}</p></div>" for n, entry in enumerate(entries))
    page = f"<html><head><title>Live: drones over Kyiv</title></head><body><main><h1>Live: drones over Kyiv</h1>{body}</main></body></html>"
    article = extract_article(page, "https://www.meridianpost.com/live/2025/10/14/kyiv-drones")
    assert article.is_article, article.reason


_WALL_ONLY = """<html><head><title>Iran takes delivery of first Su-35 jets - The Daily Ledger</title>
<meta property="og:type" content="article"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>Iran takes delivery of first Su-35 jets</h1>
<p class="byline">By Jane Doe · 12 March 2026</p>
<div class="{wall}"><h2>Subscribe to read</h2>
<p>Get unlimited access to award-winning journalism for just $1 a week.</p>
<a class="btn" href="/subscribe">Subscribe now</a>
<p>Already a subscriber? <a href="/login">Sign in</a></p></div>
</article></main><footer><p>© 2026 The Daily Ledger.</p></footer></body></html>"""


@pytest.mark.parametrize("wall", ["paywall-offer", "offer-box"])
def test_a_page_serving_only_the_headline_and_a_subscription_offer_is_no_article(wall):
    # trafilatura hands the whole <article> back as one paragraph; split, each line meets its rule
    article = extract_article(_WALL_ONLY.replace("{wall}", wall))
    assert article.kind is PageKind.EMPTY and article.text == ""
    if wall == "paywall-offer":  # a wall the markup names: the reason says where the story is
        assert article.paywalled and "subscription wall" in article.reason


def test_a_brief_handed_back_as_one_block_keeps_its_story_and_loses_the_pitch_inside():
    story = (
        "Iran said on Sunday it had tested a jet-powered version of its Shahed drone, which state "
        "television showed flying over a desert range near Semnan."
    )
    page = f"""<html><head><title>Iran tests new drone - Gulf Wire</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Iran tests new drone</h1>
    <div class="text">{story}</div>
    <div class="signup"><strong>Get our morning briefing</strong> Sign up for the newsletter, free every weekday.</div>
    </article><footer>© Gulf Wire 2026</footer></body></html>"""
    article = extract_article(page)
    assert article.is_article and article.text == f"Iran tests new drone\n{story}"


_POSTS = [
    ("Russia delivers more Su-35 jets to Iran",
     "Two more Su-35 fighters landed at Hamadan this week, according to flight-tracking enthusiasts who followed "
     "the transport aircraft. The jets are the first of a batch of up to 24 ordered in 2023."),
    ("Shahed production moves to Tatarstan",
     "The Alabuga special economic zone now assembles most of the Geran-2 drones Russia launches at Ukraine, "
     "satellite images and leaked documents suggest."),
    ("New sanctions target drone parts suppliers",
     "The Treasury added eleven companies in China, Turkey and the UAE to its sanctions list for shipping engines "
     "and electronics used in Iranian drones."),
    ("S-400 talks stall over price",
     "Iranian officials have asked for a discount on the S-400 air defence system, a Russian newspaper reported, "
     "citing two people familiar with the negotiations."),
]


def _blog_post(number: int, title: str, body: str, *, dated: bool = True, heading: str = "h3") -> str:
    date = f"<span class='post-timestamp'>March {number + 3}, 2026</span>" if dated else ""
    return (
        f"<div class='post-outer'><div class='post hentry'><{heading} class='post-title'>"
        f"<a href='/2026/03/post-{number}.html'>{title}</a></{heading}>"
        f"<div class='post-header'>Posted by Arms Watcher {date}</div>"
        f"<div class='post-body'><p>{body}</p><p>{body.split('.')[0]}, the report added.</p></div>"
        f"<div class='jump-link'><a href='/2026/03/post-{number}.html#more'>Read more »</a></div></div></div>"
    )


def _blog(title: str, main: str) -> str:
    return (
        f"<html><head><title>{title}</title><meta property='og:type' content='website'></head><body>"
        "<div class='header'><h1><a href='/'>Arms Watch</a></h1><p>Tracking the arms trade</p></div>"
        f"{main}<div class='blog-pager'><a href='/search?updated-max=2026'>Older Posts</a></div></body></html>"
    )


@pytest.mark.parametrize("url", ["https://armswatch.example.org/search/label/drones", None])
def test_a_label_page_of_four_dated_posts_is_an_index(url):
    posts = "".join(_blog_post(n, title, body) for n, (title, body) in enumerate(_POSTS))
    page = _blog("Arms Watch: drones", f"<div class='status-msg'>Showing posts with label drones</div>{posts}")
    article = extract_article(page, url)
    assert article.kind is PageKind.INDEX and article.text == ""


def test_a_post_with_dated_related_posts_under_it_is_an_article():
    title, body = _POSTS[0]
    story = " ".join([body] * 3)
    related = "".join(_blog_post(n, t, b) for n, (t, b) in enumerate(_POSTS[1:], start=1))
    main = (
        f"<div class='post'><h3 class='post-title'>{title}</h3><div class='post-body'><p>{story}</p></div></div>"
        f"<div class='related'><h2>Related posts</h2>{related}</div>"
    )
    article = extract_article(_blog(f"Arms Watch: {title}", main), "https://armswatch.example.org/2026/03/su35.html")
    assert article.is_article and story[:80] in article.text


def test_a_list_article_of_linked_items_without_dates_is_an_article():
    # a listicle's items link to the site's own reviews, but carry no date of their own
    items = "".join(_blog_post(n, title, body, dated=False, heading="h2") for n, (title, body) in enumerate(_POSTS))
    article = extract_article(_blog("Four stories that explain the Iran-Russia arms trade", items), None)
    assert article.is_article


def test_a_story_with_more_stories_streamed_under_it_is_that_story():
    # infinite scroll: the page's own story comes first, titled as the page, then others in full
    posts = "".join(_blog_post(n, title, body) for n, (title, body) in enumerate(_POSTS))
    article = extract_article(_blog(f"{_POSTS[0][0]} - Arms Watch", posts), None)
    assert article.is_article


def test_a_story_about_an_anti_ddos_service_is_a_story():
    # near-miss: the challenge's words, in a story's sentences under its headline
    story = (
        "<p>The regional news site went offline for six hours on Tuesday after its anti-DDoS provider, "
        "DDoS-Guard, cut off the account over unpaid bills, the editor said in a statement.</p>"
        "<p>Readers who opened the site saw a page reading 'Проверка браузера перед переходом на сайт' "
        "that never went away, and the editors moved their reports to a Telegram channel.</p>"
    )
    page = f"<html><head><title>News site offline after DDoS-Guard dispute</title></head><body><h1>News site " \
        f"offline after DDoS-Guard dispute</h1>{story}</body></html>"
    assert extract_article(page, "https://caspianherald.example/2025/12/01/site-offline").is_article


_BIO = (
    "Dana Khalil covers defence industries and arms transfers in the Middle East and the former Soviet Union. "
    "She joined the Monitor in 2019 after ten years with a wire agency in Beirut and Moscow."
)


@pytest.mark.parametrize("path", ["/author/dkhalil/", "/authors/dana-khalil", "/tag/shahed", "/writers/dkhalil"])
def test_an_author_or_tag_page_of_four_cards_is_an_index(path):
    article = extract_article(_listing(_BIO, cards=_CARDS[:4]), f"https://www.gulfmonitor.example{path}")
    assert article.kind is PageKind.INDEX, article.text[:200]


def test_a_short_story_at_a_topic_address_beside_four_related_cards_is_an_article():
    # near-miss: a story's address under a topic ("/topics/iran/…"), four related cards under the story
    story = " ".join(text for _, text in _CARDS[4:]) + " " + _BIO
    article = extract_article(_listing(story, cards=_CARDS[:4]), "https://www.gulfmonitor.example/topics/iran/jets")
    assert article.is_article, article.reason


@pytest.mark.parametrize("address", ["/fa/search?q=%D8%B3%D9%88-%DB%B3%DB%B5", "/search?q=su-35", "/suche?query=drohnen"])
def test_a_sites_search_results_are_an_index_however_few(address):
    results = "".join(
        f"<div class='result'><h3><a href='/news/{n}'>{title}</a></h3><p>{blurb}</p></div>"
        for n, (title, blurb) in enumerate(_CARDS[:3])
    )
    page = (
        "<html><head><title>Search results | Khabar</title></head><body><h1>Search results for “Su-35”</h1>"
        f"<p>3 results found</p>{results}</body></html>"
    )
    assert extract_article(page, f"https://www.khabar.example{address}").kind is PageKind.INDEX


def test_a_story_about_a_search_is_a_story():
    # near-miss: "search" in a story's slug, a query string on its address
    page = f"<html><head><title>Search for the pilot</title></head><body><h1>Search for the pilot</h1><p>{_BIO}</p></body></html>"
    article = extract_article(page, "https://www.khabar.example/news/search-for-downed-pilot-resumes?utm_source=x")
    assert article.is_article


def _section(cards: list, og_type: str = "website", heading: str = "Defence", story: str = "") -> str:
    teasers = "".join(
        f"<div class='card'><h3><a href='/defence/{n}-story'>{title}</a></h3><p>{blurb}</p></div>"
        for n, (title, blurb) in enumerate(cards)
    )
    return (
        f"<html lang='en'><head><title>{heading} | Meridian Post</title><meta property='og:type' content='{og_type}'>"
        "</head><body><header><nav><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/defence/'>Defence</a>"
        f"</nav></header><main><h1>{heading}</h1>{story}<div class='river'>{teasers}</div></main>"
        "<footer><p>&copy; 2025 Meridian Post</p></footer></body></html>"
    )


@pytest.mark.parametrize("path", ["/defence/", "/news", "/world/middle-east", "/ru/politika/"])
def test_a_small_section_page_of_five_undated_cards_is_an_index(path):
    # fewer headline links than a front page has, no dates for the archive rule: the text is the cards
    article = extract_article(_section(_CARDS[:5]), f"https://www.meridianpost.com{path}")
    assert article.kind is PageKind.INDEX, article.text[:200]


def test_a_section_page_typed_as_an_article_under_its_sections_name_is_an_index():
    article = extract_article(_section(_CARDS[:5], og_type="article"), "https://www.meridianpost.com/defence/")
    assert article.kind is PageKind.INDEX, article.text[:200]


def test_a_post_typed_as_an_article_at_a_one_word_address_under_its_headline_is_an_article():
    # near-miss: a typed page at a section-like address whose <h1> is a headline, not the section's name
    page = _section(_CARDS[:5], og_type="article", heading="Five stories on the drone trade we read this week")
    assert extract_article(page, "https://blog.example.org/defence/").is_article


def test_a_short_post_at_a_one_word_address_beside_four_related_cards_is_an_article():
    # near-miss: the post's own prose over the cards makes most of its text
    story = "".join(f"<p>{blurb} {blurb}</p>" for _, blurb in _CARDS[5:8])
    page = _section(_CARDS[:4], heading="Drones", story=story)
    assert extract_article(page, "https://blog.example.org/drones").is_article
