"""The blocking index: exact key numbers, one-deletion neighbours, the fallback for odd serials."""

from __future__ import annotations

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


def test_a_batch_finds_what_one_by_one_finds() -> None:
    readings = ["AK14172", "AK14972", "AK172", "7733561", "Q", "X" + "1" * 13]
    for serials in (SERIALS, SERIALS[:6]):  # with and without the fallback dict
        index = KeyIndex(serials)
        one_by_one = [sorted(index.get([r, *deletions(r)])) for r in readings]
        assert [sorted(found) for found in index.near_many(readings)] == one_by_one
