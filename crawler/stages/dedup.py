"""Stage 3, dedup: which stored story is this page? → `page.dedup`.

The same URL key as a stored article: a revisit (store decides updated or unchanged). Otherwise a new
article, linked to the first copy of its story when its text is the same (exact hash) or nearly the
same (MinHash similarity at least NEAR_DUPLICATE_SIMILARITY among the articles sharing an LSH band
key). Runs in the store's transaction, after taking the locks that make racing copies take turns.
"""

from __future__ import annotations

from crawler.dedup.fingerprints import MIN_WORDS_FOR_DEDUP, Fingerprint, similarity, unpack_signature
from crawler.items import Dedup, Page
from crawler.stages.context import StageContext
from storage.articles import ArticleStore

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
    original, score = find_original(store, page.fingerprint)
    page.dedup = Dedup(original=original, similarity=score)
    return page


def find_original(store: ArticleStore, fingerprint: Fingerprint) -> tuple[int | None, float | None]:
    """The story a text is a copy of among stored articles, and the estimated similarity to it."""
    if fingerprint.word_count < MIN_WORDS_FOR_DEDUP:
        return None, None
    exact = store.story_with_hash(fingerprint.content_hash)
    if exact is not None:
        return exact, 1.0
    scored = [
        (similarity(fingerprint.minhash, unpack_signature(candidate.minhash)), -candidate.id, candidate.story_id)
        for candidate in store.near_candidates(fingerprint.keys)
    ]
    if not scored:
        return None, None
    score, _, story = max(scored)
    return (story, score) if score >= NEAR_DUPLICATE_SIMILARITY else (None, None)
