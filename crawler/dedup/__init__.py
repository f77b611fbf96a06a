"""Deduplication: canonical URLs, and text fingerprints for exact and near-duplicate stories."""

from crawler.dedup.fingerprints import content_hash, minhash, normalize_text, similarity
from crawler.dedup.urls import canonical_url

__all__ = ["canonical_url", "content_hash", "minhash", "normalize_text", "similarity"]
