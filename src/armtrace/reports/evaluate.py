"""Scoring extraction against gold annotations, fact by fact.

Each report's incidents are reduced to sets of facts, per kind, at two levels of weapon category
(fine: domain.md's categories; coarse: small arms / light weapons / ammunition and explosives / heavy):

- event:    (type, location, category) for each weapon of an incident
- flow:     (origin, destination, category) for each weapon, where origin or destination is known
- route:    (origin, via, destination) for each transit country
- model:    the model (fine) or its category group (coarse), for each weapon named by model
- quantity: (category, quantity) for each weapon with a number

Facts are compared as sets per report (a fact stated twice counts once), micro-averaged over reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from armtrace.vocabulary import category_group

KINDS = ("event", "flow", "route", "model", "quantity")
LEVELS = ("fine", "coarse")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def facts(incidents: Iterable[dict], kind: str, level: str) -> set[tuple]:
    def cat(w: dict) -> str:
        return w["category"] if level == "fine" else category_group(w["category"])

    out: set[tuple] = set()
    for inc in incidents:
        weapons = inc.get("weapons") or [
            {"category": "unspecified", "model": None, "quantity": None}
        ]
        origin, dest = inc.get("origin"), inc.get("destination")
        if kind == "event":
            out |= {(inc["type"], inc.get("location"), cat(w)) for w in weapons}
        elif kind == "flow" and (origin or dest):
            out |= {(origin, dest, cat(w)) for w in weapons}
        elif kind == "route":
            out |= {(origin, via, dest) for via in inc.get("via") or []}
        elif kind == "model":
            out |= {(w["model"] if level == "fine" else cat(w),) for w in weapons if w.get("model")}
        elif kind == "quantity":
            out |= {(cat(w), w["quantity"]) for w in weapons if w.get("quantity") is not None}
    return out


def score(gold: dict[str, dict], pred: dict[str, dict]) -> dict[tuple[str, str], Score]:
    """Scores per (kind, level), plus ("all", level) over every kind."""
    scores = {(k, lv): Score() for k in (*KINDS, "all") for lv in LEVELS}
    for report_id, g in gold.items():
        p = pred.get(report_id, {"incidents": []})
        for kind in KINDS:
            for level in LEVELS:
                gf = facts(g["incidents"], kind, level)
                pf = facts(p["incidents"], kind, level)
                for key in ((kind, level), ("all", level)):
                    s = scores[key]
                    s.tp += len(gf & pf)
                    s.fp += len(pf - gf)
                    s.fn += len(gf - pf)
    return scores


def load_jsonl(path: str | Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: malformed JSON: {exc.msg}") from exc
                out[str(obj["id"])] = obj
    return out


def place_countries(gold: dict[str, dict], pred: dict[str, dict]) -> Score:
    """How often a found incident is placed in the right country.

    Each gold incident is paired with the first unpaired predicted incident of its report with the
    same type and a weapon group in common; a pair counts as a true positive when both name the same
    location country (no country on both sides counts too), a false positive otherwise. Gold incidents
    left unpaired are not counted: finding incidents is scored by the event facts; this scores
    placing them."""
    result = Score()
    for report_id, g in gold.items():
        free = list(pred.get(report_id, {"incidents": []})["incidents"])
        for incident in g["incidents"]:
            groups = _groups(incident)
            match = next(
                (p for p in free if p["type"] == incident["type"] and groups & _groups(p)), None
            )
            if match is None:
                continue
            free.remove(match)
            if match.get("location") == incident.get("location"):
                result.tp += 1
            else:
                result.fp += 1
    return result


def _groups(incident: dict) -> set[str]:
    weapons = incident.get("weapons") or [{"category": "unspecified"}]
    return {category_group(w["category"]) for w in weapons}
