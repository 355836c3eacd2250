"""Tracing benchmark: synthetic registries and field-damaged documented items, with ground truth.

    python bench/tracing.py                          # 200,000 records x 20,000 items (a few minutes)
    python bench/tracing.py --records 1000000 --items 100000

Registries are built as arms are numbered: factories stamp consecutive serials in lots, several factories
share a prefix, so every weapon has look-alike neighbours one digit away. A share of records are lot
ranges (transfers by serial range) rather than single serials. Documented items come from registered
weapons (and a share from unregistered ones: decoys that must not match) and carry field damage:
separators and case, Cyrillic letters, Arabic-Indic digits, photo misreadings, illegible characters,
cut-off starts, missing or shifted year, model written as an alias.

Every item carries an **expected decision**, computed by an oracle that knows the undamaged registry:
  * "match": a registered weapon, and the only registered one whose serial fits the reading and whose
    records agree with every other mark the item carries (model, maker, country, calibre; year give or
    take one);
  * "possible": a registered weapon, but several registered weapons fit every mark (an illegible digit
    among rifles of one lot, one factory, one year): only a guess could pick one, so the right answer
    is "possible" with the true weapon among the candidates;
  * "none": an unregistered weapon (a decoy just past a lot's end).

Printed per matcher (the engine, the rapidfuzz reference matcher, Splink), on the same items:
  * precision: of all items decided "match", those matched to a record of the true weapon;
  * recall: of the items whose expected decision is "match", those matched to the true weapon (the
    issue's bar: precision >= 0.99 and recall >= 0.95);
  * raw recall: the same over every registered item, whatever its expected decision;
  * on "possible" items: how often a record of the true weapon is among the candidates put forward;
  * seconds (index and tracing), items/s and peak memory (each matcher runs in its own forked process,
    which starts with the generated registry and items already in memory).
`--breakdown` counts the outcomes per kind of damage.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import random
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz_baseline import run_rapidfuzz

from armtrace.tracing.engine import Matcher, Thresholds
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


def item_from(iid: str, w: Weapon, rng: random.Random) -> tuple[Marks, dict, str]:
    """The item as the engine compares it, its fields as written down, and the serial's damage."""
    maker, country, models, calibre, _ = FACTORIES[w.factory]
    year = None if rng.random() < 0.4 else w.year + (1 if rng.random() < 0.05 else 0)
    serial, kind = damage_serial(w.serial, rng)
    written = {
        "serial": serial,
        "model": rng.choice(models),
        "manufacturer": maker if rng.random() < 0.7 else None,
        "country": country if rng.random() < 0.6 else None,
        "year": year,
        "calibre": calibre if rng.random() < 0.5 else None,
    }
    return marks(iid, **written), written, kind


def fitting_serials(reading: str, registered: set[str], prefixes: list[str]) -> set[str]:
    """Registered serials an oracle with the undamaged registry could read into the damaged reading.

    `registered` and `prefixes` are folded: a cut-off reading of ZA141839 must be spelled out with
    the prefix "2A", the form its serial takes in `registered`."""
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


EXPECTED = ("match", "possible", "none")


@dataclass
class Case:
    item: Marks
    written: dict  # the item's fields as written down (for matchers that normalise their own way)
    true_ids: set[str]  # records of the weapon the item really is (empty: unregistered)
    damage: str
    expected: str  # match, possible or none (see the module's docstring)


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
    prefixes = sorted({fold(p) for f in FACTORIES for p in f[4]})
    cases = []
    for i in range(args.items):
        w = rng.choice(decoys) if rng.random() < args.unregistered else rng.choice(weapons)
        item, written, damage = item_from(f"i{i}", w, rng)
        if w.serial not in truth:
            cases.append(Case(item, written, set(), "unregistered", "none"))
            continue
        fits = fitting_serials(item.serial, serial_of.keys(), prefixes)
        # The oracle must see the true weapon itself, or its verdict on the others means nothing.
        assert fold(w.serial) in fits, (item, w)
        agreeing = [s for s in fits if any(consistent(item, by_id[r]) for r in truth[serial_of[s]])]
        expected = "match" if len(agreeing) == 1 else "possible"
        cases.append(Case(item, written, truth[w.serial], damage, expected))
    return records, cases


@dataclass
class Outcome:
    decision: str
    best: str | None  # the best candidate's record
    candidates: frozenset[str]  # every record put forward


def score(outcomes: list[Outcome], cases: list[Case]) -> dict[str, Counter]:
    """Per damage kind: items, expected decisions, true and false matches, possibles, nones."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for out, case in zip(outcomes, cases, strict=True):
        for kind in (case.damage, "all"):
            t = tally[kind]
            t["items"] += 1
            t["registered"] += bool(case.true_ids)
            t["expect " + case.expected] += 1
            if out.decision == "match":
                hit = out.best in case.true_ids
                t["tp" if hit else "fp"] += 1
                t["tp " + case.expected] += hit
            else:
                t[out.decision] += 1
            t["among " + case.expected] += bool(out.candidates & case.true_ids)
    return tally


def report(name: str, tally: dict[str, Counter], seconds: float, peak: float, brk: bool) -> None:
    a = tally["all"]
    precision = a["tp"] / (a["tp"] + a["fp"]) if a["tp"] + a["fp"] else 0.0
    print(f"{name}: precision {precision:.4f}  recall {_share(a, 'tp match', 'expect match')}"
          f"  raw recall {_share(a, 'tp', 'registered')}  {seconds:.1f} s"
          f"  {a['items'] / seconds:,.0f} items/s  peak memory {peak:,.0f} MiB")  # fmt: skip
    print(f"  {a['tp']:,} true, {a['fp']:,} false matches, {a['possible']:,} possible,"
          f" {a['none']:,} none; on the {a['expect possible']:,} 'possible' items the true"
          f" weapon is among the candidates {_share(a, 'among possible', 'expect possible')}")  # fmt: skip
    if not brk:
        return
    print(f"  {'damage':<14}{'items':>8}{'exp.match':>10}{'exp.poss':>9}{'true':>8}{'false':>7}"
          f"{'possible':>9}{'none':>7}")  # fmt: skip
    for kind in sorted(tally, key=lambda k: (k == "all", k)):
        t = tally[kind]
        print(f"  {kind:<14}{t['items']:>8,}{t['expect match']:>10,}{t['expect possible']:>9,}"
              f"{t['tp']:>8,}{t['fp']:>7,}{t['possible']:>9,}{t['none']:>7,}")  # fmt: skip


def _share(tally: Counter, part: str, whole: str) -> str:
    return f"{tally[part] / max(1, tally[whole]):.4f}"


def run_engine(
    records: list[Marks], cases: list[Case], processes: int, thresholds: Thresholds | None = None
) -> Run:
    t0 = time.perf_counter()
    matcher = Matcher(records, thresholds)
    t1 = time.perf_counter()
    numbering = matcher._numbering
    print(f"engine: {numbering.registered:,} registered serials, {numbering.unregistered:,} beside"
          f" them (margin {numbering.margin}): prior odds of an unregistered look-alike"
          f" {matcher._unregistered_odds:.3f}")  # fmt: skip
    results = matcher.trace_many([case.item for case in cases], processes)
    outcomes = [
        Outcome(
            r.decision,
            r.candidates[0].record if r.candidates else None,
            frozenset(c.record for c in r.candidates),
        )
        for r in results
    ]
    return Run(outcomes, {"index": t1 - t0, "trace": time.perf_counter() - t1})


def run_reference(records: list[Marks], cases: list[Case]) -> Run:
    """The rapidfuzz reference matcher, on the items' fields as written down."""
    results, seconds = run_rapidfuzz(records, [case.written for case in cases])
    return Run([Outcome(*result) for result in results], seconds)


@dataclass
class Run:
    outcomes: list[Outcome]
    seconds: dict[str, float]  # by stage
    peak_mib: float = 0.0


def in_child(fn: Callable[..., Run], *args: object) -> Run:
    """Run one matcher in a forked process, so that its peak memory is its own (plus the generated
    registry and items it starts with) and not the highest of the matchers run before it."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        run = fn(*args)
        run.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        send.send(run)

    process = ctx.Process(target=child)
    process.start()
    run = receive.recv()
    process.join()
    return run


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


def run_splink(records: list[Marks], cases: list[Case], train_share: float) -> Run:
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
    # The item's id sits on the right; keep each item's records, best first.
    item_col = "unique_id_r" if (pairs["record_l"] != "").all() else "unique_id_l"
    rec_col = "record_l" if item_col == "unique_id_r" else "record_r"
    ranked = pairs.sort_values("match_probability", ascending=False)
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for item, record, p in zip(
        ranked[item_col], ranked[rec_col], ranked["match_probability"], strict=True
    ):
        found[item].append((record, p))
    outcomes = []
    for c in cases:
        ranked_records = found.get(c.item.id, [])
        record, probability = ranked_records[0] if ranked_records else (None, 0.0)
        decision = "match" if probability >= 0.99 else "possible" if record else "none"
        outcomes.append(Outcome(decision, record, frozenset(r for r, _ in ranked_records)))
    return Run(outcomes, {"total": seconds})


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
    defaults = Thresholds()
    parser.add_argument(
        "--registered", type=float, default=defaults.registered,
        help="the engine's prior that a documented weapon is registered",
    )  # fmt: skip
    parser.add_argument(
        "--margin", type=int, default=defaults.margin,
        help="serials beside a registered run where the engine looks for unregistered look-alikes",
    )  # fmt: skip
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
    parser.add_argument(
        "--rapidfuzz", type=int, default=None, metavar="N",
        help="run the rapidfuzz reference matcher on the first N items (all by default, 0: skip it)",
    )  # fmt: skip
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    records, cases = make_cases(args, rng)
    generated = time.perf_counter() - t0
    expected = Counter(c.expected for c in cases)
    base_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The generated registry and items live to the end: keep the cyclic garbage collector from
    # walking their millions of objects again and again while the matchers run (a long-running
    # service does the same with its static data). Every matcher runs under this alike.
    gc.freeze()
    print(f"records {len(records):,}  items {len(cases):,} ({len(cases) - expected['none']:,}"
          f" registered; expected decisions: {expected['match']:,} match,"
          f" {expected['possible']:,} possible, {expected['none']:,} none)  seed {args.seed}"
          f"  generated in {generated:.1f} s, {base_mib:,.0f} MiB")  # fmt: skip
    thresholds = Thresholds(registered=args.registered, margin=args.margin)
    run = in_child(run_engine, records, cases, args.processes, thresholds)
    engine_name = f"engine ({args.processes} process{'es' if args.processes > 1 else ''})"
    report(engine_name, score(run.outcomes, cases), sum(run.seconds.values()), run.peak_mib,
           args.breakdown)  # fmt: skip
    _stages(run)
    for name, size, runner in (
        ("rapidfuzz", args.rapidfuzz, lambda sample: run_reference(records, sample)),
        ("splink", args.splink, lambda sample: run_splink(records, sample, args.splink_train)),
    ):
        if size == 0:
            continue
        sample = cases[: size or len(cases)]
        run = in_child(runner, sample)
        report(f"{name} ({len(sample):,} items)", score(run.outcomes, sample),
               sum(run.seconds.values()), run.peak_mib, args.breakdown)  # fmt: skip
        _stages(run)


def _stages(run: Run) -> None:
    print("  " + "  ".join(f"{stage} {s:.1f} s" for stage, s in run.seconds.items()))


if __name__ == "__main__":
    main()
