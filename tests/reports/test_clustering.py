"""The writer's same-event index: the date window as the former SQL query had it, and an incident
that moves when a later report fills in its date."""

from dataclasses import dataclass
from datetime import date

from armtrace.reports.clustering import Candidate, EventIndex, interned
from armtrace.store import Store

KEY = ("EG", "seizure")


@dataclass
class _New:  # the Event protocol: what a new incident offers to the comparison
    type: str = "seizure"
    location: str | None = "EG"
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None
    categories: frozenset[str] = frozenset({"artillery_rocket"})


def _candidate(incident_id: str, incident_date: str | None, published: date) -> Candidate:
    rockets = interned(frozenset({"artillery_rocket"}))
    return Candidate(incident_id, "s1", incident_date, None, None, None, published, rockets)


def test_window_and_a_date_filled_in_later(store: Store) -> None:
    index = EventIndex()
    with store.transaction() as session:
        connection = session.connection()
        undated = _candidate("a-0", None, date(2013, 3, 14))
        by_year = _candidate("b-0", "2013", date(2013, 7, 1))
        index.add(connection, KEY, undated)
        index.add(connection, KEY, by_year)
        found = index.match(connection, KEY, "s2", date(2013, 3, 20), _New())
        assert found is not None and found[0] is undated
        assert "dates within 31 days" in found[1]
        # a date of year precision never matched in SQL ('2013' sorts before '2013-06')
        assert index.match(connection, KEY, "s2", date(2013, 7, 15), _New()) is None
        # the same report's own incidents are never candidates
        assert index.match(connection, KEY, "s1", date(2013, 3, 20), _New()) is None
        # a join fills in the undated incident's date: it moves to that day
        before = undated.day
        undated.date = "2013-09-02"
        index.update(KEY, undated, before)
        assert index.match(connection, KEY, "s2", date(2013, 3, 20), _New()) is None
        found = index.match(connection, KEY, "s2", date(2013, 9, 10), _New())
        assert found is not None and found[0] is undated
    assert len(index) == 2
