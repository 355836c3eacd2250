"""Tracing benchmark: synthetic registries and field-damaged documented items, with ground truth.

    python bench/tracing.py                          # 200,000 records x 20,000 items (a few minutes)
    python bench/tracing.py --records 1000000 --items 100000

Registries are built as arms are numbered: factories stamp consecutive serials in lots, several factories
share a prefix, so every weapon has look-alike neighbours one digit away. A share of records are lot
ranges (transfers by serial range) rather than single serials. Documented items come from registered
weapons (and a share from unregistered ones: decoys that must not match) and carry field damage:
separators and case, Cyrillic letters, Arabic-Indic digits, photo misreadings, illegible characters,
cut-off starts, missing or shifted year, model written as an alias.

Prints precision and recall on decisions "match", items/s and peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from dataclasses import dataclass

from armtrace.tracing.engine import Matcher
from armtrace.tracing.fields import Marks, marks
from armtrace.tracing.serials import fold, normalise

FACTORIES = [  # (manufacturer, country, model aliases, calibre, serial prefixes)
    ("Izhmash", "RU", ["AKM", "Kalashnikov AKM", "akm"], "7.62x39", ["AK", "MA", "KA"]),
    ("Tula Arms Plant", "RU", ["AK-74", "AK74", "ak 74"], "5.45x39", ["AK", "TU"]),
    ("Arsenal", "BG", ["AKM", "AKMS"], "7.62x39", ["BG", "AK"]),
    ("Norinco", "CN", ["Type 56", "type 56"], "7.62x39", ["56", "CN"]),
    ("Cugir", "RO", ["AKM", "Kalashnikov AKM", "AKMS"], "7.62x39", ["RO", "MA"]),
    ("FN Herstal", "BE", ["FN FAL", "FAL"], "7.62x51", ["FN", "77"]),
    ("Heckler & Koch", "DE", ["G3", "g3"], "7.62x51", ["HK", "G3"]),
    ("Zastava", "RS", ["M70", "m70"], "7.62x39", ["ZA", "MA"]),
    ("Degtyarev Plant", "RU", ["PKM", "pkm"], "7.62x54R", ["PK", "KA"]),
    ("Baikal", "RU", ["Makarov", "Makarov PM"], "9x18", ["PM", "MA"]),
]
CYRILLIC = {
    "A": "А",
    "B": "В",
    "E": "Е",
    "K": "К",
    "M": "М",
    "H": "Н",
    "O": "О",
    "P": "Р",
    "C": "С",
    "T": "Т",
    "X": "Х",
}
ARABIC = {str(i): chr(0x0660 + i) for i in range(10)}
MISREAD = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "O": "0", "I": "1", "S": "5", "B": "8"}


@dataclass
class Weapon:
    serial: str
    factory: int
    year: int


def registry(
    n: int, rng: random.Random
) -> tuple[list[Marks], list[Weapon], dict[str, set[str]], list[Weapon]]:
    """Records, the registered weapons, truth {serial: record ids}, unregistered look-alike weapons."""
    records: list[Marks] = []
    weapons: list[Weapon] = []
    truth: dict[str, set[str]] = {}
    decoys: list[Weapon] = []
    next_number: dict[str, int] = {}
    while len(records) < n:
        f = rng.randrange(len(FACTORIES))
        maker, country, models, calibre, prefixes = FACTORIES[f]
        prefix = rng.choice(prefixes)
        size = rng.choice((50, 100, 250, 500, 1000))
        start = next_number.get(prefix, rng.randrange(100000, 200000))
        next_number[prefix] = start + size + rng.randrange(0, 3000)  # gaps: unregistered serials
        year = rng.randrange(1960, 2015)
        lot = [Weapon(f"{prefix}{start + i:06d}", f, year) for i in range(size)]
        decoys.append(Weapon(f"{prefix}{start + size + 1:06d}", f, year))  # just past the lot's end
        if rng.random() < 0.15:  # the lot is known only as a range (a transfer by serial range)
            rid = f"r{len(records)}"
            records.append(marks(rid, serial_from=lot[0].serial, serial_to=lot[-1].serial,
                                 model=models[0], manufacturer=maker, country=country))  # fmt: skip
            for w in lot:
                truth.setdefault(w.serial, set()).add(rid)
            weapons.extend(lot)
            continue
        for w in lot:
            rid = f"r{len(records)}"
            records.append(marks(rid, serial=w.serial, model=models[0], manufacturer=maker,
                                 country=country, year=year, calibre=calibre))  # fmt: skip
            truth.setdefault(w.serial, set()).add(rid)
        weapons.extend(lot)
    return records, weapons, truth, decoys


def damage_serial(serial: str, rng: random.Random) -> str:
    chars = list(serial)
    roll = rng.random()
    if roll < 0.2:  # a photo misreading
        spots = [i for i, c in enumerate(chars) if c in MISREAD]
        if spots:
            i = rng.choice(spots)
            chars[i] = MISREAD[chars[i]]
    elif roll < 0.4:  # one or two illegible characters
        for i in rng.sample(range(2, len(chars)), rng.choice((1, 1, 2))):
            chars[i] = "?"
    elif roll < 0.45:  # the start cut off or ground away
        chars = ["*", *chars[rng.choice((2, 3)) :]]
    text = "".join(chars)
    if rng.random() < 0.1:
        text = "".join(CYRILLIC.get(c, c) for c in text)
    if rng.random() < 0.05:
        text = "".join(ARABIC.get(c, c) for c in text)
    if rng.random() < 0.5:  # how it was written down: separators, spaces, case
        cut = rng.randrange(1, len(text))
        text = text[:cut] + rng.choice(("-", " ", "/", "")) + text[cut:]
    return text.lower() if rng.random() < 0.2 else text


def item_from(iid: str, w: Weapon, rng: random.Random) -> Marks:
    maker, country, models, calibre, _ = FACTORIES[w.factory]
    year = None if rng.random() < 0.4 else w.year + (1 if rng.random() < 0.05 else 0)
    return marks(
        iid,
        serial=damage_serial(w.serial, rng),
        model=rng.choice(models),
        manufacturer=maker if rng.random() < 0.7 else None,
        country=country if rng.random() < 0.6 else None,
        year=year,
        calibre=calibre if rng.random() < 0.5 else None,
    )


def fitting_serials(reading: str, registered: set[str], prefixes: list[str]) -> set[str]:
    """Registered serials an oracle with the undamaged registry could read into the damaged reading."""
    folded = fold(normalise(reading))
    if folded.startswith("*"):
        tail = folded[1:]
        options = set()
        for p in prefixes:
            for length in (8, 9):  # serials run to seven digits on the biggest registries
                lead = length - len(p) - len(tail)
                if 0 <= lead <= 3:
                    options |= {
                        p + (f"{x:0{lead}d}" if lead else "") + tail for x in range(10**lead)
                    }
    else:
        options = {folded}
        while any("?" in o for o in options):
            options = {o.replace("?", d, 1) for o in options for d in "0123456789"}
    return options & registered


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument(
        "--unregistered", type=float, default=0.1, help="share of items not in the registry"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    records, weapons, truth, decoys = registry(args.records, rng)
    items: list[tuple[Marks, set[str], bool]] = []
    registered = {fold(w.serial) for w in weapons}
    prefixes = sorted({p for f in FACTORIES for p in f[4]})
    resolvable = 0  # registered items whose reading fits one registered serial only
    for i in range(args.items):
        w = rng.choice(decoys) if rng.random() < args.unregistered else rng.choice(weapons)
        item = item_from(f"i{i}", w, rng)
        clear = w.serial in truth and len(fitting_serials(item.serial, registered, prefixes)) == 1
        items.append((item, truth.get(w.serial, set()), clear))
        resolvable += clear
    t1 = time.perf_counter()
    matcher = Matcher(records)
    t2 = time.perf_counter()
    tp = fp = positives = possible = tp_clear = 0
    for item, true_ids, clear in items:
        result = matcher.trace(item)
        positives += bool(true_ids)
        possible += result.decision == "possible"
        if result.decision == "match":
            if result.candidates[0].record in true_ids:
                tp += 1
                tp_clear += clear
            else:
                fp += 1
    t3 = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"records {len(records):,}  items {len(items):,} ({positives:,} registered)  seed {args.seed}"
    )
    print(f"generate {t1 - t0:.1f} s   index {t2 - t1:.1f} s   trace {t3 - t2:.1f} s")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    print(f"match: precision {precision:.4f}  recall {recall:.4f}")
    print(f"       true {tp:,}  false {fp:,}  items decided 'possible' {possible:,}")
    print(
        f"recall on readings that fit one registered serial only: {tp_clear / resolvable:.4f}"
        f"  ({resolvable:,} such items; the others fit several and are at best 'possible')"
    )
    rate = len(items) / (t3 - t2)
    print(f"items/s {rate:,.0f}   index+trace {t3 - t1:.1f} s   peak memory {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
