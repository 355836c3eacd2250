"""Every normalisation rule, wildcards and ranges."""

from __future__ import annotations

import pytest

from armtrace.tracing.serials import (
    SerialRange,
    fold,
    known_chars,
    normalise,
    parse_range,
    pattern_matches,
    split_serial,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ak14172", "AK14172"),  # case
        (" AK 14 172 ", "AK14172"),  # spaces
        ("AK-14/172.5", "AK141725"),  # separators
        ("AK–14—172_9", "AK141729"),  # dashes of every kind and underscores
        ("AK#14,172:5\\6;7", "AK14172567"),  # number signs, commas, colons, backslashes, semicolons
        ("№ 14172", "14172"),  # the number sign is a label
        ("No. 14172", "14172"),  # so is "No."
        ("АК14172", "AK14172"),  # Cyrillic А, К read as Latin
        ("ХМ-ВЕ 3", "XMBE3"),  # more Cyrillic look-alikes
        ("З14", "314"),  # Cyrillic З is read as the digit 3
        ("ΑΚ14", "AK14"),  # Greek capitals
        ("١٤١٧٢", "14172"),  # Arabic-Indic digits
        ("۱۴۱۷۲", "14172"),  # Eastern Arabic-Indic (Persian) digits
        ("ＡＫ１４", "AK14"),  # full-width forms
        ("Nr. 14172", "14172"),  # and "Nr."
        ("NO 14172", "14172"),  # "No" before a number, without its dot
        ("No14", "NO14"),  # but letters run into the serial are part of it
        ("  ak\t14  ", "AK14"),  # tabs and surrounding blanks
        ("AK(14)[172]", "AK14172"),  # brackets
        ("AK·14'172\"", "AK14172"),  # middle dots and quotes
        ("ак-14", "AK14"),  # lower-case Cyrillic
        ("AK\ufffd72", "AK?72"),  # a character lost in transcription (U+FFFD) is illegible
        ("AK...172", "AK*172"),  # three dots: an unread run
        ("1-4?72", "14?72"),  # `?` kept: an illegible character
        ("AK…172", "AK*172"),  # an ellipsis: an unread run
        ("AK**172", "AK*172"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(raw: str | None, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("read", "stamped"),
    [
        ("AKO123", "AK0123"),  # 0/O
        ("AKI123", "AK1123"),  # 1/I
        ("AKL123", "AK1123"),  # 1/l (lower-case l upper-cases to L)
        ("akl123", "AK1123"),  # the lower-case l itself
        ("AKS123", "AK5123"),  # 5/S
        ("AKB123", "AK8123"),  # 8/B
        ("AKZ123", "AK2123"),  # 2/Z
    ],
)
def test_fold_photo_misreadings(read: str, stamped: str) -> None:
    assert fold(normalise(read)) == fold(stamped)


def test_fold_keeps_other_letters() -> None:
    assert fold("AKM") == "AKM"
    assert fold("AK47") != fold("AK41")


def test_wildcards() -> None:
    assert pattern_matches("14?72", "14172")
    assert not pattern_matches("14?72", "141723")  # `?` is exactly one character
    assert pattern_matches("*4172", "AK14172")
    assert pattern_matches("AK*", "AK14172")
    assert not pattern_matches("*4173", "AK14172")
    assert known_chars("1?*72") == 3


def test_split_serial() -> None:
    assert split_serial("AK01999") == ("AK", 1999)
    assert split_serial("AKM") is None
    assert split_serial("14?72") is None


@pytest.mark.parametrize(
    "args",
    [
        ("AK1000", "AK1999"),
        ("AK1000-AK1999",),
        ("AK-1000 - AK-1999",),
        ("AK1000 to AK1999",),
        ("AK1999", "AK1000"),
    ],
)
def test_parse_range(args: tuple[str, ...]) -> None:
    rng = parse_range(*args)
    assert rng == SerialRange("AK", 1000, 1999, 4)
    assert "AK1500" in rng and "AK1000" in rng and "AK1999" in rng
    assert "AK2000" not in rng and "AB1500" not in rng
    assert str(SerialRange("AK", 1000, 1999, 4)) == "AK1000-AK1999"


def test_range_end_may_omit_prefix_and_misreadings_fold() -> None:
    rng = parse_range("AK1000", "1999")
    assert rng is not None and fold(normalise("AKI5OO")) in rng


def test_unreadable_ranges() -> None:
    assert parse_range("AK1000", "BX1999") is None
    assert parse_range("AK1000") is None
    assert parse_range("AKM-AKS") is None


def test_range_overlaps_pattern() -> None:
    rng = parse_range("AK1000-AK1999")
    assert rng is not None
    assert rng.overlaps_pattern("AK1?50")
    assert not rng.overlaps_pattern("AK2?50")
    assert not rng.overlaps_pattern("AK*50")


def test_range_fillings() -> None:
    rng = parse_range("AK100000-AK100999")
    assert rng is not None
    assert rng.fillings("AK10?05?") == [f"AK1000{d}{e}" for d in "5" for e in "0123456789"]
    assert rng.fillings("AK1?0123") == ["AK100123"]  # only 0 keeps it in the lot
    assert rng.fillings("*0123") == ["AK100123"]  # a cut-off start
    assert rng.fillings("*K100123") == ["AK100123"]  # cut inside the prefix
    assert rng.fillings("*X100123") == []
    assert rng.fillings("*12?") == [f"AK10012{d}" for d in "0123456789"]
    assert rng.fillings("BG10?050") == []
    assert rng.fillings("AK*12") is None  # a gap in the middle: no serial can be named
    assert len(rng.fillings("AK10????") or []) == 0  # too many holes to spell out
