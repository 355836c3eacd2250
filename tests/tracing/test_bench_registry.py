"""The tracing benchmark's generator and its ground truth, and the engine on a small generated
registry: the same results traced one by one, in a batch, and in two processes."""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from pathlib import Path

import pytest

from armtrace.tracing.engine import Matcher

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # bench/tracing.py imports bench/rapidfuzz_baseline.py
_spec = importlib.util.spec_from_file_location("bench_tracing", BENCH / "tracing.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_tracing"] = bench  # dataclasses look their module up while the file runs
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def generated() -> tuple[list, list]:
    args = argparse.Namespace(records=20_000, items=2_500, unregistered=0.1, seed=3)
    return bench.make_cases(args, random.Random(args.seed))


def test_every_item_has_its_expected_decision(generated: tuple[list, list]) -> None:
    _, cases = generated
    assert {c.expected for c in cases} == {"match", "possible", "none"}
    assert all((c.expected == "none") == (not c.true_ids) for c in cases)
    clean = [c for c in cases if c.damage in ("clean", "misread")]
    assert clean and all(c.expected == "match" for c in clean)  # a full reading names one weapon


def test_the_oracle_spells_cut_off_readings_with_folded_prefixes() -> None:
    # ZA141839 is registered as 2A141839 (Z folds onto 2): a cut-off reading must still find it.
    assert bench.fitting_serials("*141839", {"2A141839", "AK141839"}, ["2A", "AK"]) == {
        "2A141839",
        "AK141839",
    }


def test_batch_and_processes_give_the_results_of_one_by_one(generated: tuple[list, list]) -> None:
    records, cases = generated
    matcher = Matcher(records)
    items = [c.item for c in cases]
    alone = [matcher.trace(i).as_dict() for i in items]
    assert [r.as_dict() for r in matcher.trace_many(items)] == alone
    assert [r.as_dict() for r in matcher.trace_many(items, processes=2)] == alone


def test_engine_meets_the_bar_on_the_small_registry(generated: tuple[list, list]) -> None:
    records, cases = generated
    run = bench.run_engine(records, cases, 1)
    tally = bench.score(run.outcomes, cases)["all"]
    assert tally["tp"] / (tally["tp"] + tally["fp"]) >= 0.99
    assert tally["tp match"] / tally["expect match"] >= 0.95
