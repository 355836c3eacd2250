"""The blocking index: exact key numbers, one-deletion neighbours, the fallback for odd serials."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from armtrace.tracing.keyindex import KeyIndex, deletions, encode

SERIALS = ["AK14172", "AK14872", "AK1472", "7733561", "", "AK14172", "X" + "1" * 13, "AK14?72"]


def test_key_numbers_are_exact_and_bounded() -> None:
    assert encode("0") != encode("00")  # bijective base 31: a leading "0" counts
    assert encode("AK1") != encode("1AK")
    assert encode("Y" * 12) is not None and encode("Y" * 12) < 2**64
    assert encode("Y" * 13) is None  # too long for 64 bits
    assert encode("AO1") is None  # O is folded away: not a key character


def test_serials_meet_their_one_edit_neighbours() -> None:
    index = KeyIndex(SERIALS)
    assert sorted(index.get(["AK14172"])) == [0, 5]
    # AK14872 (one substitution) and AK1472 (one deletion) share a deletion key with AK14172.
    near = set(index.get(["AK14172", *deletions("AK14172")]))
    assert {0, 1, 2, 5} <= near and 3 not in near
    assert index.get(["ZZZ"]) == [] and index.get([]) == []


def test_serials_the_arrays_cannot_hold_are_still_found() -> None:
    index = KeyIndex(SERIALS)
    assert index.get(["X" + "1" * 13]) == [6]  # 14 characters
    assert index.get(["X" + "1" * 12]) == [6]  # its deletion
    assert index.get(["AK14?72"]) == [7]  # a record holding a wildcard


def test_near_finds_exactly_the_serials_one_edit_away() -> None:
    readings = ["AK14172", "AK14972", "AK172", "AK1472", "AK141172", "7733561", "Q", "X" + "1" * 13]
    serials = [*SERIALS, "AK234567", "AK123456", "AK1123", "AK1213"]
    for held in (serials, [s for s in serials if len(s) <= 12 and "?" not in s]):  # dict or not
        index = KeyIndex(held)
        near = index.near_many(readings)
        assert [sorted(f) for f in near] == [sorted(index.near(r)) for r in readings]  # batch = one
        for reading, found in zip(readings, near, strict=True):
            expected = [
                i for i, s in enumerate(held) if s and Levenshtein.distance(reading, s) <= 1
            ]
            assert sorted(found) == expected, reading
    # Sharing a deletion at another place is not one edit: AK234567 and AK123456 give AK23456.
    index = KeyIndex(["AK234567"])
    assert index.near_many(["AK123456"]) == [[]] and index.get(deletions("AK123456")) == [0]
