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


# --- zh, ja, ko, hi, ur, id, vi, he: recirculation labels, credits, copyright lines -----------------

# Five story paragraphs per language: the line under test goes between the third and fourth (or after the fifth).
MORE_STORIES = {
    "zh": [
        "国家统计局15日发布数据显示，今年前三季度全国规模以上工业增加值同比增长百分之五点六，增速比上半年加快零点二个百分点，制造业投资保持较快增长。",
        "从行业看，装备制造业和高技术制造业增加值分别增长百分之七点一和百分之八点三，新能源汽车、工业机器人和集成电路等产品产量增势良好。",
        "国家统计局新闻发言人在发布会上表示，当前外部环境依然复杂严峻，国内需求仍显不足，经济持续回升向好的基础还需要进一步巩固。",
        "多位经济学家认为，随着一系列稳增长政策逐步落地见效，第四季度经济有望延续恢复态势，全年预期目标有望顺利实现。",
        "分析人士同时提醒，房地产市场调整仍在持续，地方财政压力较大，下一阶段宏观政策应当更加注重扩大内需和稳定就业。",
    ],
    "ja": [
        "気象庁は十五日、西日本から東日本の太平洋側を中心に、十六日にかけて非常に激しい雨が降るおそれがあるとして、土砂災害や河川の増水に警戒するよう呼びかけた。",
        "前線に向かって暖かく湿った空気が流れ込む影響で、大気の状態が非常に不安定になっており、局地的に一時間に八十ミリ以上の猛烈な雨が降る可能性がある。",
        "十六日夕方までの二十四時間に予想される雨量は、多いところで四国地方と東海地方で三百ミリ、近畿地方で二百五十ミリに達する見込みだという。",
        "国土交通省は各地の河川事務所に対して警戒態勢を強めるよう指示し、沿岸部の自治体も避難所の開設準備を急いでいる。",
        "気象庁の担当者は記者会見で、早めの避難を心がけ、自治体が発表する避難情報に従って安全を確保してほしいと話した。",
    ],
    "ko": [
        "한국은행이 기준금리를 연 3.50%에서 3.25%로 0.25%포인트 인하했다. 물가 상승세가 둔화하고 내수 회복이 더딘 상황을 고려한 결정으로 풀이된다.",
        "한국은행 금융통화위원회는 이날 통화정책방향 회의를 열고 이같이 결정했다고 밝혔다. 기준금리 인하는 약 3년 2개월 만에 처음이다.",
        "총재는 기자간담회에서 소비자물가 상승률이 목표 수준에 근접하고 있으며 성장의 하방 위험이 커졌다고 설명했다.",
        "시장에서는 이번 인하가 가계부채 증가세를 다시 자극할 수 있다는 우려도 나온다. 특히 수도권 주택 가격 상승세가 변수로 꼽힌다.",
        "전문가들은 추가 인하 시점이 내년 상반기 경기 흐름과 미국 연방준비제도의 정책 방향에 따라 결정될 것으로 내다봤다.",
    ],
    "hi": [
        "केंद्र सरकार ने बुधवार को किसानों के लिए रबी फसलों के न्यूनतम समर्थन मूल्य में बढ़ोतरी की घोषणा की, जिससे देश भर के लाखों किसानों को सीधा लाभ मिलने की उम्मीद है।",
        "सरकार के फैसले के अनुसार गेहूं का न्यूनतम समर्थन मूल्य एक सौ पचास रुपये बढ़ाकर दो हजार चार सौ पच्चीस रुपये प्रति क्विंटल कर दिया गया है।",
        "कृषि मंत्री ने एक संवाददाता सम्मेलन में कहा कि इस फैसले से किसानों की आय बढ़ेगी और उन्हें अपनी उपज का बेहतर दाम मिल सकेगा।",
        "किसान संगठनों ने इस घोषणा का स्वागत किया, लेकिन कहा कि बढ़ती लागत को देखते हुए यह बढ़ोतरी अभी भी पर्याप्त नहीं है और सरकार को और कदम उठाने चाहिए।",
        "विशेषज्ञों का मानना है कि अच्छी बारिश और बेहतर समर्थन मूल्य के कारण इस साल गेहूं की बुवाई का रकबा पिछले साल की तुलना में बढ़ सकता है।",
    ],
    "ur": [
        "وفاقی حکومت نے پیر کے روز پٹرولیم مصنوعات کی قیمتوں میں کمی کا اعلان کیا ہے جس کے بعد ملک بھر میں پٹرول کی نئی قیمت کا اطلاق آج رات بارہ بجے سے ہوگا۔",
        "وزارت خزانہ کے اعلامیے کے مطابق پٹرول کی قیمت میں فی لیٹر دس روپے جبکہ ہائی اسپیڈ ڈیزل کی قیمت میں آٹھ روپے کی کمی کی گئی ہے۔",
        "وزیر خزانہ نے اسلام آباد میں میڈیا سے گفتگو کرتے ہوئے کہا کہ عالمی منڈی میں تیل کی قیمتیں کم ہونے کا فائدہ براہ راست عوام تک پہنچایا جا رہا ہے۔",
        "ٹرانسپورٹرز کی تنظیموں نے اس فیصلے کا خیرمقدم کرتے ہوئے کہا ہے کہ وہ آئندہ چند دنوں میں کرایوں میں کمی پر سنجیدگی سے غور کریں گی۔",
        "ماہرین معیشت کا کہنا ہے کہ تیل کی قیمتوں میں کمی سے مہنگائی کی شرح پر بھی مثبت اثر پڑے گا اور صنعتی پیداوار کی لاگت کم ہوگی۔",
    ],
    "id": [
        "Bank Indonesia memutuskan untuk mempertahankan suku bunga acuan di level 6 persen dalam Rapat Dewan Gubernur yang berakhir pada Rabu sore di Jakarta.",
        "Gubernur Bank Indonesia mengatakan keputusan tersebut konsisten dengan upaya menjaga stabilitas nilai tukar rupiah di tengah ketidakpastian pasar keuangan global.",
        "Menurut dia, inflasi diperkirakan tetap terkendali dalam kisaran sasaran 2,5 persen plus minus satu persen hingga akhir tahun ini dan tahun depan.",
        "Sejumlah ekonom menilai bank sentral masih memiliki ruang untuk menurunkan suku bunga pada semester pertama tahun depan apabila rupiah kembali stabil.",
        "Pelaku usaha berharap penurunan suku bunga dapat segera dilakukan agar biaya pinjaman turun dan permintaan kredit untuk ekspansi usaha kembali meningkat.",
    ],
    "vi": [
        "Bộ Giáo dục và Đào tạo vừa công bố phương án tổ chức kỳ thi tốt nghiệp trung học phổ thông năm tới, theo đó thí sinh sẽ thi bốn môn thay vì sáu môn như trước đây.",
        "Theo phương án mới, toán và ngữ văn là hai môn bắt buộc, thí sinh được tự chọn thêm hai môn trong số các môn còn lại đã học ở lớp mười hai.",
        "Đại diện Bộ Giáo dục cho biết việc giảm số môn thi nhằm giảm áp lực cho học sinh và tiết kiệm chi phí xã hội, đồng thời vẫn bảo đảm độ tin cậy của kết quả.",
        "Nhiều giáo viên đánh giá phương án này phù hợp với chương trình giáo dục phổ thông mới, nhưng lo ngại học sinh có thể học lệch các môn không thi.",
        "Các chuyên gia giáo dục đề nghị Bộ sớm công bố đề thi tham khảo để giáo viên và học sinh có đủ thời gian chuẩn bị cho kỳ thi quan trọng này.",
    ],
    "he": [
        "בנק ישראל הודיע היום על הפחתת הריבית בשיעור של רבע אחוז, לרמה של ארבעה אחוזים, לראשונה מאז תחילת המלחמה, על רקע ירידה באינפלציה.",
        "לפי הודעת הבנק, קצב עליית המחירים בשנים עשר החודשים האחרונים ירד אל תוך יעד יציבות המחירים, והשקל התחזק מול הדולר בשבועות האחרונים.",
        "נגיד בנק ישראל אמר במסיבת עיתונאים כי הוועדה המוניטרית תמשיך לעקוב מקרוב אחר ההתפתחויות בשוק הדיור ובשוק העבודה לפני החלטות נוספות.",
        "כלכלנים בשוק ההון העריכו כי ההפחתה תקל על משקי בית שנטלו משכנתאות בריבית משתנה, אך הזהירו כי השפעתה על הצמיחה תהיה מוגבלת.",
        "ארגוני העסקים הקטנים בירכו על ההחלטה וקראו לממשלה להוסיף צעדים שיסייעו לעסקים שנפגעו מהמשבר הכלכלי בשנה האחרונה.",
    ],
}
MORE_TITLES = {
    "zh": "前三季度规模以上工业增加值同比增长百分之五点六", "ja": "西日本から東日本で非常に激しい雨のおそれ",
    "ko": "한국은행, 기준금리 0.25%포인트 인하", "hi": "रबी फसलों का न्यूनतम समर्थन मूल्य बढ़ा",
    "ur": "پٹرولیم مصنوعات کی قیمتوں میں کمی کا اعلان", "id": "Bank Indonesia Pertahankan Suku Bunga Acuan 6 Persen",
    "vi": "Thi tốt nghiệp trung học phổ thông năm tới chỉ còn bốn môn", "he": "בנק ישראל הפחית את הריבית לארבעה אחוזים",
}
MORE_LINKS = {
    "zh": ("住建部：全年改造城镇老旧小区5万个以上", "央行：保持流动性合理充裕"),
    "ja": ("大雨の時の避難、ここに注意", "土砂災害から身を守るために"),
    "ko": ("기준금리 인하, 대출금리는 언제 내리나", "가계부채 증가세 다시 커지나"),
    "hi": ("उत्तर भारत में लू का अलर्ट, तापमान 45 डिग्री तक पहुंचने की संभावना", "गेहूं की खरीद के लिए नए केंद्र खुलेंगे"),
    "ur": ("آئی ایم ایف کے ساتھ مذاکرات کا نیا دور شروع", "بجلی کے نرخوں میں اضافے کا امکان"),
    "id": ("Harga Beras Premium di Pasar Masih Tinggi", "Rupiah Menguat Tipis di Awal Pekan"),
    "vi": ("Điểm chuẩn đại học năm nay tăng mạnh", "Những thay đổi trong tuyển sinh lớp mười"),
    "he": ("מחירי הדירות ממשיכים לעלות", "האבטלה ירדה לשפל של שנתיים"),
}


def _more_page(language: str, middle: str = "", end: str = "") -> str:
    paragraphs = [f"<p>{paragraph}</p>" for paragraph in MORE_STORIES[language]]
    story = "".join(paragraphs[:3]) + middle + "".join(paragraphs[3:]) + end
    return (
        f'<html lang="{language}"><head><meta charset="utf-8"><title>{MORE_TITLES[language]}</title>'
        f'<meta property="og:type" content="article"></head><body><article><h1>{MORE_TITLES[language]}</h1>{story}'
        "</article></body></html>"
    )


def _assert_more_whole(text: str, language: str) -> None:
    missing = [paragraph[:30] for paragraph in MORE_STORIES[language] if paragraph not in text]
    assert not missing, f"story text lost: {missing}"


MORE_PROMO_LABELS = [
    ("zh", "相关阅读："), ("zh", "延伸阅读："), ("zh", "【相关新闻】"), ("zh", "关联阅读："), ("ja", "【関連記事】"),
    ("ja", "関連記事："), ("ko", "[관련기사]"), ("ko", "관련기사"), ("hi", "यह भी पढ़ें:"), ("hi", "ये भी पढ़ें-"),
    ("ur", "مزید پڑھیں:"), ("ur", "یہ بھی پڑھیں:"), ("id", "Baca juga:"), ("vi", "Xem thêm:"), ("he", "קראו עוד:"),
    ("he", "עוד באותו נושא:"),
]


@pytest.mark.parametrize(("language", "label"), MORE_PROMO_LABELS, ids=[label for _, label in MORE_PROMO_LABELS])
def test_a_native_read_also_label_and_its_link_are_left_out(language, label):
    link = MORE_LINKS[language][0]
    text = _text(_more_page(language, f'<p><strong>{label}</strong> <a href="/a/1">{link}</a></p>'))
    assert link not in text and label.strip("[]【】:：-") not in text
    _assert_more_whole(text, language)


@pytest.mark.parametrize(("language", "label"), MORE_PROMO_LABELS, ids=[label for _, label in MORE_PROMO_LABELS])
def test_a_native_read_also_line_with_no_link_is_left_out(language, label):
    # a CMS's read-also line in plain text ("Baca juga: …"), the headline no link in the extracted markup
    line = f"{label} {MORE_LINKS[language][0]}" if label != "관련기사" else f"[관련기사] {MORE_LINKS[language][0]}"
    text = _text(_more_page(language, f"<p>{line}</p>"))
    assert MORE_LINKS[language][0] not in text
    _assert_more_whole(text, language)


MORE_BOX_HEADINGS = [
    ("zh", "相关阅读"), ("zh", "延伸阅读"), ("zh", "相关新闻"), ("ja", "関連記事"), ("ja", "【関連記事】"), ("ko", "관련기사"),
    ("ko", "많이 본 뉴스"), ("hi", "यह भी पढ़ें"), ("hi", "संबंधित खबरें"), ("ur", "مزید پڑھیں"), ("ur", "متعلقہ خبریں"),
    ("id", "Baca Juga"), ("id", "Berita Terkait"), ("vi", "Xem thêm"), ("vi", "Tin liên quan"), ("he", "עוד באותו נושא"),
    ("he", "כתבות נוספות"),
]


@pytest.mark.parametrize(("language", "heading"), MORE_BOX_HEADINGS, ids=[heading for _, heading in MORE_BOX_HEADINGS])
def test_a_native_box_heading_at_the_end_ends_the_story(language, heading):
    first, second = MORE_LINKS[language]
    box = f'<h3>{heading}</h3><ul><li><a href="/a/1">{first}</a></li><li><a href="/a/2">{second}</a></li></ul>'
    text = _text(_more_page(language, end=box))
    assert heading not in text and first not in text and second not in text
    _assert_more_whole(text, language)


@pytest.mark.parametrize(("language", "heading"), MORE_BOX_HEADINGS, ids=[heading for _, heading in MORE_BOX_HEADINGS])
def test_a_native_box_heading_inside_the_story_goes_with_its_box(language, heading):
    first, second = MORE_LINKS[language]
    box = f'<h3>{heading}</h3><ul><li><a href="/a/1">{first}</a></li><li><a href="/a/2">{second}</a></li></ul>'
    text = _text(_more_page(language, middle=box))
    assert heading not in text and first not in text
    _assert_more_whole(text, language)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh", "网友评论"), ("ja", "コメント"), ("ko", "댓글 (12)"), ("hi", "टिप्पणियां"), ("ur", "تبصرے"), ("id", "Komentar"),
     ("vi", "Bình luận"), ("he", "תגובות")],
)
def test_a_native_comments_heading_ends_the_story(language, heading):
    comments = "".join(f"<p>{paragraph[:40]} — 读者 {n}</p>" for n, paragraph in enumerate(MORE_STORIES["zh"][:3]))
    text = _text(_more_page(language, end=f"<h2>{heading}</h2>{comments}"))
    assert heading not in text and "读者" not in text
    _assert_more_whole(text, language)


MORE_CHROME_LINES = [
    ("zh", "【纠错】 【责任编辑：李明】"), ("zh", "【责任编辑：李明】"), ("zh", "责任编辑：王芳"), ("zh", "（编辑：张伟）"),
    ("zh", "编辑：张伟 审核：刘洋"), ("zh", "2017-03-10 09:58 来源：网易科学人"), ("zh", "来源：新华社 作者：李明"), ("zh", "华闻网版权所有，未经授权禁止转载"), ("zh", "版权所有 © 华闻网"),
    ("ja", "記事・写真の無断転載を禁じます。"), ("ja", "©朝日新報社 転載禁止"), ("ja", "無断転載禁止"),
    ("ko", "김지현 기자 jihyun@hanbit-ilbo.kr"), ("ko", "김지현·이민수 기자"), ("ko", "<저작권자 © 한빛일보, 무단전재 및 재배포 금지>"),
    ("ko", "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>"), ("ko", "ⓒ 한빛일보"),
    ("id", "SCROLL TO CONTINUE WITH CONTENT"), ("id", "(dwl/ara)"), ("id", "(kps/ant)"),
]


@pytest.mark.parametrize(("language", "line"), MORE_CHROME_LINES, ids=[line[:20] for _, line in MORE_CHROME_LINES])
def test_a_native_credit_or_copyright_line_at_the_end_is_left_out(language, line):
    text = _text(_more_page(language, end=f"<p>{line}</p>"))
    assert line not in text
    _assert_more_whole(text, language)


@pytest.mark.parametrize(("language", "line"), MORE_CHROME_LINES, ids=[line[:20] for _, line in MORE_CHROME_LINES])
def test_a_native_credit_or_copyright_line_inside_the_story_is_left_out(language, line):
    text = _text(_more_page(language, middle=f"<p>{line}</p>"))
    assert line not in text
    _assert_more_whole(text, language)


# Story sentences that use the same words: kept.
MORE_STORY_LINES = [
    ("zh", "责任编辑制度是新闻出版行业的一项基本制度，出版社负责人表示将进一步加强审核把关。"),
    ("zh", "该作品的版权所有者表示，将通过法律途径维护自身的合法权益，并要求相关平台下架侵权内容。"),
    ("zh", "相关新闻发布会上，发言人还介绍了老旧小区改造计划的具体进展和下一步安排。"),
    ("zh", "编辑部负责人说，今年将继续加大对基层一线的采访报道力度。"),
    ("zh", "来源：据新华社报道，该厂今年的无人机产量比去年增加了一倍，官员表示还将继续扩大生产。"),
    ("ja", "同社は、記事の無断転載を禁止する方針を改めて示し、違反した場合は法的措置を取ると警告した。"),
    ("ja", "関連記事の多さについて、専門家は読者のために情報を整理する必要があると指摘した。"),
    ("ko", "김지현 기자가 현장을 찾았을 때 공장 가동은 이미 멈춰 있었다."),
    ("ko", "법원은 무단 전재 및 재배포 금지 가처분 신청을 받아들였다."),
    ("ko", "관련 기사에 따르면 정부는 다음 달 추가 대책을 발표할 예정이다."),
    ("hi", "यह भी पढ़ें कि सरकार ने पिछले साल क्या वादा किया था, किसान नेताओं ने सभा में लोगों से कहा।"),
    ("ur", "مزید پڑھیں تو معلوم ہوتا ہے کہ حکومت نے پچھلے سال بھی یہی وعدہ کیا تھا۔"),
    ("id", "Baca juga laporan tahunan bank sentral, kata dia, yang memuat proyeksi inflasi hingga tahun depan."),
    ("vi", "Xem thêm các quy định mới, thí sinh có thể truy cập cổng thông tin điện tử của Bộ Giáo dục."),
    ("he", "עוד באותו נושא, הנגיד אמר כי הבנק יבחן בקרוב גם את מדיניות ההתערבות בשוק המט״ח."),
]


@pytest.mark.parametrize(("language", "line"), MORE_STORY_LINES, ids=[line[:20] for _, line in MORE_STORY_LINES])
def test_a_native_story_sentence_using_a_label_or_credit_word_is_kept(language, line):
    for html in (_more_page(language, middle=f"<p>{line}</p>"), _more_page(language, end=f"<p>{line}</p>")):
        text = _text(html)
        assert line in text
        _assert_more_whole(text, language)


# --- English utility lines: Q&A furniture, press-release end matter, feed and print lines ------------

EN_STORY = [
    "The city council voted on Tuesday to extend the downtown tram line by four kilometres, ending a decade of argument over the route through the old harbour district.",
    "Construction is expected to begin next spring and take about three years, with six new stops planned between the central station and the ferry terminal.",
    "The project will cost an estimated 310 million euros, about a third of which will come from a regional transport fund, the mayor told reporters after the vote.",
    "Opponents, mostly shop owners along the harbour road, said the works would drive customers away and asked for compensation during the building phase.",
    "The council agreed to set up a fund for affected businesses and promised to keep at least one lane of the road open to traffic at all times.",
]


def _en_page(middle: str = "", end: str = "") -> str:
    paragraphs = [f"<p>{paragraph}</p>" for paragraph in EN_STORY]
    story = "".join(paragraphs[:3]) + middle + "".join(paragraphs[3:]) + end
    return (
        '<html lang="en"><head><meta charset="utf-8"><title>Council backs tram extension</title>'
        '<meta property="og:type" content="article"></head><body><article><h1>Council backs tram extension</h1>'
        f"{story}</article></body></html>"
    )


def _assert_en_whole(text: str) -> None:
    missing = [paragraph[:30] for paragraph in EN_STORY if paragraph not in text]
    assert not missing, f"story text lost: {missing}"


EN_CHROME_LINES = [
    "3 Answers", "1 Answer", "Asked 1 year ago", "Modified 3 months ago", "Active today", "Viewed 12k times",
    "Viewed 1,204 times", "Sorted by: Highest score (default)",
    "Media Contact: Jordan Blake jblake@helixa-tx.com (512) 555-0147", "Press contacts: Ann Lee, +1 212 555 0100",
    "SOURCE Helixa Therapeutics, Inc.", "SOURCE City Tram Authority",
    "Subscribe to: Post Comments (Atom)", "Subscribe to: Posts (Atom)",
    "Article URL: https://www.northernherald-news.co.uk/health/article-10384/steps-a-day-study.html",
    "Scroll to continue with content",
]


@pytest.mark.parametrize("line", EN_CHROME_LINES)
def test_a_thread_press_release_or_utility_line_is_left_out(line):
    for html in (_en_page(middle=f"<p>{line}</p>"), _en_page(end=f"<p>{line}</p>")):
        text = _text(html)
        assert line not in text
        _assert_en_whole(text)


EN_STORY_LINES = [
    "Asked 1 year ago whether the tram would ever reach the harbour, the mayor said she doubted it.",
    "Media contact with the families was restricted by the court until the inquiry ends next month.",
    "The media contact for the project, a former transport official, said questions would be answered in writing.",
    "Source of the funding remains unclear, two council members said on Tuesday.",
    "Source code for the ticketing app was published on Tuesday so that outside experts could check it.",
    "Three answers were given at the hearing, and none of them satisfied the shop owners.",
    "Residents can subscribe to comments on the works page, the clerk said, by following a link on it.",
    "The article URL was shared thousands of times on social media within an hour of the vote.",
    "Readers had to scroll to continue with content on the old council website, the auditors found.",
]


@pytest.mark.parametrize("line", EN_STORY_LINES, ids=[line[:30] for line in EN_STORY_LINES])
def test_a_story_sentence_using_the_same_words_is_kept(line):
    for html in (_en_page(middle=f"<p>{line}</p>"), _en_page(end=f"<p>{line}</p>")):
        text = _text(html)
        assert line in text
        _assert_en_whole(text)


def test_a_q_and_a_thread_keeps_its_question_and_answers_and_drops_its_furniture():
    question = "My sourdough starter was very active for two weeks, but for the last four days it has barely risen at all, even after two feedings a day. What could be wrong?"
    answers = [
        "It is almost certainly the temperature. Yeast and bacteria slow down a lot below about twenty degrees, so try keeping the jar somewhere warmer.",
        "Agree with the answer above. If you switched to a different bag of flour around the same time, that can slow a starter down for a few days too.",
        "A starter that has been active for two weeks is very hard to kill. Keep feeding it on schedule and it will come back within a week.",
    ]
    furniture = ["Asked 1 year ago", "Modified 1 year ago", "Viewed 12k times", "3 Answers", "Sorted by: Highest score (default)"]
    html = (
        '<html lang="en"><head><title>Why did my starter stop rising?</title></head><body><main>'
        f"<h1>Why did my starter stop rising?</h1><div class='question'><p>{question}</p></div>"
        + "".join(f"<div class='meta'><span>{line}</span></div>" for line in furniture[:3])
        + f"<h2>{furniture[3]}</h2><div class='sort'>{furniture[4]}</div>"
        + "".join(f"<div class='answer'><p>{answer}</p></div>" for answer in answers)
        + "</main></body></html>"
    )
    text = _text(html)
    assert question in text and all(answer in text for answer in answers)
    assert not [line for line in furniture if line in text]
