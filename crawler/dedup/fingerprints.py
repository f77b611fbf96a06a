"""Text fingerprints: a hash for exact copies; MinHash (with LSH keys) and SimHash for copies with edits.

Why MinHash decides near-duplicates and SimHash is only kept: on the devset's 380 longer texts, a copy
with a wire dateline, a credit line and the last paragraph cut (3-shingle Jaccard ~0.95) was within
SimHash distance 3 of its original only 38% of the time (median distance 4; 3% edited words: 4%,
median 8), while unrelated texts were never closer than 17. 64 bits are too few to separate
"edited copy" from noise at distance 3. MinHash's slot agreement estimates the Jaccard similarity
itself, and its LSH bands find the candidates through an index.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from crawler.dedup.facts import Facts
from storage.records import TextFingerprint

SHINGLE_WORDS = 3  # 3-word shingles: single words make every story on one topic look alike
BITS = 64
MINHASH_SLOTS = 32
MINHASH_ROWS = 4  # slots per LSH band: 8 bands
_MASK = (1 << BITS) - 1
# A word is a run of letters/digits; each CJK character is a word of its own (no spaces to split on).
_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")


def words(text: str) -> list[str]:
    """The text's words, case-folded, Unicode-normalised, without punctuation."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())


def normalize_text(text: str) -> str:
    """The words joined by single spaces: what two copies of one story have in common exactly."""
    return " ".join(words(text))


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[str]:
    tokens = words(text)
    if len(tokens) <= size:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


def _digests(text: str) -> list[bytes]:
    return [hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles(text)]


def to_signed64(value: int) -> int:
    """An unsigned 64-bit value as the signed integer a BIGINT column holds."""
    value &= _MASK
    return value - (1 << BITS) if value >> (BITS - 1) else value


def to_unsigned64(value: int) -> int:
    return value & _MASK


def minhash(text: str) -> tuple[int, ...]:
    """A MinHash signature of the text's distinct word shingles: MINHASH_SLOTS 32-bit values.

    One hash per shingle, not one per slot ("one permutation hashing"): the low bits of the shingle's
    hash pick the slot, the high bits compete for its minimum. A slot no shingle fell into borrows the
    next filled slot's value, mixed with its own index, so short texts still compare slot by slot.
    The share of equal slots between two signatures estimates the Jaccard similarity of their shingles.
    """
    slots: list[int | None] = [None] * MINHASH_SLOTS
    for digest in set(_digests(text)):
        value = int.from_bytes(digest, "big")
        slot, rank = value % MINHASH_SLOTS, value >> 32
        current = slots[slot]
        if current is None or rank < current:
            slots[slot] = rank
    if all(value is None for value in slots):
        return ()
    filled = []
    for index in range(MINHASH_SLOTS):
        step = 0
        while slots[(index + step) % MINHASH_SLOTS] is None:
            step += 1
        donor = slots[(index + step) % MINHASH_SLOTS]
        filled.append(donor if step == 0 else _mix(donor, index))
    return tuple(filled)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (0.0 when either is empty)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def lsh_keys(signature: tuple[int, ...]) -> list[int]:
    """One signed 64-bit key per band of MINHASH_ROWS slots (locality-sensitive hashing).

    Two texts share a key when one band of their signatures is equal: likely for near-duplicates
    (Jaccard 0.7 → 89%, 0.85 → 99.7% with 8 bands of 4), rare for unrelated texts (0.05 → 0.005%).
    The band number is part of the key, so one indexed column holds every band.
    """
    keys = []
    for band in range(0, len(signature), MINHASH_ROWS):
        packed = band.to_bytes(2, "big") + b"".join(v.to_bytes(4, "big") for v in signature[band : band + MINHASH_ROWS])
        keys.append(to_signed64(int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "big")))
    return keys


def pack_signature(signature: tuple[int, ...]) -> bytes:
    return b"".join(value.to_bytes(4, "big") for value in signature)


def unpack_signature(data: bytes | None) -> tuple[int, ...]:
    data = data or b""
    return tuple(int.from_bytes(data[i : i + 4], "big") for i in range(0, len(data), 4))


def _mix(value: int, index: int) -> int:
    digest = hashlib.blake2b(value.to_bytes(4, "big") + index.to_bytes(2, "big"), digest_size=4).digest()
    return int.from_bytes(digest, "big")


# Texts shorter than this are never called copies: identical short texts are more often leftover
# boilerplate ("Subscribe to read") than one story. Their fingerprint carries no LSH keys.
MIN_WORDS_FOR_DEDUP = 25


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's exact hash and MinHash signature, with the LSH band keys that find its copies and the
    facts (figures, names) that tell a copy from another report of the same template."""

    word_count: int
    content_hash: str
    minhash: tuple[int, ...]
    keys: tuple[int, ...]
    facts: Facts = Facts(frozenset(), frozenset())  # the text's figures and names (crawler/dedup/facts.py)

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        count = len(words(text))
        signature = minhash(text)
        keys = tuple(lsh_keys(signature)) if count >= MIN_WORDS_FOR_DEDUP else ()
        return cls(count, content_hash(text), signature, keys, Facts.of(text))

    def stored(self) -> TextFingerprint:
        """As the store keeps it."""
        return TextFingerprint(
            self.word_count, self.content_hash, pack_signature(self.minhash), self.keys, self.facts.pack()
        )
