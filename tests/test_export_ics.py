"""staff/<id>.ics, parsed back with icalendar: one event per block worked, nothing else."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar
from test_export_common import NAMES, SMALL_OFFICE, STAMP, TWO_WEEKS, load

from rotaplan.export.ics import event_uid, write_ics
from rotaplan.problem import Problem
from rotaplan.rota import Rota


def read_calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def unfolded(path: Path) -> str:
    """The file's text with folded lines joined, so a long name is searchable.

    UID lines are left out: they are hashes, and an id such as "ada" can be hex.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return "\n".join(line for line in text.splitlines() if not line.startswith("UID:"))


def write(tmp_path: Path, problem: Problem, rota: Rota) -> list[Path]:
    return write_ics(problem, rota, tmp_path, stamp=STAMP)


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS, NAMES], ids=lambda p: p.stem)
def test_events_are_exactly_the_persons_assignments(tmp_path: Path, path: Path) -> None:
    problem, rota = load(path)
    written = write(tmp_path, problem, rota)
    assert sorted(p.name for p in written) == sorted(f"{p.id}.ics" for p in problem.people)
    slots = {slot.key: slot for slot in problem.slots}
    for person in problem.people:
        calendar = read_calendar(tmp_path / "staff" / f"{person.id}.ics")
        mine = sorted(
            (slots[(a.date, a.block)].start, slots[(a.date, a.block)].end)
            for a in rota.assignments
            if a.staff == person.id
        )
        events = calendar.events
        assert len(events) == len(mine)
        assert sorted((event.start, event.end) for event in events) == mine
        for event in events:
            assert isinstance(event.start, dt.datetime)
            assert isinstance(event.end, dt.datetime)
            assert str(event.start.tzinfo) == problem.timezone
            assert str(event.end.tzinfo) == problem.timezone
            assert event.DTSTAMP == STAMP
        assert [tz.tz_name for tz in calendar.timezones] == [problem.timezone]


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS, NAMES], ids=lambda p: p.stem)
def test_calendar_names_no_one_else(tmp_path: Path, path: Path) -> None:
    problem, rota = load(path)
    write(tmp_path, problem, rota)
    for person in problem.people:
        text = unfolded(tmp_path / "staff" / f"{person.id}.ics")
        mentor = problem.person(person.mentor).name if person.mentor else None
        for other in problem.people:
            if other.id == person.id:
                continue
            if other.name != mentor:
                assert other.name not in text, (person.id, other.name)
            assert other.id not in text, (person.id, other.id)


def test_summary_says_area_and_office_and_location(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    write(tmp_path, problem, rota)
    calendar = read_calendar(tmp_path / "staff" / "schulz.ics")
    areas = {a.area for a in rota.assignments if a.staff == "schulz"}
    summaries = {str(event["SUMMARY"]) for event in calendar.events}
    expected = {"front": "Counter (front office)", "back": "Back office"}
    assert summaries == {f"{expected[area]}: {problem.office_name}" for area in areas}
    assert {str(event["LOCATION"]) for event in calendar.events} == {"Marktplatz 1, Halle (Saale)"}


def test_trainee_events_at_the_counter_name_the_mentor(tmp_path: Path) -> None:
    problem, rota = load(TWO_WEEKS)
    write(tmp_path, problem, rota)
    calendar = read_calendar(tmp_path / "staff" / "emil.ics")
    front = [e for e in calendar.events if str(e["SUMMARY"]).startswith("Counter")]
    assert front
    assert all("Ada Arslan" in str(e["DESCRIPTION"]) for e in front)
    back = [e for e in calendar.events if str(e["SUMMARY"]).startswith("Back")]
    assert all("Ada" not in str(e["DESCRIPTION"]) for e in back)


def test_times_follow_the_change_from_summer_time(tmp_path: Path) -> None:
    problem, rota = load(TWO_WEEKS)
    write(tmp_path, problem, rota)
    calendar = read_calendar(tmp_path / "staff" / "dora.ics")
    starts = [event.start for event in calendar.events]
    assert all(isinstance(start, dt.datetime) for start in starts)
    offsets = {
        start.date(): start.utcoffset() for start in starts if isinstance(start, dt.datetime)
    }
    assert offsets[dt.date(2026, 10, 23)] == dt.timedelta(hours=2)  # CEST
    assert offsets[dt.date(2026, 10, 26)] == dt.timedelta(hours=1)  # CET


def test_uid_is_stable_and_ignores_the_area(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    first = rota.assignments[0]
    moved = dataclasses.replace(first, area="back" if first.area == "front" else "front")
    other = dataclasses.replace(rota, assignments=(moved, *rota.assignments[1:]))
    write(tmp_path / "a", problem, rota)
    write_ics(problem, other, tmp_path / "b", stamp=STAMP + dt.timedelta(days=1))
    name = f"{first.staff}.ics"
    before = {e.uid: e for e in read_calendar(tmp_path / "a" / "staff" / name).events}
    after = {e.uid: e for e in read_calendar(tmp_path / "b" / "staff" / name).events}
    assert before.keys() == after.keys()
    uid = event_uid(problem.office_name, first.staff, first.date, first.block)
    assert str(before[uid]["SUMMARY"]) != str(after[uid]["SUMMARY"])
    assert after[uid].sequence > before[uid].sequence


def test_uids_are_unique_across_people_and_blocks(tmp_path: Path) -> None:
    problem, rota = load(TWO_WEEKS)
    write(tmp_path, problem, rota)
    uids = [
        event.uid
        for person in problem.people
        for event in read_calendar(tmp_path / "staff" / f"{person.id}.ics").events
    ]
    assert len(uids) == len(set(uids)) == len(rota.assignments)


def test_same_stamp_gives_the_same_bytes(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    write(tmp_path / "a", problem, rota)
    write(tmp_path / "b", problem, rota)
    for person in problem.people:
        name = f"staff/{person.id}.ics"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_person_without_shifts_gets_a_valid_empty_calendar(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    rota = dataclasses.replace(
        rota, assignments=tuple(a for a in rota.assignments if a.staff != "klein")
    )
    write(tmp_path, problem, rota)
    calendar = read_calendar(tmp_path / "staff" / "klein.ics")
    assert calendar.events == []
    assert calendar.timezones


def test_hostile_text_survives_as_text(tmp_path: Path) -> None:
    problem, rota = load(NAMES)
    write(tmp_path, problem, rota)
    calendar = read_calendar(tmp_path / "staff" / "script.ics")
    assert problem.office_name in str(calendar.events[0]["SUMMARY"])
    assert str(calendar.events[0]["LOCATION"]).startswith("=HYPERLINK(")
