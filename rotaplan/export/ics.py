"""Calendar files for staff: `staff/<id>.ics`, one event per block the person works.

Each file holds only its owner's shifts, in the office's time zone with a
VTIMEZONE built from the zone database, so Outlook, Thunderbird and phones
show the right local times. An event's UID comes from (office, staff, date,
block) and not from the area, so importing a re-published rota updates a shift
that moved from the counter to the back office instead of adding a second one.
A trainee's counter events name their mentor; nothing else names anyone else.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rotaplan.export.grid import (
    DASH,
    area_label,
    assignment_times,
    assignments_by_staff,
    format_clock,
    format_long_date,
    slot_index,
    sorted_assignments,
    staff_file,
)
from rotaplan.files import write_atomic
from rotaplan.problem import Problem
from rotaplan.rota import Assignment, Rota

if TYPE_CHECKING:
    # Imported where calendars are made, so that only writing them loads icalendar.
    from icalendar import Calendar, Timezone

PRODID = "-//rotaplan//Staff rota//EN"
# Fixed namespace so that the same (office, staff, date, block) always gives the same UID.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rotaplan.invalid/ics")
# SEQUENCE counts minutes since this moment, so each publication outranks the last one
# and calendar apps accept the changed times or area of an event they already hold.
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def event_uid(office: str, staff: str, date: dt.date, block: str) -> str:
    """The stable UID of one person's event in one block (the area is left out on purpose)."""
    key = json.dumps([office, staff, date.isoformat(), block], ensure_ascii=False)
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@rotaplan"


def calendar_uid(office: str, staff: str) -> str:
    """The stable UID of one person's calendar."""
    return str(uuid.uuid5(UID_NAMESPACE, json.dumps([office, staff], ensure_ascii=False)))


def office_timezone(problem: Problem, first: dt.date, last: dt.date) -> Timezone:
    """The VTIMEZONE of the office's zone, valid from the year of `first` past `last`."""
    from icalendar import Timezone

    return Timezone.from_tzinfo(
        ZoneInfo(problem.timezone),
        tzid=problem.timezone,
        first_date=dt.date(first.year, 1, 1),
        last_date=dt.date(last.year + 1, 1, 1),
    )


def staff_calendar(
    problem: Problem,
    rota: Rota,
    staff: str,
    *,
    stamp: dt.datetime,
    timezone: Timezone | None = None,
    mine: Sequence[Assignment] | None = None,
) -> Calendar:
    """One person's calendar: a VEVENT per block they work, nothing about anyone else.

    `stamp` is the DTSTAMP of every event (the moment of publication, UTC). `mine` is the
    person's assignments in reading order, where the caller has them at hand.
    """
    from icalendar import Calendar, Event

    person = problem.person(staff)
    mentor = problem.person(person.mentor) if person.trainee and person.mentor else None
    slots = slot_index(problem)
    if mine is None:
        mine = sorted_assignments(problem, rota, staff)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    sequence = max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()) // 60)

    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=f"{problem.office_name}: {person.name}",
        uid=calendar_uid(problem.office_name, staff),
    )
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-TIMEZONE", problem.timezone)
    dates = [problem.start, problem.end, *(item.date for item in mine)]
    calendar.add_component(timezone or office_timezone(problem, min(dates), max(dates)))

    for item in mine:
        start, end = assignment_times(problem, item, slots)
        lines = [
            f"{area_label(item.area)}, {format_long_date(item.date)}, "
            f"block {item.block} ({format_clock(start)}{DASH}{format_clock(end)}).",
        ]
        if mentor is not None and item.area == "front":
            lines.append(f"At the counter beside your mentor, {mentor.name}.")
        lines.append(f"Rota of {problem.office_name}.")
        event = Event.new(
            uid=event_uid(problem.office_name, staff, item.date, item.block),
            stamp=stamp,
            start=start,
            end=end,
            summary=f"{area_label(item.area)}: {problem.office_name}",
            description="\n".join(lines),
            location=problem.location or None,
            sequence=sequence,
        )
        event.add("STATUS", "CONFIRMED")
        event.add("TRANSP", "OPAQUE")
        calendar.add_component(event)
    return calendar


def write_ics(
    problem: Problem,
    rota: Rota,
    folder: Path,
    *,
    stamp: dt.datetime | None = None,
    staff: Sequence[str] | None = None,
) -> list[Path]:
    """Write `folder/staff/<id>.ics` for every person, or for those in `staff` (a file even
    with no shifts), in that order.

    `stamp` defaults to now; pass a fixed moment for reproducible files.
    """
    ids = [person.id for person in problem.people] if staff is None else list(staff)
    if not ids:
        return []
    moment = stamp if stamp is not None else dt.datetime.now(dt.UTC)
    dates = [problem.start, problem.end, *(item.date for item in rota.assignments)]
    timezone = office_timezone(problem, min(dates), max(dates))
    by_staff = assignments_by_staff(problem, rota)
    paths: list[Path] = []
    for staff_id in ids:
        calendar = staff_calendar(
            problem, rota, staff_id, stamp=moment, timezone=timezone, mine=by_staff[staff_id]
        )
        path = staff_file(folder, staff_id, ".ics")
        write_atomic(path, calendar.to_ical(), sync=False)
        paths.append(path)
    return paths
