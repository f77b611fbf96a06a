"""Extraction rules, kept as data.

Every rule here is a *kind* of chrome seen across news sites, not one site's string. Adding a rule
means adding a string to one of these tuples; the code that applies them lives in `cleaning.py`,
`pagekind.py`, `paywall.py` and `metadata.py`. Per-outlet additions live in `outlets.py`.

Patterns are case-insensitive Python regular expressions unless a comment says otherwise.
"""

from __future__ import annotations

# --- DOM pruning before trafilatura -------------------------------------------------------------
# Parts of class/id names that mark a chrome container. Matched against class and id values split
# on "-", "_" and spaces, so "share" hits `article-share-bar` but not `shared-content`.
CHROME_CLASS_ID_PARTS: tuple[str, ...] = (
    # paywalls, subscriptions, memberships, donations
    r"paywall\w*", r"piano", r"tp-(?:container|modal|backdrop)", r"barrier", r"subscri(?:be|ption)s?(?:box|bar|cta|wall)?",
    r"membership", r"donat(?:e|ion)s?", r"support-us", r"contribut(?:e|ions?)-?(?:box|cta|epic)?",
    r"(?:reg|registration|login)-?wall", r"meter(?:ed)?-?(?:box|wall|banner)",
    r"newsletters?", r"sign-?up", r"signup\w*", r"e-?mail-?(?:capture|signup|optin)", r"optin",
    r"promo(?:s|tion|box|-box|tional)?", r"cta", r"call-to-action", r"upsell", r"offer",
    # captions, credits, media players
    r"(?:fig|img|image|photo|media)?-?captions?", r"credits?", r"photo-?credit", r"vjs", r"video-?js",
    r"jw-?player", r"video-?player", r"player-?(?:wrapper|container)",
    # teasers, recirculation, lists of other stories
    r"recirc\w*", r"related\w*", r"read-?(?:more|next|also)", r"more-?(?:from|stories|news|on|videos?|articles?|posts?|episodes?)",
    r"trending", r"most-?(?:read|popular|viewed|shared)", r"popular-?(?:posts|stories|articles)",
    r"outbrain", r"taboola", r"recommend\w*", r"(?:story|article)-?(?:list|cards?|teasers?)",
    r"teasers?", r"up-?next", r"you-?may-?(?:also)?-?like",
    # sharing, comments, consent, ads, overlays
    r"share\w*", r"sharing", r"social\w*", r"comments?", r"disqus", r"cookies?\w*", r"consent",
    r"gdpr", r"cmp", r"modal", r"popup", r"pop-up", r"overlay", r"advert\w*", r"ads?", r"ad-?slot",
    r"ad-?unit", r"adsbygoogle", r"dfp", r"sponsor\w*", r"native-?ad",
    # accessibility helpers and site furniture that never holds the story
    r"sr-only", r"visually-?hidden", r"screen-?reader\w*", r"skip-?(?:link|to|nav)\w*",
    r"breadcrumbs?", r"toolbar", r"site-?(?:header|footer|nav)", r"masthead", r"(?:news-?)?tickers?",
    r"breaking-?(?:news-?)?(?:bar|banner|strip)",
    # the author's bio box or note under an op-ed (people, not story)
    r"author-?(?:bio|box|card|info|note|notes|profile|details)", r"about-?(?:the-?)?authors?", r"bio(?:box|graphy)?",
)

# ARIA roles and tags whose whole subtree is chrome.
CHROME_ROLES: tuple[str, ...] = (
    "dialog", "alertdialog", "banner", "navigation", "contentinfo", "complementary", "search",
)

# Class names of text written for screen readers only. Inside a sentence (a link's ", opens new
# tab", "(external link)") it is no part of the story's words, and it is taken out before extraction.
SCREEN_READER_CLASSES: tuple[str, ...] = (
    "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "screen-reader-only", "screenreader-only",
    "a11y-only", "a11y-hidden", "assistive-text", "offscreen", "element-invisible", "u-hidden-visually", "hidden-visually",
)
SCREEN_READER_MAX_CHARS = 80

# A container whose text matches one of these, and which is small beside the story, is a pitch box
# (newsletter, paywall, donation, membership) even when its class names say nothing.
CALL_TO_ACTION_PATTERNS: tuple[str, ...] = (
    r"already (?:a|an) (?:member|subscriber|customer|user)\b",
    r"(?:sign|log) ?in to (?:continue|read|comment|keep reading)",
    r"subscribe (?:now|today|to (?:continue|keep) reading|for (?:full|unlimited) access)",
    r"(?:start|begin) (?:your |with (?:a |your )?)?(?:free |\d+-(?:day|week|month) (?:free )?)?trial",
    r"cancel any ?time",
    r"^\W*(?:(?:from|only|just|now) )?[$€£]\s?\d+(?:[.,]\d\d)?\s*(?:/|per|a)\s*(?:month|mo|year|yr|week)\b",
    r"billed (?:annually|monthly|yearly)",
    r"sign[ -]?up (?:for|to) (?:our|the|my)\b.{0,60}\bnewsletters?",
    r"(?:subscribe|sign[ -]?up) (?:to|for) (?:our|the) (?:free )?(?:daily |weekly )?(?:e-?mail|newsletter)",
    r"delivered (?:straight |directly )?to your inbox",
    r"(?:support|fund|power|sustain) (?:our |independent |quality |trusted |fearless )+journalism",
    r"(?:make|become) a (?:one-time |monthly |recurring )?(?:donation|donor|patron|supporter)\b",
    r"\bdonate (?:now|today)\b",
    r"support (?:us|the [\w ]{2,30}) (?:from|for) (?:as little as|just|only) [$€£]\s?\d",
    r"become a (?:member|subscriber|patron)\b",
    r"join (?:\w+ ){0,3}(?:members|pro|premium|our community of)\b",
    r"(?:this|our) (?:site|website) uses cookies",
    r"we (?:use|value) (?:cookies|your privacy)",
    r"accept (?:all )?cookies",
    # cookie notices in the page's language (de, fr, es, ru, uk, tr, fa, ar)
    r"wir (?:verwenden|nutzen|setzen) (?:auf unserer (?:website|webseite|seite) )?cookies",
    r"(?:diese|unsere) (?:website|webseite|seite) (?:verwendet|nutzt) cookies",
    r"nous (?:utilisons|déposons) des cookies", r"(?:ce|notre) site (?:web )?utilise des cookies",
    r"(?:utilizamos|usamos|este sitio (?:web )?utiliza) cookies",
    r"(?:мы |сайт )?использу(?:ем|ет) (?:файлы )?(?:cookie|куки)", r"ми використову[єю]мо (?:файли )?cookie",
    r"çerez(?:ler)?(?:i)? kullan", r"çerez (?:politikamız|kullanımını kabul)",
    r"از (?:فایل[\u200c\ua66e ]?(?:های|ها)? )?کوکی", r"(?:نستخدم|يستخدم) (?:ملفات تعريف الارتباط|الكوكيز)",
    # newsletters, channels and donations in the page's language
    r"(?:abonnieren sie|bestellen sie|melden sie sich (?:jetzt )?(?:für|zu)|jetzt) (?:unseren?|den|zum) .{0,40}newsletter",
    r"newsletter (?:abonnieren|bestellen)",
    r"(?:inscrivez-vous|abonnez-vous) (?:à|a) (?:notre|la|nos) .{0,40}(?:newsletter|lettre)",
    r"recevez (?:notre|la|nos) .{0,30}newsletter",
    r"подпи(?:шитесь|сывайтесь) на (?:нашу |наши )?(?:\w+ )?(?:рассылк|канал|telegram|телеграм|дзен|max)",
    r"(?:bültenimize|e-?bültenimize|kanalımıza|kanalimiza) (?:ücretsiz )?abone olun",
    r"(?:خبرنامه|کانال) .{0,40}عضو شوید", r"اشترك (?:الآن )?في (?:نشرتنا|النشرة|قناتنا)",
    r"unterstützen sie (?:\w+ ){0,2}journalismus", r"soutenez (?:\w+ ){0,2}journalisme",
    r"(?:помогите|поддержите) (?:нам|«[^»]{1,30}»|\w+) продолжать работу",
    r"werden sie (?:jetzt )?(?:mitglied|abonnent)",
    # the notice of a wall, and its login line, in the page's language
    r"la suite est réservée (?:aux|à nos) abonnés", r"déjà abonné", r"(?:bereits|schon) (?:abonnent|abonniert)",
    r"(?:artikel|beitrag) ist (?:nur |exklusiv )?für abonnent", r"уже (?:есть подписка|подписаны)",
    r"zaten abone (?:misiniz|musunuz|iseniz)", r"abonelere özel", r"ya (?:soy |eres )?suscriptor",
)

# Every call-to-action pattern contains one of these words: text without any of them is skipped
# cheaply (a test keeps the two lists in step).
CALL_TO_ACTION_KEYWORDS: tuple[str, ...] = (
    "member", "subscri", "sign", "trial", "cancel", "month", "year", "week", "billed", "newsletter",
    "inbox", "journalism", "donat", "donor", "patron", "supporter", "join", "cookie", "privacy",
    "куки", "çerez", "کوکی", "تعريف الارتباط", "الكوكيز", "подпи", "abone", "عضو شوید", "اشترك",
    "продолжать работу", "mitglied", "abonn", "подпис", "suscri", "support",
)

# Longer text is prose, not a pitch, even when it mentions a price or a newsletter.
CALL_TO_ACTION_MAX_CHARS = 400

# --- block filtering after trafilatura ----------------------------------------------------------
# A date with its time as news pages print them ("14:05 01.12.2026", "1 декабря 2026 г., 14:05"). A date
# alone may be story (a list of dates, a date of birth): the time makes it the page's line.
# (a Solar Hijri year too: "۱۲ آذر ۱۴۰۵")
_DATE = (
    r"(?:\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d|\d{1,2}\.? [^\W\d]{3,12}\.? (?:19|20|13|14|۱۳|۱۴|١٣|١٤)\d\d(?: г\.| года)?)"
)
_WHEN = rf"(?:\d{{1,2}}:\d\d,? {_DATE}|{_DATE},? ?(?:[-–|]|в|um|à|saat|ساعت|الساعة)? ?\d{{1,2}}[:.]\d\d)"
# Up to six names of people or agencies, of one to three words, with a place ("Jane Doe in Kyiv"):
# a credit line's list ("A, B and C"), never a clause (a list item holds no verb of four words or more).
_NAME = r"[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,2}(?: (?:in|from) [^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*)?)?"
_NAMES = _NAME + r"(?:(?:,| and|, and| &) " + _NAME + r"){0,5}"
# The pieces of a page's info row ("15 января 2025 09:41 | Просмотров: 11 204 | Комментарии: 38"):
# a row made only of them, between separators, is no story (matched whole, on lower-cased text).
META_PIECE_PATTERNS: tuple[str, ...] = (
    _WHEN, _DATE, r"\d{1,2}:\d\d", r"[^\W\d]{3,9}\.? \d{1,2},? (?:19|20)\d\d(?:,? \d{1,2}:\d\d(?: ?[ap]\.?m\.?)?)?",
    r"(?:просмотр(?:ов|ы)|переглядів|перегляди|views|aufrufe|görüntülenme|vues|بازدید|مشاهدات|قراءات|reads)\s*:?\s*[\d\s.,]+k?",
    # a labelled date ("نشر في: 28/11/2025 - 14:32", "Опубликовано: 12.03.2025 14:30")
    r"(?:[^\W\d]+ ){0,2}[^\W\d]+\s?:\s?(?:" + _WHEN + "|" + _DATE + ")",
    r"[\d\s.,]+k? ?(?:просмотр(?:ов|а)?|переглядів|views|aufrufe|reads)",
    r"(?:комментари(?:и|ев)|коментар(?:і|ів)|comments?|kommentare|commentaires|yorum(?:lar)?|نظرات|تعليقات)\s*:?\s*\(?\d+\)?",
    r"\d+ (?:comments?|комментари(?:й|я|ев)|коментар(?:ів|і|я)|kommentare?|commentaires?|yorum)",
    r"\d{1,3} (?:min|minutes?|мин\.?|минут[ы]?|хв\.?) (?:read|чтения|читання|lesezeit)",
    # the counters and buttons beside them ("Tweet 334 comments | Add comment | 0 recs")
    r"(?:(?:tweet|share|like|email|print) )?\d+ (?:comments?|recs?|likes?|shares?|votes?)",
    r"(?:add|post|leave|write) (?:a )?comment",
)
# A short block (a paragraph, list item or heading of the extracted text) matching one of these
# is dropped. Anchored at the start of the block.
BOILERPLATE_BLOCK_PATTERNS: tuple[str, ...] = (
    r"skip to (?:main )?(?:content|navigation|article|main|sidebar|footer)\b.{0,40}$",
    # a gallery's slide counter standing alone ("1 / 3", "2 of 12", "1 из 5") beside a story
    r"\d{1,3} ?(?:/|of|из|з|von|sur|de|از|من) ?\d{1,3}$",
    # a photo or video page's count line ("5 photos · November 28, 2025", "12 фото", "3 min read")
    r"\d{1,3} (?:photos?|pictures|images|videos|фото|фотографий|снимков|bilder|fotos) ?(?:[·•|,-] ?.{0,40})?$",
    r"\d{1,3} (?:min|minutes?|мин\.?|минут[ы]?) (?:read|чтения|lesezeit)\b.{0,40}$",
    # a view counter ("Просмотров: 1 284", "12,345 views", "بازدید: ۱۲۰")
    r"(?:просмотр(?:ов|ы)|переглядів|перегляди|views|aufrufe|görüntülenme|vues|بازدید|مشاهدات)\s*:?\s*[\d\s.,۰-۹٠-٩]+$",
    r"[\d\s.,]+(?:просмотр(?:ов|а)?|переглядів|views|aufrufe)$",
    r"already (?:a|an) (?:member|subscriber|customer|user)\b",
    r"not your account\??$",
    r"you are (?:commenting|logged in|signed in) as\b",
    r"(?:please )?(?:sign|log) ?in(?: or (?:register|sign up))?(?: to (?:continue|comment|read).*)?[.!]?$",
    r"(?:please )?(?:follow|read) our comment(?:ing)? (?:guidelines|policy)",
    r".{0,150}\bplease keep (?:your )?comments (?:civil|relevant|respectful|on[- ]topic)\b.{0,300}$",
    # a line sending the reader to the outlet's social accounts ("… Tell us on Facebook!")
    r".{0,200}\b(?:tell|message|ask|talk to|join|find|follow|like) us on (?:facebook|twitter|instagram|x)\b[.!]?(?: ?»)?$",
    # ... or to a blogger's or outlet's own ("You should like Thought Catalog on Facebook here.", "Follow on Twitter »")
    r"(?:you should|please|be sure to|don't forget to|do) (?:like|follow) [^.!?]{1,40} on "
    r"(?:facebook|twitter|instagram|x|linkedin|youtube|tiktok|telegram)(?: here)?[.!]?$",
    r"\W*follow (?:me |us )?(?:on (?:facebook|twitter|instagram|x|linkedin|youtube|tiktok|telegram)|@\w{1,15})\b.{0,60}$",
    r"(?:please )?(?:log ?in|sign in) or (?:register|sign up) to (?:post|leave|add|write) (?:a )?(?:comments?|replies)\.?$",
    r"(?:connect|stay connected|keep in touch) with (?:us|me) on (?:facebook|twitter|instagram|x|linkedin|youtube)"
    r"(?:,? (?:and|or) (?:facebook|twitter|instagram|x|linkedin|youtube))?\W*$",
    # the comment count beside its button, standing alone ("2 Comments Leave a comment")
    r"(?:\d+|no|one) (?:comments?|responses?|replies)\W*(?:leave|post|add|write) (?:a |your )?(?:comment|reply|response)\W*$",
    # a post's footer line: who posted it and when, alone (share buttons may open it)
    r"(?:(?:tweet|share|like|email|print)\s+)*posted by:? [^.!?]{1,60}? (?:on|at) [^!?]{0,40}\b(?:19|20)\d\d\b[^!?]{0,25}$",
    # an app's download prompt ("Now check your email … to download your new app.")
    r".{0,100}\bto download (?:your|our|the) (?:new |free )?(?:[\w-]+ )?app\b[.!]?$",
    # a countdown widget ("Countdown to Election Day: 105 days")
    r"(?:countdown to [^:]{1,60}: \d+ (?:days?|hours?|weeks?)\s*)+$",
    # a sign-up offer's lines ("Sign Up for PROFIT CONFIDENTIAL and", "receive a FREE copy of our exclusive report:")
    r"sign up for [^.!?]{1,50} and(?: (?:receive|get) a free copy of (?:our|the)\b.{0,120})?$",
    r"(?:and )?(?:receive|get) a free copy of (?:our|the) [^.!?]{0,30}(?:report|guide|e-?book|newsletter|issue)\W*$",
    r"(?:send|submit|e-?mail) (?:your )?comments (?:on|about) this (?:post|article|story|entry) to\b.{0,80}$",
    # a site's license footer ("This website and all documents on it are licensed under a Creative Commons …")
    r".{0,120}\b(?:is|are) licensed under (?:a |the )?creative commons\b.{0,200}$",
    r"[$€£]\s?\d+(?:[.,]\d\d)?\s*(?:/|per)\s*(?:month|mo|year|yr|week)\b",
    r"billed (?:annually|monthly|yearly)\b",
    r"(?:subscribe|sign up|register)(?: now| today| here)?[.!]?$",
    r"(?:subscribe|sign[ -]?up) (?:to|for) (?:our|the) .{0,60}newsletters?",
    r"get (?:the|our) [^.!?]{0,40}newsletters?\W{0,2}$",
    # a short line that ends by asking for a newsletter sign-up ("To get these by e-mail, sign up for …")
    r".{0,150}\b(?:subscribe|sign[ -]?up) (?:to|for) (?:our|the|my) .{0,60}newsletters?[.!]?$",
    r"advertisement[.:]?$", r"(?:sponsored|paid) (?:content|post)$", r"ad$",
    r"(?:story|article) continues below\b", r"continue reading (?:below|the main story)",
    r"(?:share|tweet|email|print|copy link)(?: (?:this|the))?(?: (?:article|story|post|page))?(?: on \w+)?:?$",
    r"(?:share on|follow us on) (?:facebook|twitter|x|linkedin|whatsapp|telegram)\b.{0,40}$",
    # a copyright line ("© 2025 Reuters", "Copyright 2025 The Associated Press"), not a sentence about copyright
    r"(?:©|\(c\))\s*(?:\d{4}|[a-z])", r"copyright\s*(?:©|\(c\))?\s*(?:\d{4}|(?:©|\(c\))\s*[a-z])",
    r"copyright(?: by)? [^.!?]{1,60}$", r".{0,80}\ball rights reserved\.?$",
    r"read (?:more|also|next)(?: on| about)?\b:?.{0,100}$",
    r"(?:see|read|watch) (?:also|more):",
    r"(?:this|our) (?:site|website) uses cookies\b",
    r"\d+ (?:comments?|responses?|replies)(?: (?:to|on) [\"“”'‘’«].{0,200})?$",
    r"(?:leave|post|add|write) a (?:reply|comment)\b.{0,40}$",
    r".{0,80}\|\s*tag(?:s|ged)(?: with| in)?:", r"(?:tag(?:s|ged)(?: with| in| as)?|labels?): .{0,300}$",
    # a topics line wherever it stands ("Topics: uber, libertarians, Sydney, …"): a label, then a list
    r"(?:see more on|more on|topics?|themen|schlagw(?:o|ö)rter|mots[- ]cl[ée]s|th[èe]mes|темы|теги|теми|мітки|etiketler|konular|"
    r"برچسب(?:[\u200c\ua66e ]?ها)?|موضوعات|الوسوم|كلمات مفتاحية)\s?:\s?(?:[^,،.!?:]{1,40}[,،] ){2,}[^!?:]{1,40}(?<!\.)$",
    # an opinion desk's disclaimer
    # (whose they are, or that they are not the outlet's: a story's "the views expressed in this week's reports" stays)
    r".{0,200}\b(?:opinions|views)\b[^.]{0,80}\bexpressed\b[^.]{0,120}\b(?:are (?:those|solely|the author|their own|not|my|our|his|her|personal)|"
    r"(?:do|does) not (?:necessarily )?(?:reflect|represent)|not necessarily|solely (?:those|the))\b.{0,300}$",
    r"tagged(?: with| in| as)? (?:[^,.!?]{1,40}, ){3,}[^.!?]{0,300}$",
    # an investment disclaimer ("This article is not investment advice.")
    r"(?:this|the) (?:content|article|information|post|material)\b[^.]{0,60}\b(?:is not|does not constitute|should not be "
    r"(?:taken|construed) as) (?:\w+ )?(?:investment|financial) advice\b.{0,200}$", r"not (?:investment|financial) advice\.?$",
    r"(?:you should|please) (?:always )?(?:seek|consult|get) (?:independent |professional |qualified )?(?:financial|legal|tax|"
    r"investment|professional) advice\b.{0,300}$",
    # greetings to first-time visitors
    r"(?:welcome to .{1,60}[.!] +)?if (?:this is your first (?:time )?(?:visit|visiting|here)|you(?:'re| are) new here)\b.*",
    # follower counts of the site's social accounts
    r"(?:\W*(?:twitter|facebook|flickr|instagram|youtube|linkedin|pinterest|google\+?)\W*\(?[\d,.]+k? "
    r"(?:followers|likes|fans|subscribers|contacts)\)?){2,}\W*$",
    r"(?:posted|filed|published) (?:in|under): .{0,80}$",
    r"this (?:entry|post|article) was posted (?:on|in|by)\b.{0,300}$",
    # an embed's signature line ("— Seyed Abbas Araghchi (@araghchi) October 3, 2024") and a post's hashtags
    r"[—–-]\s?.{1,60}\(@\w{1,15}\)\s?(?:[a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [a-z]+ \d{4})$", r"(?:#[\w-]+\s*){2,}$",
    r"view in telegram$", r"if you have telegram, you can (?:view|join|contact)\b.{0,80}$",
    # a newsletter's web version: its preheader link and its footer
    r".{0,150}\bview this (?:email|e-mail|newsletter) in your browser\.?$",
    r"you are receiving this (?:email|e-mail|newsletter) because\b.{0,250}$",
    r"(?:you can )?update your preferences or unsubscribe from this list\.?$",
    # a newsletter box's skip links and privacy note; an audio player's label
    r"(?:skip past|after) newsletter promotion$", r"privacy notice: newsletters may contain\b.{0,300}$",
    r"listen to (?:this|the) (?:article|story)\W{0,3}(?:\d{1,2}:\d\d|\d{1,3} ?min(?:ute)?s?)?(?: listen)?$",
    # an AI summary's disclaimer
    r".{0,60}\b(?:ai|ai-generated|automated) summar(?:y|ies) (?:is|are) (?:generated|produced|created|written)\b.{0,150}$",
    r"(?:this )?summary (?:is|was) (?:ai-generated|generated by ai)\b.{0,120}$",
    # an institution's disclaimer, a translation's note, a citation notice (ru/uk sites)
    r".{0,80}\bdoes not take institutional positions\b.{0,300}$", r"(?:this )?commentary is produced by\b.{0,300}$",
    r"(?:translated|translation) (?:by|from) [^.!?,;]{1,100}[.!]?$", r"перевод(?: с [а-яё]+(?:ого)?)?:? [^.!?]{1,60}$",
    r"when citing (?:and using )?(?:any )?materials?\b.{0,300}$",
    r"при (?:цитировании|использовании|копировании|цитуванні|використанні|копіюванні)\b.{0,300}$",
    # a press release's contact line ("For media inquiries, contact: Press Office, (202) …")
    r"for (?:media|press) (?:inquiries|enquiries)(?:,| please)? (?:contact|call|e-?mail|write)\b.{0,160}$",
    # the author's bio under a label, and a sign-off pitch after the story (people and asks, not story)
    r"about the authors?: .{0,400}$", r"if you (?:enjoyed|liked) this (?:article|post|story)[,!.].{0,150}$",
    # a wire story's credit line: who reported, wrote and edited it (people, not story)
    r"\(\s*(?:(?:additional )?reporting|writing|editing)(?: and \w+)? by\b[^()]{0,250}\)\.?$",
    r"(?:(?:additional )?reporting|writing) by\b[^()]{0,120}[;,] (?:writing|editing)(?: and \w+)? by\b[^()]{0,120}$",
    # the same credits with no parentheses, alone or in a row ("Additional reporting by X in Tehran.", "Edited by A and B",
    # "— With files from Reuters and AFP", "(With inputs from Reuters)"): names only, so "Edited by hand, the photos …" stays
    r"[—–-]?\s?\[?\s?(?:(?:additional )?(?:reporting|writing|editing|edited|compiled|produced|translated|written|story|text|"
    r"translation) by:?|"
    r"\(?with (?:additional )?(?:(?:agency )?inputs?|files|reporting|contributions) from) " + _NAMES + r"\)?"
    r"(?:[.;,]? (?:and )?(?:additional )?(?:reporting|writing|editing|edited|compiled|produced|translated) by " + _NAMES + r")*\.?\)?\s?\]?$",
    r".{0,250}\bcontributed (?:to this (?:report|story|article)|(?:additional )?reporting\b[^.]{0,80})\.?$",
    r"follow (?:[\w.]+['’]s |our )?(?:full |latest |live |continuing )?coverage (?:of|on|at)\b.{0,150}$",
    r"our standards: .{0,100}$", r"(?:the )?thomson reuters trust principles\b.{0,40}$",
    r"contact (?:the |this )?(?:author|writer|reporter|editor)s?(?: at|:).{0,100}$",
    r"(?:do you )?(?:got|have) (?:a |any )?(?:news |story )?tips?(?: for us| to share)?\?.{0,200}$",
    # a wire story's separator line before its credits (AP's "___"; a story's "* * *" section break stays)
    r"_{3,}$",
    # a live blog's label on a post
    r"pinned(?: post| entry)?$",
    # a think tank's end matter: links to its map or PDF, the author's bio, the funding note, the call for
    # pitches and the URL-only endnotes
    r"click here to (?:see|view|read|download|access|explore|open|visit)\b.{0,150}$",
    r"download (?:the |this )?(?:full )?(?:pdf|report|brief|paper|file|study)(?: here| version| \(pdf\))?[.:]?$",
    # (its `.{0,0}` lead has it tried alone, and only on text holding " is ": it would slow every block in the alternation)
    r".{0,0}(?!(?:the|a|an|this|that|our|his|her|their|he|she|it)\b)" + _NAMES
    + r" is (?:also )?(?:(?:a|an) (?:[\w-]+ ){0,3}(?:fellows?|scholars?|analysts?|researchers?|associates?|"
    r"directors?|professors?|lecturers?|advisers?|advisors?|chairs?|experts?|editors?|contributors?)|"
    r"(?:the )?(?:[\w-]+ ){0,3}(?:director|chair|head|lead|manager)s? (?:of|for) (?:the )?(?:[\w'’-]+ ){0,6}"
    r"(?:program|programme|project|initiative|center|centre|studies|institute)) "
    # (an interview's intro of its guest is the story's: "… She spoke to us about …")
    r"(?:at|with|of|in|for)\b(?![^.]*\b(?:said|says|told|according|who|when|which|where|was|were)\b)"
    r"(?!.*\b(?:(?:spoke|talked|speaks|talks) (?:to|with)|interview(?:ed)?)\b).{0,250}$",
    r"this (?:report|paper|brief|study|publication|research|project|commentary|analysis|work) (?:is|was) "
    r"(?:made possible|funded|supported|sponsored|produced)(?: in part)?(?: by| through| with)\b.{0,300}$",
    r"have an idea for (?:a |an )?(?:commentary|article|story|op-?ed|piece|column|post|essay)\b.{0,250}$",
    # (numbered: a bare address on its own line may be the story's pointer to a source)
    r"(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)])\s*(?:https?://|www\.)\S+(?:[;,]?\s+(?:https?://|www\.)\S+)*$",
    # a post's footer line: when, by whom, how many comments
    r"(?:posted|published|written) (?:on|at|by)\b.{0,100}\b(?:\d+ )?(?:comments?|responses?|replies|permalink)\W*$",
    r"(?:next|previous|prev|older|newer) (?:post|article|story|page|entry)\b.{0,100}$",
    r"[«‹<] .{0,100}\| (?:main|home)\b.{0,120}$",
    r"view all (?:posts|articles|stories) by\b", r"posted by:?$", r"(?:by )?\w+ staff,? filed under:",
    r"follow @\w+ (?:for|on)\b.{0,100}$", r".{0,150}\bwatch video$", r"(?:text|font)(?: size)?:?$",
    r"(?:published|posted|updated) \d+ (?:seconds?|minutes?|hours?|days?) ago$",
    r"trackback url\b", r"listed below are links to weblogs that reference\b",
    # references to the print edition
    r"a version of this (?:article|story) (?:appears|appeared) in print\b",
    r"this (?:article|story) (?:appears|appeared) in the .{0,60}print edition",
    r"(?:published|printed) in the print edition\b",
    r"this is a modal window\b", r"(?:chapters|descriptions off|subtitles off|captions off|captions settings)\b",
    r".{0,300}\(photo credit should read\b.*",
    r".{0,300}\bphoto(?:graph)?: [^.]{0,80}$",
    r"(?:photo|image|picture|credit|source|illustration)s?: .{0,80}$",
    r".{0,300}(?:\b\w+/){1,3}(?:afp|ap|reuters|getty images|sputnik|epa|tass|anadolu|bloomberg|"
    r"shutterstock|efe|xinhua|ria novosti|pool)(?: via getty images)?\.?$",
    r".{0,300}\bvia getty images\.?$",
    # a widget's status line and an author archive link ("Please wait...", "View all posts by Becky")
    r"(?:please wait|loading)(?:\.{2,}|…)?$", r"this feature is (?:temporarily |currently )?unavailable\b.{0,60}$",
    r".{0,80}\bview all (?:posts|articles|stories) by\b.{0,100}$",
    # a caption closed by its credit in brackets ("… with their son. (@drewbrees/Twitter)", "(AP Photo/Evan Vucci)")
    r".{0,300}\((?:@\w{1,30}/(?:twitter|instagram|facebook|x|tiktok)|(?:ap|afp|reuters|epa|getty|\w+) photos?/[^()]{1,60}|"
    r"(?:photo )?courtesy(?: of)? [^()]{1,60})\)\.?$",
    # a row of site navigation: five or more short labels between pipes
    # (the lookahead, four pipes, fails fast on the blocks with none: the row's own test backtracks)
    r"(?=(?:[^|]*\|){4})\|?\s*(?:(?:[^|.!?]|\.(?=\S|\s*\|)){1,30}\|\s*){4,}(?:[^|.!?]|\.(?=\S)){0,30}$",  # "U.S." is a label
    # --- the same kinds in the page's language (ru, uk, de, fr, es, tr, fa, ar) ---
    # a recirculation label with the headlines after it
    r"(?:читайте|смотрите) (?:также|еще|ещё|по теме)\b.{0,150}$", r"читайте також\b.{0,150}$",
    r"(?:lesen sie (?:auch|mehr|dazu)|mehr zum thema|auch interessant)\b.{0,150}$",
    r"(?:(?:à |a )?lire (?:aussi|également)|voir aussi|sur le même sujet)\b.{0,150}$", r"lea también\b.{0,150}$",
    r"ayr[ıi]ca (?:okuyun|bak[ıi]n[ıi]z)\b.{0,150}$", r"i\u0307?lgili haber(?:ler)?\b.{0,150}$",
    r"(?:ب[یي]شتر|همچن[یي]ن) بخوان[یي]د.{0,150}$", r"(?:اخبار|مطالب|خبرها[یي]) مرتبط.{0,150}$",
    r"[اأإ]قر[أا] [أا]يض[ا\u064b]{1,2}.{0,150}$", r"(?:مواضيع|أخبار|اخبار|مقالات) ذات صلة.{0,150}$",
    # the outlet's channels, newsletters and donations
    r"подпи(?:сывайтесь|шитесь) на .{0,150}$", r"(?:следите за|подписывайтесь на) (?:нами|новостями)\b.{0,150}$",
    r"підпи(?:суйтеся|суйтесь|шіться) на .{0,150}$", r"(?:стежте за|слідкуйте за) (?:нами|новинами)\b.{0,150}$",
    # a plea to the reader for money ("Если вам важна независимая журналистика, поддержите нас.")
    r"(?:если|якщо|if) .{0,80}\b(?:поддержите|підтримайте|support) (?:нас|us|our (?:work|journalism|reporting))\b.{0,150}$",
    r"(?:поддержите|підтримайте) (?:нас|редакцию|редакцію|проект)\b.{0,150}$",
    r"(?:please )?support (?:us|our (?:independent )?(?:work|journalism|reporting))\b.{0,150}$",
    r"(?:читайте|смотрите|слушайте|следите за) .{0,60}\b(?:в|на) (?:telegram|телеграм|дзен|max|vk|вконтакте|rutube|youtube|whatsapp)\b.{0,80}$",
    r"все (?:важные |главные |последние )?новости\W{1,3}(?:в|на) (?:канале|telegram|телеграм|max|дзен)\b.{0,100}$",
    r"(?:folgen sie (?:uns|\w+) (?:auf|bei|in)|abonnieren sie (?:uns|unseren))\b.{0,100}$",
    r"(?:suivez-nous|abonnez-vous|inscrivez-vous)\b.{0,150}$", r"(?:síguenos|suscríbete)\b.{0,150}$",
    r".{0,150}\b(?:bizi|bizleri) .{0,60}takip edi(?:n|niz)\b.{0,100}$", r".{0,150}\babone olun(?:uz)?[.!]?$",
    r".{0,100}ما را (?:در|از طر[یي]ق) .{0,60}دنبال کن[یي]د.{0,60}$",
    r".{0,60} را (?:در|از طر[یي]ق) (?:تلگرام|اینستاگرام|توییتر|توئیتر|ایکس|یوتیوب|واتس[\u200c\ua66e ]?اپ|فیسبوک)\b.{0,20}دنبال کن[یي]د.{0,60}$",
    # a Russian outlet's foreign-agent notice, the label the law requires ("«Медуза» внесена в реестр …")
    r"[«\"“]?[^\s«»\"“”]{2,30}[»\"”]? (?:внесен[аоы]?|признан[аоы]?) .{0,200}иностранн\w+ агент\w*.{0,300}$",
    r"(?:данное )?сообщение \(материал\) создано и \(или\) распространено\b.{0,300}$", r".{0,100}به کانال .{0,60}بپ[یي]وند[یي]د.{0,40}$",
    r".{0,100}(?<![\u0600-\u06ff])تابع(?:ونا|وا)? .{0,40}(?:على|عبر) (?:تلغرام|تيليغرام|تليجرام|واتساب|تويتر|إكس|فيسبوك|يوتيوب|"
    r"[جغ]وجل نيوز|غوغل نيوز)\b.{0,80}$",
    # an opinion desk's disclaimer and an investment disclaimer (fr, de, es, ru, uk, tr, fa, ar)
    r".{0,100}\b(?:les )?(?:opinions|propos|points de vue|idées) (?:exprim[ée]e?s|émises?)\b.{0,120}"
    r"(?:n['’]engagent|ne (?:reflètent|représentent|sauraient))\b.{0,200}$",
    r".{0,60}(?:cette )?(?:tribune|chronique|opinion) n['’]engage que (?:son|leur|ses) auteurs?\b.{0,200}$",
    r".{0,150}\b(?:gibt|geben|spiegelt|spiegeln) (?:nicht (?:unbedingt |notwendigerweise )?|ausschließlich |nur )?die "
    r"(?:meinung|ansicht|position)(?:en)? (?:der|des|von) (?:redaktion|autor|autorin|verfasser|gastautor)\w*\b.{0,200}$",
    r".{0,100}\blas opiniones (?:expresadas|vertidas)\b.{0,150}\b(?:no (?:reflejan|representan|necesariamente)|son (?:de )?"
    r"(?:exclusiva )?responsabilidad)\b.{0,200}$",
    r".{0,100}(?:мнение|точка зрения|позиция) (?:автора|авторов|редакции)\b.{0,60}(?:может не совпадать|не обязательно "
    r"совпадает|не отражает)\b.{0,200}$",
    r".{0,100}(?:думка|точка зору|позиція) (?:автора|авторів|редакції)\b.{0,60}(?:може не збігатися|не обов['’]язково "
    r"збігається|не відображає)\b.{0,200}$",
    r".{0,100}\byaz[ıi](?:n[ıi]n|lar[ıi]n) (?:içeriğinden|içeriklerinden) yazar(?:[ıi]|lar[ıi])? sorumludur\b.{0,200}$",
    r".{0,100}\byazar(?:[ıi]n|lar[ıi]n)? görüşleri\b.{0,150}(?:yans[ıi]tmayabilir|yans[ıi]tmaz|ba[gğ]lamaz)\b.{0,200}$",
    r".{0,100}\byat[ıi]r[ıi]m tavsiyesi (?:değildir|niteliği taşımaz)\b.{0,200}$",
    r".{0,100}(?:не является|не є) (?:индивидуальной |індивідуальною )?(?:инвестиционной|інвестиційною) "
    r"(?:рекомендацией|рекомендацією)\b.{0,200}$",
    r".{0,100}\bstell(?:t|en) keine anlageberatung dar\b.{0,200}$",
    r".{0,150}(?:لزوما|لزوماً) (?:بیانگر|بازتاب|منعکس[\u200c ]?کننده) (?:دیدگاه|نظر|موضع)\b.{0,200}$",
    r".{0,150}(?:الآراء|الاراء) (?:الواردة|المنشورة|المذكورة)\b.{0,120}لا تعبر(?: بالضرورة)? عن\b.{0,200}$",
    # a wire story's sign-off, its sources and its photo credits
    r"(?:انتها[یي]|پا[یي]ان) پ[یي]ام\W*$",
    r"(?:фото(?:графия)?|источник|иллюстрация|коллаж|инфографика|джерело|foto|fotos|bild|bilder|quelle|grafik|"
    r"crédits?(?: photo)?|photos?|sources?|fotoğraf|görsel|kaynak|fuente|imagen|عکس|منبع|تصو[یي]ر|المصدر|المصادر|"
    r"الصورة|تصوير)\s?: ?.{0,80}$",
    # a standalone agency dateline ("TAHRAN (AA)", "MOSCOW (AP) —"): the story's first paragraph follows
    r"[^\W\d][\w .'’-]{1,30} \((?:aa|ap|afp|reuters|dpa|irna|isna|tass|тасс|ria|риа новости|interfax|интерфакс|"
    r"xinhua|anadolu|ukrinform|укрінформ)\)\s?[-—–]?$",
    # a video player's transcript toggle and ad feedback
    r"(?:show|hide) transcript$", r"video ad feedback$",
    # a plea to keep to the comment rules, a wire's subscription notice
    r"(?:шановні читачі|уважаемые читатели|dear readers),? (?:просимо|просим|please)\b.{0,60}"
    r"(?:правил|коментуван|комментирован|comment)\w*\b.{0,100}$",
    r".{0,200}\babonelik için (?:lütfen )?iletişime geçiniz\.?$",
    r".{0,300}\b(?:фото|foto|fotoğraf|عکس|الصورة)\s?: [^.]{0,80}$",
    r".{0,200}\S / (?:[^/]{1,40} / ){0,3}(?:ap|afp|reuters|dpa|epa|tass|тасс|риа новости|aa|anadolu|sputnik|"
    r"getty images|scanpix|leta|imago|picture alliance|xinhua|global look press|irna|isna)\.?$",
    r"[^.]{0,40}\+ ?(?:وكالات|مواقع إلكترونية)$", r"(?:(?:dpa|afp|ap|reuters|kna|epd|ag)(?:/|, ?)){1,4}[a-zäöü]{1,6}\.?$",
    r"(?=.{0,31}avec )(?:[\w ]{1,30} )?avec (?:l['’])?(?:afp|reuters|ap)\.?$", r"mit (?:material|agenturmaterial) (?:von|der)\b.{0,60}$",
    r"(?:газета|журнал) [«\"„“][^»\"“”]{1,40}[»\"“”] №\s?\d+",
    # a news agency's code line, and a byline or date line standing as a block of its own
    r"(?:[کك]د|شناسه) (?:خبر|مطلب)\s?:?\s?\d+.{0,80}$", r"(?:رمز|رقم) الخبر\s?:?\s?\d+.{0,80}$",
    # («Von Anna Schmidt, ARD», «Par Jean Dupont et Marie Martin»: a first and last name, not «Von Moskau nach Teheran»)
    r"(?:von|par) [^\W\d_][\w'’.-]* [^\W\d_][\w'’.-]*(?: (?:und|et) [^\W\d_][\w'’.-]* [^\W\d_][\w'’.-]*)?"
    r"(?:, [^.!?,]{1,40}| \([^()]{1,50}\))?$",
    r"(?:автор|текст|фото и текст|بقلم|نو[یي]سنده|گزارشگر|خبرنگار)\s?[:،]\s?[^.!?؟]{1,80}$",
    # (a Persian label's words hold a zero-width non-joiner: "سه‌شنبه"; a news code may close the line)
    r"(?:[^\W\d](?:[^\W\d]|\u200c)*[.:,]? ){0,4}" + _WHEN + r"(?: ?[|·•-]? ?(?:son )?(?:güncelleme|обновлено|оновлено|"
    r"aktualisiert(?: am)?|mis à jour(?: le)?|actualizado|به[\u200c\ua66e ]?روز[\u200c\ua66e ]?رسانی)\s?:? ?" + _WHEN + r")?"
    r"(?: ?[|·•-]? ?(?:[کك]د|شناسه) (?:خبر|مطلب)\s?:?\s?\d+)?$",
    # --- the same kinds in zh, ja, ko, hi, ur, id/ms, vi, he ---
    # (CJK has no spaces and `\b` finds no edge between its characters: a label is closed by a bracket or a
    # colon, and the headlines after it hold no full stop, which a story's sentence would end with)
    # a Chinese story's date and source line ("2017-03-10 09:58　来源：网易科学人", "来源：新华社　作者：李明")
    r"(?:(?:19|20)\d\d[-/年]\d{1,2}[-/月]\d{1,2}日?\s*(?:\d{1,2}:\d\d(?::\d\d)?)?\s*)?"
    r"(?:(?:来源|來源|作者|编辑|編輯|责任编辑|責任編輯)\s?[:：]\s?[^\s。！？]{1,30}\s*){1,3}$",
    # a recirculation label with the headlines after it
    r"[【\[〔<《]?\s?(?:相[关關](?:阅读|閱讀|新闻|新聞|文章|报道|報導|链接|鏈接)|延伸(?:阅读|閱讀)|[关關]联(?:阅读|閱讀)|推荐阅读|"
    r"推薦閱讀|関連(?:記事|ニュース)|(?:あわせて|合わせて)読みたい|관련\s?(?:기사|뉴스))\s?(?:[】\]〕>》]\s?[:：]?|[:：])[^。！？.!?]{0,100}$",
    # (the zh/ja box heading alone: its box's links stay, or go as trailing teasers)
    r"[【\[〔<《]?\s?(?:相[关關](?:阅读|閱讀|新闻|新聞|文章|报道|報導|链接|鏈接)|延伸(?:阅读|閱讀)|[关關]联(?:阅读|閱讀)|推荐阅读|"
    r"推薦閱讀|热门推荐|熱門推薦|関連(?:記事|ニュース)|(?:あわせて|合わせて)読みたい|こちらもおすすめ)\s?[】\]〕>》]?\s?[:：]?$",
    r"(?:(?:यह|ये) भी पढ़ें|(?:مز[یي]د|[یي][ہه] بھ[یي]) پڑھ[یي]ں)\s?[:：-]?.{0,150}(?<![।۔.!?؟])$",
    r"\|?\s?(?:baca juga|simak juga|xem thêm|đọc thêm|קראו (?:עוד|גם)|קרא (?:עוד|גם)|עוד (?:באותו |ב)נושא)\s?:.{0,150}$",
    # a photo's credit after its caption ("无人机在楼顶降落。记者 陈晓明 摄", "新华社记者 王芳摄")
    r".{0,120}(?:记者|通讯员)\s?[^\W\d_]{2,4}(?:[ 、][^\W\d_]{2,4}){0,2}\s?摄影?\W{0,3}$",
    # an editor's credit and the erratum link ("【纠错】 【责任编辑：李明】", "（编辑：王芳）"; not "责任编辑制度…")
    r"(?:\s?(?:[【\[](?:纠错|糾錯)[】\]]|[【\[（(]?(?:责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|校对|校對|编审|編審|监制|監製)"
    r"\s?[:：]\s?[^\W\d_]{1,12}(?:[ 、,，/][^\W\d_]{1,12}){0,3}\s?[】\]）)]?))+$",
    # a Korean reporter's sign-off with an e-mail ("김지현 기자 jihyun@…"), an Indonesian desk's initials ("(dwl/ara)")
    r"[가-힣]{2,4}(?:\s?[·,]\s?[가-힣]{2,4}){0,3} (?:선임|수석|인턴|객원|전문)?(?:기자|특파원)(?:\s?=)?(?:\s?[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?$",
    r"\(\s?[a-z]{2,5}(?:\s?/\s?[a-z]{2,5}){1,3}\s?\)\.?$",
    # copyright lines ("<저작권자 © 한빛일보, 무단전재 및 재배포 금지>", "华闻网版权所有", "無断転載を禁じます")
    r"[<\[(【《〈「|]?\s?(?:©|ⓒ)\s*(?:\d{4}|[^\W\d_])", r"[<\[(【《〈「|]?\s?(?:저작권자|copyright)\s?(?:©|ⓒ|\(c\)).{0,150}$",
    r"[<\[(【《〈「|]\s?copyright\b.{0,150}$",
    r".{0,100}무단\s?(?:전재|복제)\s?(?:및|[-·,&/])?\s?(?:재배포|배포)[^.!?]{0,30}금지\W{0,5}$",
    r".{0,60}版[权權]所有(?![者人权權])[^。！？]{0,60}。?$",
    r".{0,80}無断(?:転載|転用|複製)[^。]{0,20}(?:を)?(?:禁止|禁じ(?:ます|る)|お断りします)\W{0,5}$", r".{0,60}転載禁止\W{0,5}$",
    # an ad slot's label
    r"scroll (?:down )?to continue (?:with content|reading)$",
    # a Q&A thread's furniture, each a block of its own ("3 Answers", "Asked 1 year ago", "Viewed 12k times")
    r"\d+ answers?$", r"viewed [\d,.]+k? times$", r"sorted by:.{0,60}$",
    r"(?:asked|modified|active|answered|edited) (?:\d+ (?:years?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?) ago|"
    r"today|yesterday|[a-z]{3} \d{1,2}(?:, \d{4})?(?: at \d{1,2}:\d\d)?)$",
    # a press release's end matter: its contact on one line, and the wire's closing "SOURCE Company, Inc."
    # (matched on lower-cased text: a name of up to six words with no verb or function word, and no colon)
    r"(?:media|press|investor)(?: relations)? contacts?\s?:\s?.{1,120}$",
    r"source (?!(?:of|code|said|says|told|close|familiar|material|materials|data|water|text|files?|the|a|an|this|that|"
    r"these|those|is|was|are|were|for|in|on|at|to|and|with|who)\b)[^\W\d_][\w&'’.-]*"
    r"(?:,? (?!(?:of|the|a|an|is|was|are|were|said|says|told|has|have|had|will|would|can|could|to|in|on|at|for|and|"
    r"that|who|which|with)\b)[\w&'’.-]+){0,5}$",
    # a blog's feed links and a print page's address of the story
    r"subscribe to: (?:posts?|post comments|comments)(?: \(atom\))?$",
    r"(?:(?:article|story|page|original|short|permanent) (?:url|link|address)|permalink)\s?:\s?(?:https?://|www\.)\S+$",
)

# A block of a paragraph's length that reports speech is a story's sentence, whatever boilerplate
# phrase it holds ("The views expressed in the reports do not reflect reality, the ministry said").
REPORTED_SPEECH_PATTERNS: tuple[str, ...] = (
    r"\b(?:said|says|told|tells|added|adds|stressed|noted|notes|argued|argues|insisted|insists|warned|warns|"
    r"claimed|claims|wrote|writes|stated|announced|explained|reported|confirmed|denied|urged|urges|demanded|"
    r"demands|asked|replied|admitted|acknowledged|alleged|recalled|tweeted|according to)\b",
    r"(?:сказал|заявил|сообщил|отметил|подчеркнул|добавил|написал|уточнил|по словам|по данным)",
    r"(?:сказав|заявив|повідомив|зазначив|наголосив|додав|написав|за словами|за даними)",
    r"\b(?:sagte|sagt|erklärte|betonte|teilte mit|schrieb|laut)\b",
    r"(?:a déclaré|a affirmé|a expliqué|a précisé|a ajouté|a indiqué|a dit|selon)\b",
    r"\b(?:dijo|afirmó|declaró|explicó|señaló|añadió|aseguró|según)\b",
    r"\b(?:dedi|söyledi|açıkladı|belirtti|ifade etti|vurguladı)\b",
    r"(?:گفت|به گفته|اعلام کرد|افزود|تاکید کرد)", r"(?:قال|أعلن|وفقا|بحسب|أضاف|أكد|صرح)",
)
REPORTED_SPEECH_MIN_WORDS = 20

# A short block after the middle of the story with this many kinds of postal or contact detail is
# an organisation's address footer, not story. Each pattern is one kind of detail.
POSTAL_ADDRESS_PATTERNS: tuple[str, ...] = (
    r"\b\d{1,5}[a-z]?,? (?:[\w.'-]+ ){1,4}(?:street|st\.|avenue|ave\.?|road|rd\.|boulevard|blvd\.?|lane|drive|"
    r"place|square|way|strasse|straße|allee)\b",
    r"\b(?:suite|floor|p\.? ?o\.? box|postfach|bp)\s*\d+",
    r"\b(?:tel(?:ephone)?|phone|fax|тел(?:ефон)?|факс|تلفن|فکس|نمابر)\.?\s*:?\s*\(?\+?\d[\d ()./-]{6,}",
    r"\b[a-z]{2} \d{5}(?:-\d{4})?\b|\b[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}\b|\b\d{5,6},? (?:[a-zа-я]+ ?){1,3}\b",
    r"[\w.+-]+@[\w-]+\.[\w.]+",
    r"\b(?:ул\.|улица|пр(?:оспект|-т)\.?|пер\.|д\. ?\d|стр\. ?\d|خیابان|کوچه|پلاک|صندوق پستی|کد پستی)",
)
POSTAL_ADDRESS_MIN_KINDS = 2
POSTAL_ADDRESS_MAX_CHARS = 300

# A line that only dates something ("updated 11:04 AM EST, Wed November 7, 2012"). Several of them
# between short blurbs after the story are a sidebar of dated teasers whose headline links
# trafilatura left out.
DATE_LINE_PATTERN = r"(?:(?:last )?updated|posted|published)?:?\s*[\w ,:./-]{0,40}\b(?:19|20)\d\d\b[\w ,:./-]{0,20}$"
DATE_LINE_MAX_CHARS = 60
DATED_TEASER_MAX_CHARS = 250
DATED_TEASER_MIN_DATES = 2
# A run of teasers is cut from the end only while this share of the text is left before it.
TRAILER_MIN_KEPT_SHARE = 0.5
# ... or this share, when the run is teasers stamped with their posting time ("updated 10:57 AM EST, …")
# and the story's own text, past its dateline, carries no such stamp (a live blog's entries do).
STAMPED_TRAILER_MIN_DATES = 3
STAMPED_TRAILER_MIN_KEPT_SHARE = 0.2

# A short block in capitals led by a link is an inline promo ("READ MORE: …", "WATCH: …").
PROMO_LINK_MAX_CHARS = 120
PROMO_LINK_MIN_UPPER_SHARE = 0.8
# A short block of a label and a link to another page is a promo in any case ("Read: …", "Photos from Us: …").
# The labels of the second line say "read also" in the page's language and never open a sentence, so
# they need no colon («<b>Читайте также</b> <a>…</a>», «İlgili Haber <a>…</a>», «Lire aussi | <a>…</a>»).
# English labels of the first kind also take a bar ("ALSO READ | …", "Recommended | …"), a label of the
# third kind a dash or bar ("Related — …"), an arrow stands alone ("→ …"), and the whole may sit in brackets ("[Related: …]").
PROMO_LABEL_PATTERN = (
    r"\[?\s?(?:(?:(?:also |now )?read|see|photos?|pictures|gallery|slideshow|related(?: stor(?:y|ies)| articles?| coverage)?|more|"
    r"(?:also )?watch|listen|must[- ]reads?|recommended(?: reading| stories| for you)?|check (?:out|this out)|"
    r"in other news|further reading|editor['’]s picks?|don['’]t miss|top stories|trending(?: now)?|"
    r"explore|interactive|читайте(?: также)?|смотрите|lesen sie|lire|voir|okuyun|بیشتر بخوانید|بخوانید|ببینید|"
    r"[اأإ]قر[أا]|شاهد)(?: (?:from|on|at) [^:]{1,30})?\s?[:|] ?"
    r"|(?:читайте (?:также|еще|ещё|по теме)|смотрите также|читайте також|lesen sie (?:auch|mehr|dazu)|mehr zum thema|"
    r"auch interessant|(?:à )?lire aussi|voir aussi|sur le même sujet|lea también|ayr[ıi]ca (?:okuyun|bak[ıi]n[ıi]z)|"
    r"həmçinin (?:oxuyun|oxu|bax(?:ın)?)|oxu(?:yun)? həmçinin|կարդացեք նաև|ასევე წაიკითხეთ|"
    r"сондай-ақ оқыңыз|shuningdek o['‘’]qing|"
    r"i\u0307?lgili haber(?:ler)?|(?:ب[یي]شتر|همچن[یي]ن) بخوان[یي]د|(?:اخبار|مطالب) مرتبط|"
    r"[اأإ]قر[أا] [أا]يض[ا\u064b]{1,2}|شاهد (?:أيضا|أيض\u064bا|أيضا\u064b)|ذات صلة)\s?[:|»>–—-]?\s?"
    # zh, ja, ko, hi, ur, id/ms, vi, he ("【関連記事】", "相关阅读：", "यह भी पढ़ें:", "Baca juga:")
    r"|[【〔<《]?\s?(?:相[关關](?:阅读|閱讀|新闻|新聞|文章|报道|報導|链接|鏈接)|延伸(?:阅读|閱讀)|[关關]联(?:阅读|閱讀)|推荐阅读|"
    r"推薦閱讀|関連(?:記事|ニュース)|(?:あわせて|合わせて)読みたい|관련\s?(?:기사|뉴스)|(?:यह|ये) भी पढ़ें|"
    r"(?:مز[یي]د|[یي][ہه] بھ[یي]) پڑھ[یي]ں|baca juga|simak juga|xem thêm|đọc thêm|עוד (?:באותו |ב)נושא|קראו (?:עוד|גם)|"
    r"קרא (?:עוד|גם))\s?[】\]〕>》]?\s?[:：|»>–—-]?\s?"
    r"|(?:also read|read also|see also|read more|related|more|must read|watch|recommended)\s?[|–—»›]\s?"
    r"|[→⇒»›▶►]\s?)"
)

# Blocks at most this long are tested against BOILERPLATE_BLOCK_PATTERNS.
BOILERPLATE_MAX_CHARS = 400

# The heading of a machine summary over the story ("Takeaways by Bloomberg AI", "Коротко (сгенерировано ИИ)"):
# a box like a recirculation box's, dropped with its bullets when the story follows.
AI_SUMMARY_HEADINGS: tuple[str, ...] = (
    r"(?:key )?(?:takeaways|summary|highlights|key points)(?: by [\w .]{1,30})?\s?\(?(?:by )?(?:ai|ai-generated|generated by ai)\)?$",
    r"(?:ai[- ]generated|ai) (?:summary|takeaways|highlights|key points)$",
    r"(?:коротко|кратко|главное|резюме)\s?\((?:сгенерировано|создано|подготовлено) (?:ии|нейросетью)\)$",
)

# The headings of recirculation boxes in the page's language (ru, uk, de, fr, es, tr, fa, ar): they
# end the story late in the text and are a box inside it before more prose (in both tables below).
_NATIVE_BOX_HEADINGS: tuple[str, ...] = (
    r"(?:читайте|смотрите) (?:также|еще|ещё)(?: по теме)?:?$", r"читайте також:?$",
    r"(?:(?:ещё|еще|другие|последние|все) )?(?:новости|материалы|статьи) по теме:?$", r"по теме:?$",
    r"(?:похожие|другие|последние|популярные) (?:новости|материалы|статьи|публикации)$",
    r"(?:самое (?:читаемое|популярное|интересное)|популярное|вам (?:также )?может (?:быть интересно|понравиться))$",
    r"(?:новини|більше новин) по темі$", r"по темі:?$",
    r"(?:lesen sie (?:auch|mehr|dazu)|mehr zum thema|mehr zu diesem thema|auch interessant|zum thema):?$",
    r"das (?:könnte|dürfte) sie (?:auch |ebenfalls )?interessieren:?$",
    r"(?:weitere|verwandte|ähnliche) (?:artikel|nachrichten|meldungen|beiträge|themen)$",
    r"(?:meistgelesen(?:e artikel)?|am meisten gelesen|unsere empfehlungen|empfehlungen der redaktion)$",
    r"(?:(?:à |a )?lire (?:aussi|également)|voir aussi|à voir aussi|sur le même sujet|dans la même rubrique)\s?:?$",
    r"(?:articles?|contenus?) (?:similaires|associés|liés|recommandés)$", r"(?:les )?(?:articles )?les plus lus$",
    r"(?:vous (?:pourriez|pouvez) (?:aussi|également) aimer|vous aimerez aussi|à découvrir(?: aussi)?)\s?:?$",
    r"(?:lea también|te puede interesar|noticias relacionadas|lo más leído):?$",
    r"(?:ayr[ıi]ca (?:okuyun|bak[ıi]n[ıi]z)|i\u0307?lgili (?:haberler|haber|i\u0307?çerikler)|benzer haberler):?$",
    r"(?:(?:en )?çok okunan(?:lar| haberler)?|di[ğg]er haberler|bunlar da ilginizi çekebilir|ilginizi çekebilir)$",
    r"(?:ب[یي]شتر|همچن[یي]ن) بخوان[یي]د\s?:?$", r"(?:اخبار|مطالب|خبرها[یي]|موضوعات) (?:مرتبط|پ[یي]شنهاد[یي])\s?:?$",
    r"(?:پربازد[یي]دتر[یي]ن|پربحث[\u200c\ua66e ]?تر[یي]ن|آخر[یي]ن اخبار)(?:[\u200c\ua66e ]?ها| اخبار)?$",
    r"[اأإ]قر[أا] [أا]يض[ا\u064b]{1,2}\s?:?$", r"(?:مواضيع|أخبار|اخبار|مقالات|قصص) (?:ذات صلة|مرتبطة|متعلقة)\s?:?$",
    r"(?:ذات صلة|الأكثر (?:قراءة|مشاهدة|تداولا\u064b?)|(?:قد )?(?:يعجبك|يهمك) (?:أيضا|أيض\u064bا|أيضا\u064b))\s?:?$",
    # ko, hi, ur, id/ms, vi, he ("관련기사" alone, in brackets or not). Not zh or ja: cleaning.py counts the story
    # prose after a heading in space-separated words, so a zh/ja paragraph is one word and a box inside the story
    # would end it (the bare zh/ja heading is a BOILERPLATE_BLOCK_PATTERNS line instead)
    r"[【\[〔<《]?\s?(?:관련\s?(?:기사|뉴스)|많이 본 (?:기사|뉴스)|함께 (?:보면|읽으면) 좋은 (?:기사|뉴스)|추천 기사)\s?[】\]〕>》]?\s?:?$",
    r"(?:(?:यह|ये) भी पढ़ें|(?:संबंधित|सम्बंधित) (?:खबरें|ख़बरें|समाचार|लेख))\s?:?$",
    r"(?:(?:مز[یي]د|[یي][ہه] بھ[یي]) پڑھ[یي]ں|متعلق[ہه] (?:خبر[یي]ں|مضام[یي]ن))\s?:?$",
    r"(?:baca juga|simak juga|(?:berita|artikel) (?:terkait|lainnya|berkaitan)|terpopuler)\s?:?$",
    r"(?:xem thêm|đọc thêm|(?:tin|bài|bài viết) (?:liên quan|cùng chuyên mục)|tin (?:đọc nhiều|mới nhất))\s?:?$",
    r"(?:עוד (?:באותו |ב)נושא|קראו (?:עוד|גם)|קרא (?:עוד|גם)|כתבות (?:נוספות|קשורות)|הכי נקראים)\s?:?$",
)
# The heading of the comment section in the page's language (in both tables below).
_NATIVE_COMMENTS_HEADINGS: tuple[str, ...] = (
    r"(?:комментарии|коментарі|kommentare|commentaires|comentarios|yorumlar|نظرات|د[یي]دگاه(?:[\u200c\ua66e ]?ها)?|"
    r"التعليقات|تعليقات)(?: \(\d+\))?:?$",
    r"\d+ (?:комментари(?:й|я|ев)|kommentare?|commentaires?|comentarios?|yorum|نظر|تعليقا?ت?)$",
    r"(?:(?:оставить|написать|добавить) комментарий|kommentar (?:schreiben|verfassen)|(?:laisser|écrire|ajouter) un "
    r"commentaire|yorum (?:yap|yaz)(?:ın)?|(?:ارسال|ثبت) (?:نظر|د[یي]دگاه)|(?:أضف|اكتب|اترك) (?:تعليقا\u064b?|تعليقك|تعليق))$",
    # zh, ja, ko, hi, ur, id/ms, vi, he (a bare "评论" may head a story's opinion section: zh needs its fuller forms)
    r"(?:(?:网友|最新|全部)评论|(?:網友|最新|全部)評論|评论区|評論區|(?:发表|我要)评论|(?:發表|我要)評論|评论 ?\(\d+\)|"
    r"コメント(?:一覧)?|댓글(?: ?\(?\d+\)?)?|टिप्पणियां|टिप्पणियाँ|تبصر[ےه]|komentar|bình luận|תגובות)\s?[:：]?$",
)
# A short heading-like block matching one of these opens the part of the page after the story
# (teasers, comments). It and everything after it are dropped, when it comes late in the text.
# A press release's boilerplate after the story: never a subheading of the story, whatever follows.
PRESS_RELEASE_END_HEADINGS: tuple[str, ...] = (
    r"about (?:the company|us|the authors?)$", r"(?:media|press) contacts?:?$", r"for (?:media|press) (?:inquiries|enquiries)\b.{0,40}$",
    r"(?:cautionary (?:note|statement|language) (?:regarding|on|about|concerning) )?forward[- ]looking statements?:?$",
    r"safe harbou?r(?: statement)?:?$",
)
END_OF_ARTICLE_PATTERNS: tuple[str, ...] = (
    r"(?:related|more|other|latest|recent|top|similar) (?:articles|stories|posts|coverage|news|"
    r"reading|content|videos|headlines)$",
    r"more (?:from|on|in|about) .{1,60}$",
    r"related (?:posts|content|links|items|videos):?$", r"recently \w+ed$", r"(?:other|more) .{0,30}(?:columns|stories|articles|posts|news)$",
    r"(?:don'?t|do not) miss\b.{0,50}$", r"follow (?:us|me)\b.{0,40}$", r"connect with us\b.{0,40}$",
    r"people who (?:liked|read|viewed|bought) this\b.{0,60}$", r"previously posted\b.{0,30}$",
    # the site's own front page in a box ("Today on WebMD", "This week on Salon")
    r"(?:today|tonight|this week|now|new) on [^\W\d][\w.]*(?: [^\W\d][\w.]*)?$",
    r"read (?:more|next)(?: on [^.!?]{1,60})?:?$", r"(?:see|read) also:?$", r"also read:?$",
    r"read more on\b.{0,80}(?<![.!?])$",
    r"(?:what to|you should|must) read next$",
    r"(?:you|we think you)(?: may| might| will| could)? (?:also )?(?:like|enjoy|be interested in)\b.{0,20}$",
    r"recommended(?: for you| stories| reading| articles)?$",
    r"(?:most (?:read|popular|viewed|shared|emailed)|trending(?: now| stories)?|popular(?: posts| stories| now| today| this week)?)$",
    r"(?:leave|post|add|write) a (?:reply|comment)$",
    r"\d+ (?:comments?|responses?|replies)(?: (?:to|on) [\"“”'‘’«].{0,200})?$",
    r"comments(?: \(\d+\))?$", r"(?:join|start) the (?:conversation|discussion)$",
    r"(?:share this|share this (?:article|story|post)):?$",
    # the label alone, or with its list after a colon ("Topics on the agenda" is a story's subheading)
    r"(?:tags|filed under|topics|categories|related topics)(?::.{0,100})?$",
    *PRESS_RELEASE_END_HEADINGS,
    *_NATIVE_BOX_HEADINGS, *_NATIVE_COMMENTS_HEADINGS, *AI_SUMMARY_HEADINGS,
)
# A press release's heading over the issuer's boilerplate ("About Aerosentry", "Über Rheinmetall",
# "О компании «Кронштадт»"), when the paragraph under it opens with that name (cleaning checks).
ABOUT_ISSUER_HEADING_PATTERN = (
    r"(?:About|Über|À propos (?:de |d['’])|Acerca de|Sobre|О компании|Про компанію)\s?[«\"“]?(?P<name>[^\W\d_].{1,60})"
)
# Of those, the headings of a recirculation box that news layouts also place inside the story: when
# story prose follows the box, only the heading and its box are dropped.
MID_STORY_BOX_PATTERNS: tuple[str, ...] = (
    r"(?:don'?t|do not) miss\b", r"read (?:more|next|also)\b", r"(?:see|also) (?:also|read)\b",
    r"(?:related|more|other|latest|recent|top|similar) (?:articles|stories|posts|coverage|news|reading|content|videos|headlines)$",
    r"related\b", r"more (?:from|on|in|about)\b", r"recommended\b", r"(?:you|we think you)\b",
    r"(?:what to|you should|must) read next$", r"(?:most (?:read|popular|viewed|shared|emailed)|trending|popular)\b",
    *_NATIVE_BOX_HEADINGS, *AI_SUMMARY_HEADINGS,
)
# The heading must come after this share of the extracted text before it may end the article.
END_OF_ARTICLE_MIN_SHARE = 0.5
# The heading of the comment section ends the story sooner: prose after it is comments or sidebars.
COMMENTS_HEADING_PATTERNS: tuple[str, ...] = (
    r"(?:leave|post|add|write) a (?:reply|comment)$", r"\d+ (?:comments?|responses?|replies)(?: (?:to|on) [\"“”'‘’«].{0,200})?$",
    r"comments(?: \(\d+\))?$", r"(?:join|start) the (?:conversation|discussion)$",
    *_NATIVE_COMMENTS_HEADINGS,
)
COMMENTS_HEADING_MIN_SHARE = 0.25
END_OF_ARTICLE_MAX_CHARS = 100

# A list item holding one of these (a link to the rest of another story) is a teaser, like an
# item led by a link.
TEASER_MARKER_PATTERNS: tuple[str, ...] = (
    r"\bread (?:more|the (?:full|whole|rest of the) (?:story|article|post))\b\W*(?:$|\d)",
    r"\bcontinue reading\b\W*(?:$|\d)", r"\b(?:full|whole) (?:story|article)\W*$",
)

# A list whose items open with a slide counter ("3/50", "3 of 50": same total, counting up) is a
# photo gallery's captions, not the story. Groups: the slide's number, the total.
SLIDESHOW_COUNTER_PATTERN = r"(\d{1,3}) ?(?:/|of) ?(\d{1,3})\b"
SLIDESHOW_MIN_SLIDES = 3
# A carousel's buttons ("Previous", "Next", "‹", "»"): a list of slides each carrying a list of
# only these is a gallery too (lower case, matched whole).
PAGER_BUTTON_PATTERN = r"(?:previous|prev|next|back|forward|[‹›«»<>←→]|назад|далее|вперёд|vorherige|nächste|précédent|suivant|anterior|siguiente)"
# The chrome boxes that hold a photo's caption, by a part of their class or id (and any <figure> or
# <figcaption>): on a photo essay, the captions they hold are the story.
CAPTION_BOX_NAME_PARTS = ("caption", "gallery", "slide")

# --- names of the block rules (what `--explain` says dropped a block) -------------------------
BLOCK_RULES: dict[str, str] = {
    "masthead-heading": "the site's name set as the <h1>, over a block worded as the title",
    "above-headline": "a short line over the headline (masthead, tagline, section label)",
    "paywall-deck": "on a paywalled page, the deck over the free part that is the declared description (a teaser)",
    "chrome-only": "every copy of the text sits in chrome containers (CHROME_CLASS_ID_PARTS, CHROME_ROLES, pitch boxes)",
    "boilerplate": "a short block matching BOILERPLATE_BLOCK_PATTERNS",
    "promo-link": "a short block of a label and a link, or all capitals and led by a link (PROMO_LABEL_PATTERN)",
    "meta-row": "a line of page facts only between separators: date, views, comments, reading time (META_PIECE_PATTERNS)",
    "link-row": "a line of links and separators only (the page's tools, a menu: 'Print | Send to a friend'; a breadcrumb trail)",
    "duplicate": "a repeat of an earlier block: the lead, a doubled line, a long paragraph or caption",
    "contained-duplicate": "a block whose text reappears inside a larger block",
    "slideshow": "gallery captions opened by slide counters (SLIDESHOW_COUNTER_PATTERN) or carrying pager buttons (PAGER_BUTTON_PATTERN)",
    "mid-story-box": "a recirculation heading inside the story (MID_STORY_BOX_PATTERNS) and its teasers",
    "end-of-article": "a late END_OF_ARTICLE_PATTERNS heading and everything after it",
    "trailing-teasers": "the run of link teasers after the story",
    "postal-address": "a short late block of addresses, phone numbers and postcodes (POSTAL_ADDRESS_PATTERNS)",
    "layout-furniture": "a layout table beside the one holding the story, holding no story paragraph (menu, columns, footer)",
    # not a drop: recovery.py puts back story paragraphs trafilatura skipped (--explain flags them)
}

# --- page kinds -------------------------------------------------------------------------------
# Text of pages that are not the article but something in its way.
CHALLENGE_PATTERNS: tuple[str, ...] = (
    r"just a moment\.\.\.", r"checking (?:if the site connection is secure|your browser)",
    r"enable javascript and cookies to continue", r"\bray id\b", r"attention required!? \|? ?cloudflare",
    r"verify(?:ing)? (?:you are|that you are) (?:a )?human", r"are you a robot\??",
    # a word of its own: "protected by reCAPTCHA" in a comment form is no challenge
    r"\bcaptcha\b",
    r"access (?:to this page (?:has been|is) )?denied", r"you don'?t have permission to access",
    r"request (?:unsuccessful|blocked)", r"pardon our interruption", r"incapsula incident",
    r"unusual traffic from your (?:computer )?network", r"reference #\d+\.[0-9a-f.]+",
    r"403 forbidden", r"too many requests",
    # press-and-hold checks and Yandex's SmartCaptcha (ru)
    r"press (?:&|and) hold\b", r"нажмите и удерживайте", r"smartcaptcha", r"вы не робот",
    # DDoS-Guard's and other anti-DDoS interstitials (ru, en)
    r"проверка браузера перед", r"ddos protection by", r"ddos-guard",
    r"запросы, поступившие с вашего (?:ip-адреса|устройства)", r"похожи на автоматические",
    # DataDome's notice beside its captcha frame
    r"please enable js and disable any ad ?blocker",
    # a geographic block in the story's place ("This content is not available in your region")
    r"(?:is |are )?(?:not|no longer|currently not) (?:available|accessible) (?:in|from) your (?:region|country|location|area)",
    r"unavailable in your (?:region|country|location|area)",
    r"недоступ(?:ен|на|но|ны) (?:в вашем (?:регионе|стране)|в вашей стране|для вашего (?:региона|страны))", r"in ihrem land nicht verfügbar",
    r"n['’]est pas disponible dans votre (?:pays|région)",
)
# The <title> of a site's error page served with status 200 (a "soft 404"), when it is mostly this phrase.
NOT_FOUND_TITLE_PATTERNS: tuple[str, ...] = (
    r"(?:error )?404(?: error)?", r"(?:page|article|story|content|file) (?:was )?not found", r"not found",
    r"(?:page|article|story) (?:cannot|could not|can't|couldn't) be found", r"(?:oops|sorry)!? .{0,40}not found",
    r"(?:410 )?gone", r"(?:content|page|article|story) (?:removed|deleted|no longer available|unavailable)",
    r"(?:content|page|article|story) (?:is )?(?:not|no longer) (?:available|exists?)",
    r"страница не найдена", r"ошибка 404", r"сторінк[уа] не знайдено", r"seite nicht gefunden",
    r"page (?:introuvable|non trouvée)", r"página no encontrada", r"sayfa bulunamad[ıi]",
    r"صفحه (?:مورد نظر )?(?:یافت|پیدا) نشد", r"الصفحة غير موجودة", r"لم يتم العثور على الصفحة",
)
# A page titled so is a sign-in or subscribe wall in the story's place when it holds little prose.
SIGN_IN_TITLE_PATTERNS: tuple[str, ...] = (
    r"(?:please )?(?:sign|log) ?in(?: (?:to|or) (?:continue|read|register|subscribe|your account))?",
    r"login", r"subscribe to (?:read|continue)", r"(?:for )?(?:subscribers|members) only",
    r"вход(?: в (?:систему|аккаунт))?", r"авторизация", r"вхід", r"увійти", r"ورود(?: به (?:حساب|سایت))?",
    r"تسجيل الدخول", r"anmelden", r"anmeldung", r"connexion", r"se connecter", r"iniciar sesión",
    r"giriş(?: yap)?", r"登录", r"התחברות",
)
CONSENT_PATTERNS: tuple[str, ...] = (
    r"we value your privacy", r"(?:this|our) (?:site|website) uses cookies", r"we use cookies",
    r"accept (?:all|cookies)", r"reject all", r"manage (?:preferences|options|cookies|settings)",
    r"cookie (?:settings|preferences|policy)", r"consent", r"your privacy choices",
    r"before you continue", r"partners? (?:process|store and/or access)",
    # de
    r"wir (?:verwenden|nutzen|setzen) (?:auf unserer (?:website|webseite|seite) )?cookies",
    r"(?:diese|unsere) (?:website|webseite|seite) (?:verwendet|nutzt) cookies", r"alle (?:akzeptieren|ablehnen)",
    r"(?:akzeptieren|zustimmen) und weiter", r"einwilligung", r"mit werbung und tracking",
    r"(?:cookie|datenschutz)-?einstellungen", r"ihre privatsphäre",
    r"ihre zustimmung zur (?:verwendung|nutzung|speicherung)", r"wir und unsere (?:\d+ )?partner", r"werbefrei mit",
    # the partner line of a TCF dialog in other languages
    r"we and our (?:\d+ )?partners", r"nous et nos (?:\d+ )?partenaires", r"мы и наши (?:\d+ )?партн[её]р",
    r"nosotros y nuestros (?:\d+ )?socios",
    # fr
    r"nous (?:utilisons|déposons) des (?:cookies|traceurs)", r"(?:ce|notre) site (?:web )?utilise des cookies",
    r"tout (?:accepter|refuser)", r"accepter et (?:continuer|fermer)", r"continuer sans accepter",
    r"(?:gérer|personnaliser|paramétrer) (?:mes |les |vos )?(?:choix|préférences|options|cookies)",
    r"paramètres (?:des|de) cookies", r"consentement", r"respect de votre vie privée",
    # tr ("İ" lowers to "i" and a combining dot; "I" to "i")
    r"çerez(?:ler)?(?:i)? kullan", r"çerez (?:politikası|ayarları|tercihleri)", r"tümünü (?:kabul et|reddet)",
    r"ki[\u0307]?şisel veri", r"gi[\u0307]?zli[\u0307]?li[\u0307]?k (?:politikası|tercihleri)",
    # ru, uk
    r"(?:мы |сайт )?использу(?:ем|ет) (?:файлы )?(?:cookie|куки)", r"файл(?:ы|ов|ами) (?:cookie|куки)",
    r"ми використову[єю]мо (?:файли )?cookie", r"(?:принять|прийняти) (?:все|всі)",
    r"согласие на (?:обработку|использование)", r"настройки (?:cookie|куки|конфиденциальности)",
    # es
    r"(?:utilizamos|usamos) cookies", r"(?:aceptar|rechazar) todas?", r"consentimiento",
    # fa, ar
    r"کوکی", r"(?:پذیرفتن|قبول) همه", r"ملفات تعريف الارتباط", r"الكوكيز", r"(?:قبول|رفض) الكل",
)
# The box a banner phrase sits in is set aside with it when its class/id or role says it is one
# (searched as substrings of the lower-cased class and id, within a few levels of the phrase).
BANNER_CLASS_ID_PARTS: tuple[str, ...] = (
    "cookie", "consent", "gdpr", "cmp", "privacy", "modal", "popup", "overlay", "banner", "notice",
    "captcha", "challenge", "cc-", "message",
)
BANNER_ROLES: tuple[str, ...] = ("dialog", "alertdialog", "banner", "contentinfo")
# Of the consent patterns, those a story's own sentences use too ("the council gave its consent",
# "we reject all accusations"): a block holding only these is set aside as a banner only inside a
# box marked as one (BANNER_CLASS_ID_PARTS, BANNER_ROLES).
CONSENT_PROSE_PATTERNS: tuple[str, ...] = (
    r"consent", r"reject all", r"before you continue", r"einwilligung", r"consentement", r"consentimiento",
    r"ki[\u0307]?şisel veri",
)

# --- paywalls ---------------------------------------------------------------------------------
# Class/id parts of a subscription wall in the markup.
PAYWALL_CLASS_ID_PARTS: tuple[str, ...] = (
    r"paywall\w*", r"piano-?(?:offer|paywall|inline)", r"tp-container", r"subscriber-?only",
    r"(?:premium|locked|gated|restricted)-?(?:content|article|wall|overlay)", r"reg-?wall",
    r"meter-?wall", r"subscription-?(?:wall|required|gate)", r"article-?(?:gate|locked)", r"o-?barrier",
    r"barrier-?(?:page|offer|wrapper|content)?",
)
# A notice that the rest of the story is for subscribers: it shows a wall even in markup that names none.
PAYWALL_NOTICE_PATTERNS: tuple[str, ...] = (
    r"il vous reste \d+(?:[.,]\d+)?\s?% de cet article à lire", r"la suite est réservée (?:aux|à nos) abonnés",
    r"(?:der|dieser) (?:vollständige |ganze )?(?:artikel|beitrag|text) ist (?:nur |exklusiv )?für (?:abonnenten|abonnentinnen|"
    r"abonnierende|z\+|\w*plus-(?:leser|abonnenten))", r"(?:weiterlesen|lesen sie weiter) mit (?:ihrem )?(?:abo|abonnement)\b",
    r"(?:el resto de )?(?:este|el) (?:artículo|contenido) es (?:exclusivo|solo|sólo) para suscriptores",
    r"(?:продолжение|полная версия) (?:материала|статьи|текста)? ?доступн[оа] (?:только )?(?:по подписке|подписчикам)",
    r"(?:bu )?(?:içerik|haber|makale) (?:sadece |yalnızca )?abonelere özel",
    r"(?:ادامه )?ا[یي]ن (?:مطلب|مقاله|گزارش) (?:فقط )?برا[یي] مشترکان",
    r"(?:هذا|هذه) (?:المحتوى|المقال|المادة) (?:متاح(?:ة)? )?(?:فقط |حصريا\u064b? )?للمشتركين",
)
PAYWALL_TEXT_PATTERNS: tuple[str, ...] = (
    r"subscribe to (?:continue|keep) reading", r"(?:to )?continue reading,? (?:please )?(?:subscribe|sign in|log in)",
    r"this (?:article|story|content) is (?:for|only available to|reserved for) (?:paying )?(?:subscribers|members)",
    r"(?:you(?:'ve| have) (?:reached|used) (?:your|all your) (?:limit|free articles))",
    r"unlock (?:this|full) (?:article|story|access)", r"(?:to|and) read the full (?:article|story)",
    r"already (?:a|an) subscriber\??\s*(?:sign|log) ?in",
    # de, fr, es, ru, uk, tr, fa, ar
    r"(?:jetzt |weiter)?(?:weiterlesen|lesen) mit (?:z\+|plus|abo|\w+plus)", r"(?:bereits|schon) (?:abonnent|abonniert)",
    r"(?:abonnez-vous|s['’]abonner|abonnement) pour (?:lire|continuer|poursuivre)", r"déjà abonné",
    r"(?:para )?(?:seguir|continuar) leyendo,? (?:suscríbete|hazte suscriptor)",
    r"(?:оформите|оформить) подписку,? чтобы (?:читать|продолжить)", r"уже (?:есть подписка|подписаны)",
    r"devamını okumak için (?:abone ol|giriş yap)", r"zaten abone (?:misiniz|musunuz|iseniz)",
    r"برا[یي] (?:ادامه|خواندن) .{0,30}مشترک شو[یي]د", r"(?:للاستمرار|لمواصلة) (?:في )?القراءة.{0,30}اشترك",
    *PAYWALL_NOTICE_PATTERNS,
)

# --- metadata ---------------------------------------------------------------------------------
# Byline fragments that are not people.
NOT_AUTHOR_PATTERNS: tuple[str, ...] = (
    r"e-?mail(?: the)? (?:author|reporter|writer)", r"(?:staff|staff writer|staff reporter|editorial staff)$",
    r".{0,40}\b(?:staff|desk|team|editors|newsroom|bureau)$",
    r".{0,40}\b(?:correspondent|editor|reporter|writer|columnist|contributor|producer|analyst|photographer)s?$", r"follow(?: on| us)?\b", r"contact\b",
    r"(?:see|view) (?:all|more)\b", r"(?:read|more) (?:bio|articles)\b", r"(?:twitter|x|facebook|linkedin|instagram)$",
    r"@\w+", r"https?://", r".*\d", r"by$", r"and$", r"updated?\b", r"published\b",
    # buttons and form labels next to a byline or in a comment form
    r"(?:share|tweet|reply|name|e-?mail|website|comments?|print|menu|search|home|log ?in|sign ?in|subscribe|"
    r"like|loading|related|view|more|learn more|tagged|posted in|posted by|author|anonymous|guest|admin|"
    r"par|por|von|suivre|follow author|us|on|this|it|here)$",
    # a photographer's credit beside the byline ("Photo by NWS", "Photographs by …"): no writer
    r"(?:photo|photos|photograph|photographs|pictures|images?|video|illustrations?) by\b.*",
    # a weekday beside the byline's date ("Олег Павлюк — Четвер, 3 жовтня 2024")
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|понедельник|вторник|среда|четверг|пятница|"
    r"суббота|воскресенье|понеділок|вівторок|середа|четвер|п['’]ятниця|субота|неділя|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|"
    r"miércoles|jueves|viernes|sábado|domingo|pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar)$",
    r"(?:about|more by|more from|a note from|view my|posted in|join|become)\b",
    # a button's call to act on the page ("Share This", "Email Us", "Leave A Comment")
    r"(?:share|tweet|print|e-?mail|save|like|follow|subscribe|reply|comment|leave|add)\s+(?:this|it|now|us|on|via|to|a|an|your)\b",
    # ru: roles, desks, "all the author's stories" links and buttons
    r"(?:корреспондент|спецкор|собкор|обозревател|редактор|журналист|фотограф|редакци|пресс-служб|служба новостей)\w*\b.*",
    r"(?:все|другие|ещё|еще) (?:материалы|статьи|публикации|новости|тексты|колонки)\b", r"(?:материалы|статьи) автора\b",
    r"(?:подписаться|подписка|поделиться|читать|профиль|написать автору|комментари\w*|автор|авторы|текст|фото|источник)$",
    r"по (?:материалам|данным)\b",
    # fa: roles, desks, sources, links to the writer's other stories
    r"(?:نویسنده|خبرنگار|گزارشگر|دبیر|سردبیر|عکاس|مترجم|ترجمه|منبع|گروه|سرویس|تحریریه|نقش|اشتراک|دنبال)\b.*",
    r"(?:همه|سایر|دیگر|تمام) (?:مطالب|اخبار|یادداشت|نوشته)",
    # ar
    r"(?:بقلم|مراسل|محرر|المحرر|تحرير|فريق|إعداد|اعداد|ترجمة|المصدر|وكالات|قسم|تابع|تابعوا|متابعة|اشترك|شارك|مشاركة)\b.*",
    r"(?:كل|جميع) (?:مقالات|أخبار|اخبار|مواضيع)\b", r"مقالات (?:الكاتب|الكاتبة)\b", r".{0,60}\+\s*وكالات$",
    # tr: "Haber Merkezi", "AA muhabiri", "Dış Haberler Servisi", buttons
    r".{0,40}\b(?:haber merkezi|muhabiri?|muhabirimiz|muhabirleri|servisi|editörü?)$",
    r"(?:yazan|yazar|yazarın|haber|kaynak|editör|muhabir)\b.*", r"(?:tüm|diğer|bütün) (?:yazıları|haberleri)\b",
    r"(?:takip et|abone ol|paylaş)\w*\b",
    # fr: "Le Monde avec AFP", the desk, roles, buttons
    r".{0,60}\bavec (?:l'|l’)?(?:afp|ap|reuters|ansa|belga|ats|agences?)$", r"(?:la )?rédaction\b.*",
    r"(?:journaliste|correspondante?|envoyée? spéciale?|rédacteur|rédactrice)\b.*",
    r"(?:tous|voir|toutes) (?:ses|les) (?:articles|publications|chroniques)\b", r"(?:s['’]abonner|partager|auteur)$",
    # de: "ARD-Hauptstadtstudio", "Redaktion", roles, buttons
    r".{0,40}(?:studio|redaktion|korrespondent|korrespondentin|redakteur|redakteurin|reporterin)$",
    r".{0,60}\bmit (?:dpa|afp|ap|reuters|kna|epd|material von \w+)$",
    r"(?:alle|weitere) (?:artikel|beiträge|texte)\b", r"(?:mehr (?:von|zu)|zur autorenseite|autorenprofil)\b",
    r"(?:folgen|abonnieren|teilen|text|autor|autorin|quelle|foto)$",
)
# A blog's post line naming its writer outside any byline markup: "Posted on August 5, 2024 by Dana Roe",
# "Posted by Phil Windley on November 1, 2012". The name is a few capitalised words.
POSTED_BY_PATTERN = (
    r"^[Pp]osted\b[^|]{0,40}?\bby\s+(?P<name>(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w'’-]*)(?:\s+(?:(?:on|at|in)\b|[|·•]).*|\s*)$"
)
# Words inside a byline that are buttons or labels, not part of a name ("Jane Doe Follow").
BYLINE_NOISE_PATTERNS: tuple[str, ...] = (
    r"\b(?:follow|e-?mail|twitter|linkedin|facebook|instagram|telegram|bio|profile)\b", r"@\w+",
    r"\b(?:подписаться|folgen|abonnieren|suivre|s['’]abonner|takip et|abone ol)(?!\w)",
)
# Words that open a byline before its names ("By", "Von", "Par", "Автор:", "بقلم"): stripped, a colon
# or dash after them optional.
BYLINE_PREFIX_PATTERNS: tuple[str, ...] = (
    r"(?:written|posted|reported|edited|interview|interviewed|text|words|story) by", r"by", r"from", r"автор", r"авторы", r"от", r"par", r"por", r"von", r"door",
    r"propos recueillis par", r"un (?:article|reportage) de", r"écrit par", r"ein (?:bericht|kommentar|gastbeitrag) von",
    r"(?:материал )?подготовил[аи]?", r"беседовал[аи]?", r"yazan", r"hazırlayan", r"بقلم", r"به قلم", r"كتب", r"كتبت",
)
# Labels before the names that are no "by" ("Текст: …", "خبرنگار: …", "Korrespondent Max Weber"):
# stripped when a colon or dash follows them, or (in cased scripts) a capitalised name of 2–4 words.
# Otherwise ("Корреспондент ТАСС", "خبرنگار بی‌بی‌سی") NOT_AUTHOR_PATTERNS drop the whole line.
BYLINE_LABEL_PATTERNS: tuple[str, ...] = (
    r"автор", r"авторы", r"yazan", r"بقلم", r"به قلم", r"текст", r"корреспондент", r"спецкор", r"собкор", r"обозреватель", r"фото и текст", r"интервью",
    r"text", r"autor", r"autorin", r"korrespondent", r"korrespondentin", r"texte", r"auteur", r"autrice",
    r"correspondante?", r"yazar", r"muhabir", r"haber", r"editör",
    r"نویسنده", r"خبرنگار", r"گزارش", r"گزارشگر", r"مراسل", r"إعداد", r"اعداد", r"تقرير", r"تحرير", r"المحرر",
)
# JSON-LD author types that are no person (a publisher credited as author).
ORGANIZATION_TYPES: tuple[str, ...] = (
    "organization", "newsmediaorganization", "corporation", "governmentorganization", "ngo", "website", "brand",
)
# A visible date labelled as an update, not the publication ("Updated", "Last modified", "Mis à jour",
# "Aktualisiert", "Обновлено", "Güncellendi", "به‌روزرسانی", "آخر تحديث"). Matched on the words just
# before a <time>, or opening a dateline segment; such a date is used only when no other one is found.
UPDATED_LABEL_PATTERNS: tuple[str, ...] = (
    r"(?:last )?(?:updated|modified|edited|revised)", r"update",
    r"(?:mis à jour|mise à jour|modifié)(?: le)?", r"(?:zuletzt )?(?:aktualisiert|geändert)(?: am)?", r"aktualisierung",
    r"(?:actualizado|actualización|modificado)(?: el)?", r"обновлен[оа]?", r"изменен[оа]?",
    r"güncelle(?:nme|me)(?: tarihi)?", r"güncellendi", r"(?:آخرین )?(?:به[\u200c\ua66e ]?روز[\u200c\ua66e ]?رسانی|بروزرسانی)",
    r"(?:آخر )?تحديث", r"محدث",
)
# A publication label: ends a dateline segment opened by an update label ("Updated … · Published …").
PUBLISHED_LABEL_PATTERNS: tuple[str, ...] = (
    r"published", r"posted", r"first published", r"publié(?: le)?", r"veröffentlicht", r"publicado",
    r"опубликовано", r"yayın(?:lanma)?(?: tarihi)?", r"yayınlandı", r"تاریخ انتشار", r"منتشر شده", r"نشر",
)
# Wire agencies: credited after a byline's names ("By A and B | Reuters") they are no author; alone they stay.
WIRE_AGENCY_PATTERNS: tuple[str, ...] = (
    r"(?:thomson )?reuters", r"(?:the )?associated press", r"ap", r"afp", r"agence france[- ]presse", r"dpa",
    r"efe", r"ansa", r"upi", r"bloomberg(?: news)?", r"xinhua(?: news agency)?", r"kyodo(?: news)?", r"yonhap",
    r"pti", r"ians", r"ani", r"bernama", r"anadolu(?: agency| ajansı)?", r"aa", r"tass", r"ria novosti", r"interfax",
    r"irna", r"isna", r"tasnim(?: news agency)?", r"fars(?: news agency)?", r"mehr news(?: agency)?", r"wam", r"spa",
    r"mena", r"sana", r"kuna", r"petra", r"apa", r"belga", r"ats", r"kna", r"epd", r"ntb", r"tt", r"ritzau",
    r"agencies", r"news agencies", r"wire services?", r"агентства", r"риа новости", r"тасс", r"интерфакс",
    r"وكالات", r"ایرنا", r"ایسنا", r"تسنیم", r"فارس",
)
