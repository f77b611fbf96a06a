"""Language of a text when the page does not declare one: by script, then by common words.

The tables are the rules; add a language by adding a row.
"""

from __future__ import annotations

import re
from collections import Counter

# Letters that single out one language within a script. The language with the most of them wins, so
# one quoted Ukrainian word in Russian, or one Persian-keyboard ی in Arabic, tips nothing.
SCRIPT_MARKERS: tuple[tuple[str, str], ...] = (
    ("fa", "پچژگ"),  # Persian letters absent from Arabic
    ("ar", "ة"),  # rare in Persian
    ("uk", "іїєґ"),
    ("ru", "ыэъё"),
    ("he", "אבגדהוזחטיכלמנסעפצקרשת"),
    ("el", "αβγδεζηθικλμνξοπρστυφχψω"),
    ("ja", "ぁあいうえおかがきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"),
    ("ko", "가나다라마바사아자차카타파하"),
)
# Letters that lean one way and count a fifth as much: Persian keyboards type ی and ک for Arabic ي and ك.
WEAK_SCRIPT_MARKERS: tuple[tuple[str, str], ...] = (("fa", "کی"), ("ar", "ىيك"))
_STRONG_WEIGHT = 5
# Scripts, as Unicode ranges, with the language a text in that script most likely is.
SCRIPTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cyrillic", "\u0400-\u04ff", ("uk", "ru")),
    ("arabic", "\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff", ("fa", "ar")),
    ("hebrew", "\u0590-\u05ff", ("he",)),
    ("greek", "\u0370-\u03ff", ("el",)),
    ("kana", "\u3040-\u30ff", ("ja",)),
    ("hangul", "\uac00-\ud7af", ("ko",)),
    ("han", "\u4e00-\u9fff", ("zh",)),
)
# The most frequent short words of Latin-script languages.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in that is was for on with as by at from it his have are said you this not be or an".split()
    ),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine".split()),
    "fr": frozenset("le la les de des et en un une du est que dans qui pour pas sur au par".split()),
    "es": frozenset("el la de que y en los del se las por un para con una su al es".split()),
    "it": frozenset("il di che la e in un per non una sono del della le si con da".split()),
    "pt": frozenset("de que o a e do da em um para com não uma os no se na por".split()),
    "nl": frozenset("de het een van en in is dat op te zijn met voor niet aan er".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha gibi olan en ama".split()),
}
_WORD = re.compile(r"[^\W\d_]+")


def _language_in_script(sample: str, languages: tuple[str, ...]) -> str:
    """The script's language with the most of its marker letters (the last listed on a tie or none)."""
    if len(languages) == 1:
        return languages[0]
    scores: Counter[str] = Counter()
    for markers, weight in ((SCRIPT_MARKERS, _STRONG_WEIGHT), (WEAK_SCRIPT_MARKERS, 1)):
        for language, letters in markers:
            if language in languages:
                scores[language] += weight * sum(sample.count(letter) for letter in letters)
    best = max(scores[language] for language in languages)
    return next(language for language in reversed(languages) if scores[language] == best)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it is too short to tell."""
    sample = text[:5000]
    letters = sum(1 for char in sample if char.isalpha())
    if letters < 20:
        return None
    for _name, ranges, languages in SCRIPTS:
        in_script = len(re.findall(f"[{ranges}]", sample))
        if in_script > 0.3 * letters:
            return _language_in_script(sample.lower(), languages)
    words = Counter(word.lower() for word in _WORD.findall(sample))
    scores = {language: sum(words[w] for w in stopwords) for language, stopwords in STOPWORDS.items()}
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    # Too few common words, or a near tie between related languages: say nothing rather than guess.
    return ranked[0] if best >= 3 and best >= 1.5 * runner_up else None
