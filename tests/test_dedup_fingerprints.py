"""Text fingerprints: exact copies hash alike, edited wire copies stay similar, other stories do not."""

from __future__ import annotations

import pytest

from crawler.dedup.fingerprints import (
    content_hash,
    lsh_keys,
    minhash,
    normalize_text,
    pack_signature,
    similarity,
    to_signed64,
    to_unsigned64,
    unpack_signature,
)

WIRE = """DUBAI, Feb 3 (Reuters) - Iran has taken delivery of the first Russian-made Su-35 fighter jets,
a senior Iranian military official said on Monday, a sign of deepening defence ties between Tehran and
Moscow since the start of the war in Ukraine.
The official, who spoke on condition of anonymity because he was not authorised to speak to the media,
said the aircraft had landed at an air base in the central province of Isfahan and that more would follow
in the coming months under a deal agreed in 2023.
Russia has not confirmed the delivery. The Kremlin declined to comment on Monday, referring questions to
the defence ministry, which did not respond to a request for comment.
Western governments have accused Iran of supplying Russia with Shahed drones and ballistic missiles for
use in Ukraine, charges Tehran denies. Washington has imposed sanctions on dozens of entities involved in
the trade, including firms in Iran, Russia and the United Arab Emirates.
Analysts say the Su-35s would give Iran's ageing air force, which still flies jets bought before the 1979
revolution, a significant boost, though pilots would need months of training to operate them effectively.
(Reporting by Parisa Hafezi; Editing by Mark Heinrich)"""

# The same story as another outlet ran it: its own dateline, one sentence reworded, the credit line gone.
REPUBLISHED = """Iran has taken delivery of the first Russian-made Su-35 fighter jets,
a senior Iranian military official said on Monday, a sign of deepening defence ties between Tehran and
Moscow since the start of the war in Ukraine.
The official, who spoke on condition of anonymity because he was not authorised to speak to the media,
said the aircraft had landed at an air base in the central province of Isfahan and that more would follow
in the coming months under a deal agreed in 2023.
Russia has not confirmed the delivery, and the Kremlin declined to comment, referring questions to
the defence ministry, which did not respond to a request for comment.
Western governments have accused Iran of supplying Russia with Shahed drones and ballistic missiles for
use in Ukraine, charges Tehran denies. Washington has imposed sanctions on dozens of entities involved in
the trade, including firms in Iran, Russia and the United Arab Emirates.
Analysts say the Su-35s would give Iran's ageing air force, which still flies jets bought before the 1979
revolution, a significant boost, though pilots would need months of training to operate them effectively."""

# Same topic, same vocabulary, a different story.
UNRELATED = """KYIV - Ukrainian air defences shot down 41 of 63 Iranian-designed Shahed drones launched by Russia
overnight, the air force said on Tuesday, as Moscow kept up its campaign against the country's energy grid.
Debris fell on residential buildings in the Kyiv region, injuring three people, the regional governor said.
Russia has produced thousands of the drones at a plant in the Alabuga special economic zone in Tatarstan
since Iran transferred the design and early kits in 2022, according to Western intelligence assessments.
Iran says it supplied a small number of drones before the full-scale invasion and denies any further role.
Ukraine's foreign ministry called on Tehran to stop what it described as complicity in attacks on civilians,
and urged European partners to widen sanctions against Iranian drone makers and their suppliers."""


def test_normalize_text_ignores_case_punctuation_and_spacing() -> None:
    assert normalize_text("  Iran’s  SU-35s,\n\tarrived!  ") == "iran s su 35s arrived"
    assert normalize_text("Ｓｕ－３５") == "su 35"  # NFKC folds full-width forms


def test_content_hash_is_equal_for_reformatted_copies_only() -> None:
    assert content_hash(WIRE) == content_hash(WIRE.upper().replace("\n", "  "))
    assert content_hash(WIRE) != content_hash(REPUBLISHED)
    assert len(content_hash(WIRE)) == 64


def test_minhash_similarity_separates_an_edited_copy_from_another_story() -> None:
    assert similarity(minhash(WIRE), minhash(REPUBLISHED)) >= 0.6
    assert similarity(minhash(WIRE), minhash(UNRELATED)) < 0.2


def test_an_edited_copy_shares_an_lsh_key_and_another_story_none() -> None:
    keys = set(lsh_keys(minhash(WIRE)))
    assert keys & set(lsh_keys(minhash(REPUBLISHED)))
    assert not keys & set(lsh_keys(minhash(UNRELATED)))


def test_minhash_of_a_short_text_fills_every_slot() -> None:
    signature = minhash("Iran and Russia sign a drone deal")
    assert len(signature) == 32
    assert similarity(signature, minhash("Iran and Russia sign a drone deal")) == 1.0
    assert minhash("") == ()
    assert similarity((), ()) == 0.0


def test_signature_round_trips_through_bytes() -> None:
    signature = minhash(WIRE)
    assert len(pack_signature(signature)) == 128
    assert unpack_signature(pack_signature(signature)) == signature


@pytest.mark.parametrize("value", [0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1])
def test_signed64_round_trip_fits_a_bigint(value: int) -> None:
    signed = to_signed64(value)
    assert -(1 << 63) <= signed < (1 << 63)
    assert to_unsigned64(signed) == value
