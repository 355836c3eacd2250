"""Documented items: photos with SHA-256, content-derived ids, idempotent import; both backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from armtrace.records.importer import RowError
from armtrace.records.items import ItemInput, add_item, import_items, list_items, verify_photos
from armtrace.store import Store


def test_photos_are_hashed_and_tampering_shows(store: Store, tmp_path: Path) -> None:
    photo = tmp_path / "receiver.jpg"
    photo.write_bytes(b"original bytes")
    item, new = add_item(
        store, ItemInput(serial="1-4?72", model="AKM", photos=[photo], country="Mali")
    )
    assert new and item.id.startswith("item-")
    (stored,) = list_items(store)
    assert (
        stored.serial_norm == "14?72"
        and stored.country == "ML"
        and stored.category == "assault_rifle"
    )
    assert stored.photos[0].sha256 == hashlib.sha256(b"original bytes").hexdigest()
    assert verify_photos(stored) == []
    photo.write_bytes(b"edited bytes")
    assert verify_photos(stored) == [str(photo)]
    again, new = add_item(
        store,
        ItemInput(serial="1-4?72", model="AKM", photos=[tmp_path / "receiver.jpg"], country="Mali"),
    )
    assert new  # different photo bytes: a different documentation


def test_same_item_twice_is_one(store: Store) -> None:
    first, new1 = add_item(store, ItemInput(serial="AK1", model="AKM"))
    second, new2 = add_item(store, ItemInput(serial="AK1", model="AKM"))
    assert (new1, new2) == (True, False) and first.id == second.id


def test_checks(store: Store, tmp_path: Path) -> None:
    with pytest.raises(RowError, match="photo"):
        add_item(store, ItemInput(serial="AK1", photos=[tmp_path / "none.jpg"]))
    with pytest.raises(RowError, match="nothing to trace"):
        add_item(store, ItemInput(place="Gao"))
    with pytest.raises(RowError, match="not a country"):
        add_item(store, ItemInput(serial="AK1", country="Atlantis"))


def test_import_idempotent(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "items.csv"
    sheet.write_text("serial,model,place,documented_by\nAK1,AKM,Gao,A\nAK2,AKM,Gao,A\n,,Gao,A\n")
    first = import_items(store, sheet)
    assert (first.imported, first.errors) == (
        2,
        [(4, "no serial, model, category or markings: nothing to trace")],
    )
    second = import_items(store, sheet)
    assert (second.imported, second.already_present) == (0, 2)
