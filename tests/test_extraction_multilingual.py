"""The text rules know each kind of chrome in the languages we monitor (ru, fa, ar, de, fr, tr), and
leave story sentences that open with the same words alone."""

from __future__ import annotations

import pytest

from crawler.extraction import PageKind, extract_article

# Four story paragraphs per language: the box or line under test goes between the second and third.
STORIES = {
    "ru": [
        "Россия передала Ирану первые шесть истребителей Су-35, сообщили в понедельник источники в военно-дипломатических кругах, знакомые с ходом исполнения контракта.",
        "Военно-техническое сотрудничество Москвы и Тегерана резко активизировалось после 2022 года, когда Иран начал поставлять России ударные беспилотники «Шахед».",
        "В Вашингтоне уже заявили о подготовке новых санкций, однако эксперты считают, что ограничительные меры вряд ли повлияют на планы сторон в ближайшие годы.",
        "Эксперты не исключают, что следующим шагом станет поставка зенитных ракетных систем С-400, хотя официально стороны это пока не подтверждают и не комментируют.",
    ],
    "de": [
        "Iran hat Russland nach Angaben mehrerer westlicher Geheimdienste eine neue Generation von Kampfdrohnen des Typs Shahed geliefert, die eine größere Reichweite haben sollen.",
        "Die ersten Exemplare wurden demnach bereits im Oktober über das Kaspische Meer nach Russland gebracht, die Bundesregierung wollte das am Montag nicht bestätigen.",
        "Seit Herbst 2022 setzt Russland iranische Drohnen massiv gegen die ukrainische Infrastruktur ein, inzwischen werden sie in großer Zahl in Tatarstan gefertigt.",
        "Im Gegenzug soll Iran russische Kampfflugzeuge vom Typ Su-35 sowie Hilfe beim Aufbau seiner Luftverteidigung erhalten, Fachleute halten auch S-400 für möglich.",
    ],
    "fr": [
        "L’armée de l’air iranienne a officiellement reçu lundi ses six premiers chasseurs Soukhoï Su-35, livrés par la Russie au terme de plusieurs années de négociations.",
        "Pour Téhéran, dont la flotte repose encore largement sur des appareils américains acquis avant la révolution de 1979, il s’agit d’une modernisation longtemps attendue.",
        "Cette coopération militaire s’est considérablement renforcée depuis 2022, l’Iran ayant fourni à la Russie des milliers de drones utilisés contre les villes ukrainiennes.",
        "A Washington, le département d’Etat a aussitôt dénoncé une escalade dangereuse et promis de nouvelles sanctions contre les entités impliquées dans ces livraisons.",
    ],
    "tr": [
        "Rusya Dışişleri Bakan Yardımcısı Sergey Ryabkov, ABD'nin yeni yaptırım tehditlerinin Moskova ile Tahran arasındaki askeri işbirliğini etkilemeyeceğini söyledi.",
        "Batılı istihbarat kaynaklarına göre Rusya, İran'a S-400 hava savunma sistemleri tedarik etmeyi değerlendiriyor ve görüşmeler son aşamaya gelmiş bulunuyor.",
        "Rusya, 2022'den bu yana Ukrayna'ya yönelik saldırılarda İran yapımı Şahed İHA'larını yoğun şekilde kullanıyor ve bunların önemli bir kısmını artık Tataristan'daki fabrikalarda kendisi üretiyor.",
        "Tahran yönetimi ise Rusya'ya savaşta kullanılmak üzere silah verdiği iddialarını reddediyor ve işbirliğinin uluslararası hukuka tamamen uygun olduğunu her fırsatta vurguluyor.",
    ],
    "fa": [
        "فرمانده نیروی هوایی ارتش روز دوشنبه اعلام کرد که شش فروند جنگنده سوخو-۳۵ روسی وارد پایگاه هوایی همدان شده و خلبانان ایرانی آموزش‌های لازم را پشت سر گذاشته‌اند.",
        "ایران و روسیه در دی‌ماه ۱۴۰۳ پیمان مشارکت راهبردی جامع را امضا کردند که همکاری‌های دفاعی و نظامی دو کشور را نیز در بر می‌گیرد و از تابستان اجرایی شد.",
        "مقام‌های آمریکایی بارها نسبت به گسترش این همکاری‌ها، از جمله در زمینه پهپادهای شاهد و سامانه‌های پدافندی اس-۴۰۰، هشدار داده و تهدید به تحریم کرده‌اند.",
        "سخنگوی وزارت امور خارجه ایران این اظهارات را مداخله در امور داخلی کشورها خواند و گفت همکاری با روسیه علیه هیچ کشور ثالثی نیست و ادامه خواهد یافت.",
    ],
    "ar": [
        "هددت الولايات المتحدة بفرض عقوبات جديدة على شركات روسية وإيرانية تقول إنها متورطة في إنتاج الطائرات المسيرة من طراز شاهد وتزويد الجيش الروسي بها.",
        "وبحسب مسؤولين غربيين، فإن روسيا باتت تنتج الجزء الأكبر من هذه المسيرات محليا في منطقة ألابوغا بجمهورية تتارستان بمساعدة خبراء إيرانيين منذ العام الماضي.",
        "في المقابل، نفت طهران مرارا تزويد موسكو بأسلحة لاستخدامها في الحرب، وقالت إن التعاون الدفاعي مع روسيا مشروع ويتوافق مع القانون الدولي ولا يستهدف أحدا.",
        "ويأتي ذلك بعد أيام من إعلان قائد القوة الجوية الإيرانية تسلم بلاده أولى مقاتلات سوخوي-35 الروسية في صفقة طال انتظارها منذ سنوات بين البلدين الحليفين.",
    ],
}
LINK_1 = "Эксперт оценил возможности иранских беспилотников в новой войне"
LINK_2 = "В Иране рассказали о сроках поставки российских зенитных систем"


def _page(language: str, middle: str, before: str = "", end: str = "") -> str:
    first, second, third, fourth = (f"<p>{paragraph}</p>" for paragraph in STORIES[language])
    return (
        f'<html lang="{language}"><head><meta charset="utf-8"><title>T</title><meta property="og:type" content="article">'
        f"</head><body>{before}<article><h1>Заголовок статьи о дронах</h1>{first}{second}{middle}{third}{fourth}{end}"
        "</article></body></html>"
    )


def _text(html: str) -> str:
    article = extract_article(html, "https://example.org/news/1")
    assert article.kind is PageKind.ARTICLE, article.reason
    return article.text


def _assert_story_whole(text: str, language: str) -> None:
    missing = [paragraph[:40] for paragraph in STORIES[language] if paragraph not in text]
    assert not missing, f"story text lost: {missing}"


# --- consent walls ---------------------------------------------------------------------------

CONSENT_WALLS = {
    "de": (
        "<h1>Besuchen Sie uns wie gewohnt mit Werbung und Tracking</h1><p>Wir nutzen Cookies und ähnliche "
        "Technologien, um Inhalte und Anzeigen zu personalisieren. Mit Ihrer Einwilligung verarbeiten wir und "
        "unsere Partner Informationen auf Ihrem Gerät.</p><button>Alle akzeptieren</button><button>Einstellungen</button>"
    ),
    "fr": (
        "<h2>Vos choix concernant les cookies</h2><p>Avec nos partenaires, nous déposons des cookies pour mesurer "
        "l’audience et vous proposer des publicités personnalisées. Vous pouvez retirer votre consentement à tout "
        "moment.</p><button>Tout accepter</button><button>Continuer sans accepter</button>"
    ),
    "tr": (
        "<h2>Gizlilik tercihleriniz</h2><p>Web sitemizde deneyiminizi iyileştirmek için çerezler kullanıyoruz. "
        "Ayrıntılar için Çerez Politikası metnimizi inceleyebilirsiniz.</p><button>Tümünü Kabul Et</button>"
        "<button>Reddet</button>"
    ),
    "ru": (
        "<h2>Мы заботимся о ваших данных</h2><p>Мы используем файлы cookie для персонализации сервисов. Нажимая "
        "кнопку, вы даете согласие на обработку персональных данных.</p><button>Принять все</button>"
    ),
}


@pytest.mark.parametrize("language", list(CONSENT_WALLS))
def test_a_consent_wall_in_the_page_language_is_a_consent_page(language):
    html = f'<html lang="{language}"><head><title>Consent</title></head><body><div class="wall">{CONSENT_WALLS[language]}</div></body></html>'
    article = extract_article(html, "https://example.org/news/1")
    assert article.kind is PageKind.CONSENT, article.reason
    assert article.text == ""


def test_a_short_german_story_that_mentions_consent_stays_an_article():
    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORIES["de"])
    html = (
        '<html lang="de"><head><title>T</title></head><body><div class="cookie-bar">Wir verwenden Cookies. '
        f"<button>Alle akzeptieren</button></div><article><h1>Drohnen</h1>{story}</article></body></html>"
    )
    assert extract_article(html).kind is PageKind.ARTICLE


# --- cookie notices in a plain div -------------------------------------------------------------

COOKIE_NOTICES = {
    "tr": ("tr", "Sitemizde çerezler kullanılmaktadır. Sitemizi kullanmaya devam ederek çerez kullanımını kabul etmiş sayılırsınız."),
    "de": ("de", "Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten. Mehr dazu in der Datenschutzerklärung."),
    "fr": ("fr", "Nous utilisons des cookies pour améliorer votre expérience et mesurer l’audience de notre site."),
    "ru": ("ru", "Мы используем файлы cookie, чтобы сделать сайт удобнее. Продолжая пользоваться сайтом, вы соглашаетесь с этим."),
    "uk": ("ru", "Ми використовуємо файли cookie, щоб покращити роботу сайту."),
    "fa": ("fa", "این وب‌سایت برای بهبود تجربه کاربری از کوکی‌ها استفاده می‌کند."),
    "ar": ("ar", "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتقديم محتوى مخصص."),
}


@pytest.mark.parametrize("case", list(COOKIE_NOTICES))
def test_a_cookie_notice_in_the_page_language_is_left_out(case):
    language, notice = COOKIE_NOTICES[case]
    # A fixed bar with no class before a story in plain divs (no <article> to pick the story out).
    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORIES[language])
    bar = f'<div style="position:fixed;bottom:0"><div><span>{notice}</span> <a>OK</a></div></div>'
    html = (
        f'<html lang="{language}"><head><meta charset="utf-8"><title>T</title><meta property="og:type" content="article">'
        f'</head><body>{bar}<div class="container"><div class="news-detail"><h1>Заголовок</h1>'
        f'<div class="news-content">{story}</div></div></div></body></html>'
    )
    text = _text(html)
    assert notice[:25] not in text
    _assert_story_whole(text, language)


# --- recirculation boxes -----------------------------------------------------------------------

# («Mehr zum Thema» over a list is left out: trafilatura drops that heading itself and the list stays,
# as with «More on this story».)
BOX_HEADINGS = [
    ("ru", "Читайте также"), ("ru", "Читайте также:"), ("ru", "Новости по теме"), ("de", "Lesen Sie auch"),
    ("de", "Das könnte Sie auch interessieren"), ("fr", "À lire aussi"),
    ("fr", "Sur le même sujet"), ("fr", "Lire aussi"), ("tr", "Ayrıca okuyun"), ("tr", "İlgili Haberler"),
    ("tr", "AYRICA OKUYUN"), ("fa", "بیشتر بخوانید"), ("fa", "اخبار مرتبط"), ("fa", "بیشتر بخوانید:"),
    ("ar", "اقرأ أيضا"), ("ar", "اقرأ أيضاً"), ("ar", "مواضيع ذات صلة"),
]
BOX_SHAPES = {
    "h3-ul": '<h3>{h}</h3><ul><li><a href="/a/1">{l1}</a></li><li><a href="/a/2">{l2}</a></li></ul>',
    "bold-label-then-links": '<p><strong>{h}</strong></p><p><a href="/a/1">{l1}</a></p><p><a href="/a/2">{l2}</a></p>',
    "div-h4-ul": '<div class="inline-box"><h4>{h}</h4><ul><li><a href="/a/1">{l1}</a></li><li><a href="/a/2">{l2}</a></li></ul></div>',
}


@pytest.mark.parametrize("shape", list(BOX_SHAPES))
@pytest.mark.parametrize(("language", "heading"), BOX_HEADINGS, ids=[heading for _, heading in BOX_HEADINGS])
def test_a_mid_story_box_with_a_native_heading_is_left_out(language, heading, shape):
    text = _text(_page(language, BOX_SHAPES[shape].format(h=heading, l1=LINK_1, l2=LINK_2)))
    assert heading not in text and LINK_1 not in text
    _assert_story_whole(text, language)


@pytest.mark.parametrize(
    ("language", "label"),
    [("ru", "Читайте также"), ("de", "Lesen Sie auch"), ("fr", "À lire aussi"), ("tr", "İlgili Haber"),
     ("fa", "بیشتر بخوانید"), ("ar", "اقرأ أيضا")],
)
@pytest.mark.parametrize("separator", [": ", " "], ids=["colon", "bold-no-colon"])
def test_a_label_and_link_promo_is_left_out(language, label, separator):
    line = f'<p><strong>{label}</strong>{separator}<a href="/a/1">{LINK_1}</a></p>'
    text = _text(_page(language, line))
    assert LINK_1 not in text
    _assert_story_whole(text, language)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Das könnte Sie auch interessieren"), ("fr", "Sur le même sujet"), ("tr", "İlgili Haberler"),
     ("ar", "مواضيع ذات صلة"), ("ru", "Комментарии"), ("de", "Kommentare (12)"), ("fa", "نظرات")],
)
def test_a_native_end_heading_ends_the_story(language, heading):
    teasers = "".join(
        f'<h3><a href="/b/{n}">{title}</a></h3><p>Короткая подводка к другой статье номер {n}.</p>'
        for n, title in enumerate([LINK_1, LINK_2, "Ещё одна ссылка на совсем другую статью о ракетах"])
    )
    text = _text(_page(language, "", end=f"<h2>{heading}</h2>{teasers}"))
    assert heading not in text and LINK_1 not in text
    _assert_story_whole(text, language)


# --- pitches, sign-offs, credits, bylines --------------------------------------------------------

CHROME_LINES = [
    ("ru", "Подписывайтесь на «Вестник» в Telegram, чтобы первыми узнавать главные новости."),
    ("ru", "Читайте «Вестник» в Telegram и Дзен — только главное за день."),
    ("ru", "Все важные новости — в канале «Вестника» в мессенджере MAX"),
    ("ru", "Подпишитесь на нашу вечернюю рассылку, чтобы не пропустить главное."),
    ("ru", "Поддержите «Вестник» продолжать работу: нам нужна ваша помощь."),
    ("de", "Abonnieren Sie unseren kostenlosen Newsletter und erhalten Sie die wichtigsten Nachrichten."),
    ("de", "Folgen Sie uns auf Instagram und WhatsApp"),
    ("fr", "Abonnez-vous à notre newsletter quotidienne pour recevoir l’essentiel de l’actualité."),
    ("fr", "Suivez-nous sur WhatsApp et Google Actualités"),
    ("tr", "Son dakika gelişmeleri için bizi Google News'te takip edin, WhatsApp kanalımıza abone olun."),
    ("tr", "Günün önemli haberleri için e-bültenimize ücretsiz abone olun."),
    ("fa", "برای دریافت آخرین اخبار در کانال تلگرام ما عضو شوید."),
    ("fa", "ما را در اینستاگرام و تلگرام دنبال کنید."),
    ("ar", "تابعونا على تلغرام وواتساب لمتابعة آخر الأخبار"),
    ("ar", "اشترك في نشرتنا الإخبارية لتصلك أهم الأخبار كل صباح."),
    ("fa", "انتهای پیام/"),
    ("fa", "انتهاي پيام"),
    ("ar", "المصدر: الجزيرة + وكالات"),
    ("ar", "المصدر : وكالات"),
    ("tr", "Kaynak: AA"),
    ("ru", "Фото: Сергей Бобылев / ТАСС"),
    ("ru", "Евгений Малолетка / AP / Scanpix / LETA"),
    ("de", "Foto: Evgeniy Maloletka / AP / dpa"),
    ("de", "dpa/AFP/jr"),
    ("fr", "Photo : Atta Kenare / AFP"),
    ("fr", "Le Monde avec AFP"),
    ("ru", 'Газета "Коммерсантъ" №221 от 01.12.2026, стр. 6'),
    ("fa", "کد خبر: ۸۵۱۲۳۴۵۶"),
    ("fa", "کد خبر ۱۴۰۵۰۹۱۰۰۰۱۲۳ ۱۰ آذر ۱۴۰۵ - ۱۴:۲۰"),
    ("ar", "رمز الخبر: 224466"),
    ("de", "Von Anna Schmidt, ARD-Hauptstadtstudio"),
    ("fr", "Par Jean Dupont (correspondant à Téhéran)"),
    ("tr", "Mehmet Yılmaz 01.12.2026 - 14:05 Güncelleme: 01.12.2026 - 15:30"),
    ("ru", "14:05 01.12.2026"),
    ("ru", "1 декабря 2026, 14:05"),
    ("fa", "نویسنده، جیار گل نقش، خبرنگار بی‌بی‌سی"),
]


@pytest.mark.parametrize(("language", "line"), CHROME_LINES, ids=[line[:30] for _, line in CHROME_LINES])
def test_a_pitch_sign_off_credit_or_byline_line_is_left_out(language, line):
    text = _text(_page(language, f"<p>{line}</p>"))
    assert line not in text
    _assert_story_whole(text, language)


# Story sentences that open with a credit or byline word, or mention a channel, are story.
STORY_LINES = [
    ("ru", "Фото, опубликованное в соцсетях, показывает колонну грузовиков с беспилотниками у Алабуги."),
    ("ru", "Источник, знакомый с ходом переговоров, пояснил, что часть расчетов ведется в рублях."),
    ("ru", "Как ранее писал наш Telegram-канал, первые самолеты прибыли в Хамадан еще в октябре."),
    ("de", "Von Moskau aus wurden die Drohnen nach Angaben der Ermittler über das Kaspische Meer transportiert."),
    ("fr", "Par ailleurs, le ministre a indiqué que d’autres livraisons étaient prévues au printemps."),
    ("tr", "Kaynak olarak gösterilen iki yetkili, teslimatın bahar aylarında tamamlanacağını söyledi."),
    ("ar", "المصدر الذي طلب عدم الكشف عن هويته قال إن الدفعة الثانية ستصل خلال أسابيع."),
    ("fa", "منبع آگاه در وزارت دفاع گفت که محموله دوم تا پایان ماه آینده تحویل داده می‌شود."),
]


@pytest.mark.parametrize(("language", "line"), STORY_LINES, ids=[line[:30] for _, line in STORY_LINES])
def test_a_story_sentence_opening_like_a_credit_is_kept(language, line):
    text = _text(_page(language, f"<p>{line}</p>"))
    assert line in text


# --- paywalls ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("fr", "Il vous reste 68.42% de cet article à lire. La suite est réservée aux abonnés."),
        ("fr", "Il vous reste 74 % de cet article à lire. La suite est réservée à nos abonnés."),
        ("de", "Der vollständige Artikel ist nur für Abonnenten verfügbar."),
        ("tr", "Bu içerik sadece abonelere özeldir."),
    ],
)
def test_a_native_paywall_notice_flags_the_page_and_stays_out(language, notice):
    wall = f'<div class="article__status"><p>{notice}</p><p>Déjà abonné ? <a href="/login">Se connecter</a></p></div>'
    article = extract_article(_page(language, "", end=wall), "https://example.org/news/1")
    assert article.paywalled
    assert notice[:20] not in article.text and "Déjà abonné" not in article.text
    _assert_story_whole(article.text, language)


def test_a_story_without_a_notice_is_not_paywalled():
    assert not extract_article(_page("fr", ""), "https://example.org/news/1").paywalled


# --- CamelCase class names ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["DonatesTeaser-root", "ReadMoreBox", "ArticleRecommendations_box__x1Y2", "NewsletterSignup"])
def test_a_camel_case_chrome_class_is_split_into_its_parts(name):
    # The box's text names no kind of chrome: only its class says what it is.
    box = f'<div class="{name}"><p>Нам очень нужна ваша помощь прямо сейчас, это займет минуту.</p></div>'
    text = _text(_page("ru", box))
    assert "Нам очень нужна" not in text
    _assert_story_whole(text, "ru")


def test_a_camel_case_story_class_is_no_chrome():
    html = _page("ru", "").replace("<article>", '<article class="ArticleBody StoryText">')
    _assert_story_whole(_text(html), "ru")
