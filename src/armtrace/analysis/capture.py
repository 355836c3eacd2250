"""Capture–recapture estimates of a total from overlapping lists (items documented by several sources).

Two sources: Chapman's bias-corrected Lincoln–Petersen estimator with its variance (Seber 1982).
Three or more: log-linear multiple-systems estimation — a Poisson GLM (statsmodels) on the observed cells of
the capture-history table; the unobserved cell (seen by no source) is exp(intercept). Independence between
sources is an assumption: with three or more sources the model with two-way interactions is compared with
the independence model by a likelihood-ratio test, and a significant difference is reported as doubt.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    method: str
    observed: int  # distinct items seen by at least one source
    total: float  # estimated population, observed + unseen
    low: float
    high: float
    sources: int
    notes: tuple[str, ...] = field(default_factory=tuple)


def chapman(n1: int, n2: int, m: int) -> Estimate:
    """Chapman (1951): N = (n1+1)(n2+1)/(m+1) - 1, with Seber's variance and a normal 95% interval
    truncated below at the number observed."""
    if m > min(n1, n2):
        raise ValueError("the overlap cannot exceed either list")
    total = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    observed = n1 + n2 - m
    half = Z95 * math.sqrt(var)
    notes = ["independence of the two sources cannot be tested with two lists"]
    if m < 7:  # Robson & Regier's rule of thumb for a nearly unbiased Chapman estimate
        notes.append(f"only {m} items seen by both sources: the estimate is unstable")
    return Estimate(
        "chapman", observed, total, max(observed, total - half), total + half, 2, tuple(notes)
    )


def _design(k: int, interactions: bool) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Observed capture histories (every pattern but all-zero) and their design matrix."""
    histories = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    rows = []
    for h in histories:
        row = [1.0, *h]
        if interactions:
            row += [h[i] * h[j] for i, j in itertools.combinations(range(k), 2)]
        rows.append(row)
    return histories, np.array(rows, dtype=float)


def _fit(counts: Counter[tuple[int, ...]], k: int, interactions: bool):  # type: ignore[no-untyped-def]
    histories, X = _design(k, interactions)
    y = np.array([counts.get(h, 0) for h in histories], dtype=float)
    with warnings.catch_warnings():  # a saturated model (no residual df) is expected with k = 3
        warnings.simplefilter("ignore")
        return GLM(y, X, family=families.Poisson()).fit()


def loglinear(counts: Counter[tuple[int, ...]], interactions: bool = False) -> Estimate:
    """Log-linear MSE over k >= 2 sources; `interactions` adds all two-way terms (k >= 3)."""
    k = len(next(iter(counts)))
    if interactions and k < 3:
        raise ValueError("two-way interactions need at least three sources")
    result = _fit(counts, k, interactions)
    b0, se = float(result.params[0]), float(result.bse[0])
    observed = sum(v for h, v in counts.items() if any(h))
    unseen = math.exp(b0)
    low, high = math.exp(b0 - Z95 * se), math.exp(b0 + Z95 * se)  # Wald interval on the log scale
    notes = list(_independence_doubts(counts, k)) if not interactions else []
    method = "loglinear-interactions" if interactions else "loglinear-independence"
    return Estimate(
        method, observed, observed + unseen, observed + low, observed + high, k, tuple(notes)
    )


def _independence_doubts(counts: Counter[tuple[int, ...]], k: int) -> Iterable[str]:
    if k < 3:
        yield "independence of the two sources cannot be tested with two lists"
        return
    free = _fit(counts, k, False)
    dependent = _fit(counts, k, True)
    lr = free.deviance - dependent.deviance
    df = k * (k - 1) // 2
    p = float(stats.chi2.sf(lr, df))
    if p < 0.05:
        yield (
            f"sources look dependent (likelihood-ratio {lr:.1f} on {df} df, p={p:.3g}): "
            "prefer the model with interactions"
        )


def histories(sightings: dict[str, set[str]], sources: list[str]) -> Counter[tuple[int, ...]]:
    """Capture-history counts from item key -> the sources that documented it."""
    return Counter(tuple(int(s in seen) for s in sources) for seen in sightings.values())


def estimate(sightings: dict[str, set[str]]) -> Estimate:
    """Chapman for two sources, log-linear MSE (independence, with a dependence check) for more."""
    sources = sorted({s for seen in sightings.values() for s in seen})
    if len(sources) < 2:
        raise ValueError("capture–recapture needs items documented by at least two sources")
    counts = histories(sightings, sources)
    if len(sources) == 2:
        n1 = counts[(1, 0)] + counts[(1, 1)]
        n2 = counts[(0, 1)] + counts[(1, 1)]
        return chapman(n1, n2, counts[(1, 1)])
    return loglinear(counts)


def item_sightings(
    session, category: str | None = None, country: str | None = None
) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """Serial -> the sources (documented_by) that recorded it; serials with illegible characters are
    left out, since a partial serial cannot show that two sources saw the same weapon."""
    from sqlalchemy import select

    from armtrace.records.models import Item

    query = select(Item.serial_norm, Item.documented_by, Item.model).where(
        Item.serial_norm.is_not(None), Item.documented_by.is_not(None)
    )
    if category:
        query = query.where(Item.category == category)
    if country:
        query = query.where(Item.country == country.upper())
    sightings: dict[str, set[str]] = {}
    for serial, source, model in session.execute(query):
        if "?" in serial:
            continue
        sightings.setdefault(f"{model or ''}|{serial}", set()).add(source)
    return sightings
