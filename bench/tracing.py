"""Tracing benchmark: synthetic registries and field-damaged documented items, with ground truth.

    python bench/tracing.py                          # 200,000 records x 20,000 items (a few minutes)
    python bench/tracing.py --records 1000000 --items 100000

Registries are built as arms are numbered: factories stamp consecutive serials in lots, several factories
share a prefix, so every weapon has look-alike neighbours one digit away. A share of records are lot
ranges (transfers by serial range) rather than single serials. Documented items come from registered
weapons (and a share from unregistered ones: decoys that must not match) and carry field damage:
separators and case, Cyrillic letters, Arabic-Indic digits, photo misreadings, illegible characters,
cut-off starts, missing or shifted year, model written as an alias.

Prints precision and recall on decisions "match", items/s and peak memory, then the same for Splink
on the same data (the baseline; `--splink 0` skips it), and with `--breakdown` both per kind of damage.
"Decidable" items are those whose reading fits one registered serial only once the item's other marks
(model, maker, country, calibre, year give or take one) are checked against the records: for the
others, several registered weapons fit every mark the item carries, and only a guess could pick one.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections import Counter, defaultdict
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


def damage_serial(serial: str, rng: random.Random) -> tuple[str, str]:
    """The serial as written down in the field, and the kind of damage done to it."""
    chars = list(serial)
    roll = rng.random()
    kind = "clean"
    if roll < 0.2:  # a photo misreading
        spots = [i for i, c in enumerate(chars) if c in MISREAD]
        if spots:
            i = rng.choice(spots)
            chars[i] = MISREAD[chars[i]]
            kind = "misread"
    elif roll < 0.4:  # one or two illegible characters
        holes = rng.sample(range(2, len(chars)), rng.choice((1, 1, 2)))
        for i in holes:
            chars[i] = "?"
        kind = f"illegible x{len(holes)}"
    elif roll < 0.45:  # the start cut off or ground away
        chars = ["*", *chars[rng.choice((2, 3)) :]]
        kind = "cut off"
    text = "".join(chars)
    if rng.random() < 0.1:
        text = "".join(CYRILLIC.get(c, c) for c in text)
    if rng.random() < 0.05:
        text = "".join(ARABIC.get(c, c) for c in text)
    if rng.random() < 0.5:  # how it was written down: separators, spaces, case
        cut = rng.randrange(1, len(text))
        text = text[:cut] + rng.choice(("-", " ", "/", "")) + text[cut:]
    return (text.lower() if rng.random() < 0.2 else text), kind


def item_from(iid: str, w: Weapon, rng: random.Random) -> tuple[Marks, str]:
    maker, country, models, calibre, _ = FACTORIES[w.factory]
    year = None if rng.random() < 0.4 else w.year + (1 if rng.random() < 0.05 else 0)
    serial, kind = damage_serial(w.serial, rng)
    item = marks(
        iid,
        serial=serial,
        model=rng.choice(models),
        manufacturer=maker if rng.random() < 0.7 else None,
        country=country if rng.random() < 0.6 else None,
        year=year,
        calibre=calibre if rng.random() < 0.5 else None,
    )
    return item, kind


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


@dataclass
class Case:
    item: Marks
    true_ids: set[str]  # records of the weapon the item really is (empty: unregistered)
    damage: str
    clear: bool  # the reading fits one registered serial only
    decidable: bool  # one registered serial fits the reading *and* agrees with the item's marks


def consistent(item: Marks, record: Marks) -> bool:
    """Does nothing the item carries contradict the record? (a year one off is a misread mark)"""
    return all(
        a is None or b is None or a == b
        for a, b in (
            (item.model, record.model),
            (item.manufacturer, record.manufacturer),
            (item.country, record.country),
            (item.calibre, record.calibre),
        )
    ) and (item.year is None or record.year is None or abs(item.year - record.year) <= 1)


def make_cases(args: argparse.Namespace, rng: random.Random) -> tuple[list[Marks], list[Case]]:
    records, weapons, truth, decoys = registry(args.records, rng)
    by_id = {r.id: r for r in records}
    serial_of = {fold(w.serial): w.serial for w in weapons}
    prefixes = sorted({p for f in FACTORIES for p in f[4]})
    cases = []
    for i in range(args.items):
        w = rng.choice(decoys) if rng.random() < args.unregistered else rng.choice(weapons)
        item, damage = item_from(f"i{i}", w, rng)
        fits = fitting_serials(item.serial, serial_of.keys(), prefixes)
        agreeing = [s for s in fits if any(consistent(item, by_id[r]) for r in truth[serial_of[s]])]
        registered = w.serial in truth
        cases.append(
            Case(
                item,
                truth.get(w.serial, set()),
                damage if registered else "unregistered",
                registered and len(fits) == 1,
                registered and len(agreeing) == 1,
            )
        )
    return records, cases


def score(decisions: list[tuple[str, str | None]], cases: list[Case]) -> dict[str, Counter]:
    """Per damage kind: items, true and false matches, possibles, nones, decidable items."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for (decision, best), case in zip(decisions, cases, strict=True):
        for kind in (case.damage, "all"):
            t = tally[kind]
            t["items"] += 1
            t["decidable"] += case.decidable
            t["clear"] += case.clear
            if decision == "match":
                hit = best in case.true_ids
                t["tp" if hit else "fp"] += 1
                t["tp_decidable"] += hit and case.decidable
                t["tp_clear"] += hit and case.clear
            else:
                t[decision] += 1
    return tally


def report(name: str, tally: dict[str, Counter], seconds: float, breakdown: bool) -> None:
    a = tally["all"]
    positives = a["items"] - tally["unregistered"]["items"]
    precision = a["tp"] / (a["tp"] + a["fp"]) if a["tp"] + a["fp"] else 0.0
    print(f"{name}: precision {precision:.4f}  recall {a['tp'] / positives:.4f}"
          f"  ({a['tp']:,} true, {a['fp']:,} false matches of {positives:,} registered items;"
          f" {a['possible']:,} possible)  {seconds:.1f} s, {a['items'] / seconds:,.0f} items/s")  # fmt: skip
    print(f"  recall on readings that fit one registered serial: {_share(a, 'clear')}"
          f";  that fit one serial whose records agree with the item's marks:"
          f" {_share(a, 'decidable')}")  # fmt: skip
    if not breakdown:
        return
    print(f"  {'damage':<14}{'items':>8}{'decidable':>10}{'true':>8}{'false':>7}"
          f"{'possible':>9}{'none':>7}")  # fmt: skip
    for kind in sorted(tally, key=lambda k: (k == "all", k)):
        t = tally[kind]
        print(f"  {kind:<14}{t['items']:>8,}{t['decidable']:>10,}{t['tp']:>8,}{t['fp']:>7,}"
              f"{t['possible']:>9,}{t['none']:>7,}")  # fmt: skip


def _share(tally: Counter, kind: str) -> str:
    return f"{tally['tp_' + kind] / max(1, tally[kind]):.4f} ({tally[kind]:,})"


def run_engine(
    records: list[Marks], cases: list[Case], processes: int
) -> tuple[list[tuple[str, str | None]], float, float]:
    t0 = time.perf_counter()
    matcher = Matcher(records)
    t1 = time.perf_counter()
    results = matcher.trace_many([case.item for case in cases], processes)
    decisions = [(r.decision, r.candidates[0].record if r.candidates else None) for r in results]
    return decisions, t1 - t0, time.perf_counter() - t1


def splink_rows(records: list[Marks]) -> list[dict]:
    """Records as an analyst would give them to Splink: one row per serial, ranges spelled out."""
    rows = []
    for r in records:
        fields = {"record": r.id, "model": r.model, "manufacturer": r.manufacturer,
                  "country": r.country, "year": r.year, "calibre": r.calibre}  # fmt: skip
        if r.range is None:
            rows.append({"unique_id": r.id, "serial": fold(r.serial), **fields})
            continue
        p, w = r.range.prefix, r.range.width
        for n in range(r.range.low, r.range.high + 1):
            rows.append({"unique_id": f"{r.id}/{n}", "serial": f"{p}{n:0{w}d}", **fields})
    return rows


def run_splink(
    records: list[Marks], cases: list[Case], train_share: float
) -> tuple[list[tuple[str, str | None]], float]:
    """Splink 5 on DuckDB, set up as an analyst would in an afternoon: the serials normalised and
    folded the engine's way (its best chance), blocking on the serial's first five and last four
    characters, Jaro-Winkler on the serial and exact comparisons on the other marks; u by random
    sampling, m by expectation maximisation (one session) on a share of the items, then the
    trained model predicts over all of them."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    left = _with_serial_ends(pd.DataFrame(splink_rows(records)))
    right = _with_serial_ends(
        pd.DataFrame(
            [
                {
                    "unique_id": c.item.id,
                    "serial": c.item.folded,
                    "record": "",
                    "model": c.item.model,
                    "manufacturer": c.item.manufacturer,
                    "country": c.item.country,
                    "year": c.item.year,
                    "calibre": c.item.calibre,
                }
                for c in cases
            ]
        )
    )
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("serial_head"),
            block_on("serial_tail"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("serial", [0.97, 0.92, 0.85]),
            cl.ExactMatch("model"),
            cl.ExactMatch("manufacturer"),
            cl.ExactMatch("country"),
            cl.ExactMatch("year"),
            cl.ExactMatch("calibre"),
        ],
        additional_columns_to_retain=["record"],
    )
    sample = right.sample(frac=train_share, random_state=1)
    trainer = Linker(_splink_tables(left, sample), settings, log_level="WARNING")
    trainer.training.estimate_probability_two_random_records_match([block_on("serial")], recall=0.6)
    trainer.training.estimate_u_using_random_sampling(max_pairs=2_000_000)
    # EM blocked on the exact serial learns how often true pairs agree on the other marks. Blocked on
    # anything else (model and year, or the serial's first characters under another name), EM took
    # lot-mates, which agree on every mark, for the matches (an exact serial then scored 0.55), so the
    # serial keeps Splink's default m-probabilities.
    trainer.training.estimate_parameters_using_expectation_maximisation(block_on("serial"))
    model = trainer.misc.save_model_to_json()
    linker = Linker(_splink_tables(left, right), model, log_level="WARNING")
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - t0
    # The item's id sits on the right; keep each item's best record.
    item_col = "unique_id_r" if (pairs["record_l"] != "").all() else "unique_id_l"
    rec_col = "record_l" if item_col == "unique_id_r" else "record_r"
    best = pairs.sort_values("match_probability", ascending=False).drop_duplicates(item_col)
    top = {row[item_col]: (row[rec_col], row["match_probability"]) for _, row in best.iterrows()}
    decisions = []
    for c in cases:
        record, probability = top.get(c.item.id, (None, 0.0))
        decision = "match" if probability >= 0.99 else "possible" if record else "none"
        decisions.append((decision, record))
    return decisions, seconds


def _with_serial_ends(frame: object) -> object:
    frame["serial_head"] = frame["serial"].str[:5]
    frame["serial_tail"] = frame["serial"].str[-4:]
    return frame


def _splink_tables(left: object, right: object) -> list:
    from splink import DuckDBAPI

    db = DuckDBAPI()
    return [db.register(left, table_name="records"), db.register(right, table_name="items")]


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
    parser.add_argument("--breakdown", action="store_true", help="outcomes per kind of damage")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="processes tracing the items (2 was no faster on the shared 2-core machine)",
    )
    parser.add_argument(
        "--splink",
        type=int,
        default=None,
        metavar="N",
        help="run the Splink baseline (pip install -e '.[bench]') on the first N items (all by"
        " default, 0: skip it)",
    )
    parser.add_argument(
        "--splink-train", type=float, default=1.0, help="share of those items Splink trains on"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    records, cases = make_cases(args, rng)
    generated = time.perf_counter() - t0
    registered = sum(bool(c.true_ids) for c in cases)
    print(f"records {len(records):,}  items {len(cases):,} ({registered:,} registered)"
          f"  seed {args.seed}  generated in {generated:.1f} s")  # fmt: skip
    decisions, index_s, trace_s = run_engine(records, cases, args.processes)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report("engine", score(decisions, cases), index_s + trace_s, args.breakdown)
    print(f"  index {index_s:.1f} s  trace {trace_s:.1f} s ({args.processes} processes)"
          f"  peak memory {peak_mib:,.0f} MiB, each worker at most {worker_mib:,.0f} MiB"
          " (forked: mostly pages shared with the parent)")  # fmt: skip
    if args.splink != 0:
        sample = cases[: args.splink or len(cases)]
        decisions, seconds = run_splink(records, sample, args.splink_train)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report(f"splink ({len(sample):,} items)", score(decisions, sample), seconds, args.breakdown)
        print(f"  peak memory of the run so far {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
