"""Stage 3, dedup: which stored story is this page? → `page.dedup`.

The same URL key as a stored article: a revisit (store decides updated or unchanged). Otherwise a new
article, linked to the first copy of its story when its text is the same (exact hash), or nearly the
same (MinHash similarity at least NEAR_DUPLICATE_SIMILARITY among the articles sharing an LSH band
key) *and* it reports the same facts: no figures replaced beyond a correction, no headline or lede naming
what the other article never mentions (crawler/dedup/facts.py; a daily templated report is ~87% the same
wording as yesterday's, and another story). Runs in the store's transaction, after taking the locks
that make racing copies take turns.
"""

from __future__ import annotations

from crawler.dedup.facts import Facts, StoryFacts, same_story
from crawler.dedup.fingerprints import MIN_WORDS_FOR_DEDUP, Fingerprint, similarity, unpack_signature
from crawler.items import Dedup, Page
from crawler.stages.context import StageContext
from storage.articles import ArticleStore, Candidate

# Estimated Jaccard similarity of 3-word shingles from which a new URL is the same story. Lightly edited
# wire copies measure 0.85-0.95 on the devset; unrelated texts stay below 0.35.
NEAR_DUPLICATE_SIMILARITY = 0.6


def dedup(page: Page, context: StageContext) -> Page:
    if page.done or page.fingerprint is None or page.canonical_url is None:
        return page
    store = ArticleStore(context.session)
    existing = store.by_canonical(page.canonical_url)
    if existing is not None:
        page.dedup = Dedup(revisit=existing.id)
        return page
    # Two copies of a story share their content hash or an LSH band key: lock them all first, so the
    # second of two racing copies sees the first (PostgreSQL; SQLite's write lock covers it).
    store.lock_keys({int(page.fingerprint.content_hash[:15], 16), *page.fingerprint.keys})
    title = page.article.title if page.article is not None else None
    original, score = find_original(store, page.fingerprint, title)
    page.dedup = Dedup(original=original, similarity=score)
    return page


def find_original(
    store: ArticleStore, fingerprint: Fingerprint, title: str | None = None
) -> tuple[int | None, float | None]:
    """The story a text (with its headline) is a copy of among stored articles, and the estimated
    similarity to it: the most similar near-duplicate that reports the same facts."""
    if fingerprint.word_count < MIN_WORDS_FOR_DEDUP:
        return None, None
    exact = store.story_with_hash(fingerprint.content_hash)
    if exact is not None:
        return exact, 1.0
    facts: StoryFacts | None = None
    best: tuple[float, int, int] | None = None
    for candidate in store.near_candidates(fingerprint.keys):
        score = similarity(fingerprint.minhash, unpack_signature(candidate.minhash))
        if score < NEAR_DUPLICATE_SIMILARITY or (best is not None and (score, -candidate.id) <= best[:2]):
            continue
        facts = facts or StoryFacts.of(fingerprint.facts, title)
        if same_story(facts, candidate_facts(candidate)):
            best = (score, -candidate.id, candidate.story_id)
    return (best[2], best[0]) if best is not None else (None, None)


def candidate_facts(candidate: Candidate) -> StoryFacts:
    """A stored article's facts from its row: the packed column, else (stored before it) its text."""
    text = Facts.unpack(candidate.facts) if candidate.facts is not None else Facts.of(candidate.text or "")
    return StoryFacts.of(text, candidate.title)
