"""Calendar files for staff: `staff/<id>.ics`, one event per block the person works.

Each file holds only its owner's shifts, in the office's time zone with a
VTIMEZONE built from the zone database, so Outlook, Thunderbird and phones
show the right local times. An event's UID comes from (office, staff, date,
block) and not from the area, so importing a re-published rota updates a shift
that moved from the counter to the back office instead of adding a second one.
A trainee's counter events name their mentor; nothing else names anyone else.

The VTIMEZONE and the form of each date-time come from icalendar (imported
only when calendars are written); the lines of each file are put together
here, which is many times quicker than building icalendar objects for
hundreds of events.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rotaplan.export.grid import (
    DASH,
    area_label,
    assignment_times,
    format_clock,
    format_long_date,
    slot_index,
    sorted_assignments,
    staff_file,
)
from rotaplan.files import write_atomic
from rotaplan.problem import Person, Problem, Slot, SlotKey
from rotaplan.rota import Assignment, Rota

if TYPE_CHECKING:
    # Imported where calendars are made, so that only writing them loads icalendar.
    from icalendar import Timezone

PRODID = "-//rotaplan//Staff rota//EN"
# Fixed namespace so that the same (office, staff, date, block) always gives the same UID.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rotaplan.invalid/ics")
# SEQUENCE counts minutes since this moment, so each publication outranks the last one
# and calendar apps accept the changed times or area of an event they already hold.
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# RFC 5545 lines hold at most 75 octets; longer ones continue on lines opening with a space.
FOLD_LIMIT = 75
FOLD = "\r\n "


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


def ical_text(value: str) -> str:
    """`value` as an iCalendar TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def as_written(value: str) -> str:
    """`value` for the calendar's NAME, X-WR-CALNAME and X-WR-TIMEZONE: as it is.

    These have always been written unescaped, and calendar apps show them as
    they stand; only line breaks are escaped, so that a name can never break
    the file.
    """
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Split a content line of 75 octets or more into folded lines, as RFC 5545 asks.

    Each piece holds at most 74 octets (a continuation line adds its opening
    space), a character is never split, and neither is an escape: a piece
    never ends with a backslash or caret whose escaped character is on the next.
    """
    data = line.encode("utf-8")
    if len(data) < FOLD_LIMIT:
        return line
    pieces: list[str] = []
    start = 0
    while len(data) - start >= FOLD_LIMIT:
        end = start + FOLD_LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return FOLD.join(pieces)


def _moment_formatter() -> Callable[[str, dt.datetime], str]:
    """Content lines for date-times (DTSTART, DTEND, DTSTAMP) in icalendar's form.

    A time in the office's zone is written with its TZID, a UTC time with a Z;
    each distinct moment is formatted once (a week has only a few block times).
    """
    from icalendar import vDDDTypes

    known: dict[dt.datetime, tuple[str, str]] = {}

    def line(name: str, moment: dt.datetime) -> str:
        found = known.get(moment)
        if found is None:
            value = vDDDTypes(moment)
            params = value.params.to_ical(sorted=True).decode("utf-8") if value.params else ""
            found = known[moment] = (f";{params}" if params else "", value.to_ical().decode())
        params, text = found
        return f"{name}{params}:{text}"

    return line


def staff_calendar(
    problem: Problem,
    rota: Rota,
    staff: str,
    *,
    stamp: dt.datetime,
    timezone: Timezone | None = None,
) -> str:
    """One person's calendar file: a VEVENT per block they work, nothing about anyone else.

    `stamp` is the DTSTAMP of every event (the moment of publication, UTC).
    """
    mine = sorted_assignments(problem, rota, staff)
    if timezone is None:
        dates = [problem.start, problem.end, *(item.date for item in mine)]
        timezone = office_timezone(problem, min(dates), max(dates))
    return _calendar_text(
        problem,
        problem.person(staff),
        mine,
        stamp=stamp,
        zone_lines=timezone.to_ical().decode("utf-8"),
        slots=slot_index(problem),
        moment_line=_moment_formatter(),
    )


def _calendar_text(
    problem: Problem,
    person: Person,
    mine: Sequence[Assignment],
    *,
    stamp: dt.datetime,
    zone_lines: str,
    slots: dict[SlotKey, Slot],
    moment_line: Callable[[str, dt.datetime], str],
) -> str:
    """The calendar file of `person` with their assignments `mine` (in reading order)."""
    mentor = problem.person(person.mentor) if person.trainee and person.mentor else None
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    sequence = max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()) // 60)
    office = problem.office_name
    name = as_written(f"{office}: {person.name}")
    calendar = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ical_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"UID:{ical_text(calendar_uid(office, person.id))}",
        f"X-WR-TIMEZONE:{as_written(problem.timezone)}",
    ]
    stamp_line = moment_line("DTSTAMP", stamp)
    location = f"LOCATION:{ical_text(problem.location)}" if problem.location else None
    events: list[str] = []
    for item in mine:
        start, end = assignment_times(problem, item, slots)
        about = [
            f"{area_label(item.area)}, {format_long_date(item.date)}, "
            f"block {item.block} ({format_clock(start)}{DASH}{format_clock(end)}).",
        ]
        if mentor is not None and item.area == "front":
            about.append(f"At the counter beside your mentor, {mentor.name}.")
        about.append(f"Rota of {office}.")
        description = "\n".join(about)
        # Always the same order, so that the same rota gives the same file.
        events += [
            "BEGIN:VEVENT",
            f"SUMMARY:{ical_text(f'{area_label(item.area)}: {office}')}",
            moment_line("DTSTART", start),
            moment_line("DTEND", end),
            stamp_line,
            f"UID:{ical_text(event_uid(office, person.id, item.date, item.block))}",
            f"SEQUENCE:{sequence}",
            f"DESCRIPTION:{ical_text(description)}",
            *([location] if location else []),
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    events.append("END:VCALENDAR")
    return _joined(calendar) + zone_lines + _joined(events)


def _joined(lines: list[str]) -> str:
    """Content lines, folded, each ending with CRLF."""
    return "".join(f"{fold(line)}\r\n" for line in lines)


def write_ics(
    problem: Problem, rota: Rota, folder: Path, *, stamp: dt.datetime | None = None
) -> list[Path]:
    """Write `folder/staff/<id>.ics` for every person (a file even with no shifts).

    `stamp` defaults to now; pass a fixed moment for reproducible files.
    """
    moment = stamp if stamp is not None else dt.datetime.now(dt.UTC)
    dates = [problem.start, problem.end, *(item.date for item in rota.assignments)]
    zone_lines = office_timezone(problem, min(dates), max(dates)).to_ical().decode("utf-8")
    slots = slot_index(problem)
    moment_line = _moment_formatter()
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for item in sorted_assignments(problem, rota):
        mine[item.staff].append(item)
    paths: list[Path] = []
    for person in problem.people:
        text = _calendar_text(
            problem,
            person,
            mine[person.id],
            stamp=moment,
            zone_lines=zone_lines,
            slots=slots,
            moment_line=moment_line,
        )
        path = staff_file(folder, person.id, ".ics")
        write_atomic(path, text, sync=False)
        paths.append(path)
    return paths
