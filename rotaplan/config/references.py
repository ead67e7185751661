"""Cross-checks: everything in the office file that refers to something else.

Skills, blocks, weekdays, mentors and dates, checked on a valid office or on
the valid pieces of an invalid one (see `parts`). These live here rather than
in pydantic `model_validator`s because a validator cannot say on which line of
the file the mistake is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rotaplan.config.holidays import holiday_calendar
from rotaplan.config.parts import _Demand, _Parts, _parts_of
from rotaplan.config.schema import DateRange, Office, StaffSpec
from rotaplan.config.suggest import _did_you_mean
from rotaplan.yamlfile import KeyPath

Found = tuple[KeyPath, str, str]
"""One cross-check finding: (key path, what is wrong, how to fix it)."""


def cross_check(office: Office) -> list[Found]:
    """Everything that refers to something else: (key path, what is wrong, fix) for each mistake."""
    return _cross_check(_parts_of(office))


def _cross_check(parts: _Parts) -> list[Found]:
    return [
        *_check_office(parts),
        *_check_blocks_and_days(parts),
        *_check_demand(parts),
        *_check_staff(parts),
    ]


def _unknown_skill(parts: _Parts, where: KeyPath, skill: str) -> list[Found]:
    if parts.skills is None or skill in parts.skills:
        return []
    declared = ", ".join(parts.skills) or "none yet"
    return [
        (
            where,
            f"unknown skill '{skill}'",
            _did_you_mean(skill, parts.skills) + f"declare it under skills: ({declared})",
        )
    ]


def _unknown_block(parts: _Parts, where: KeyPath, block: str) -> list[Found]:
    if parts.block_names is None or block in parts.block_names:
        return []
    return [
        (
            where,
            f"unknown block '{block}'",
            _did_you_mean(block, parts.block_names)
            + f"define it under blocks: ({', '.join(parts.block_names)})",
        )
    ]


def _closed_day(parts: _Parts, where: KeyPath, day: str, whose: str) -> list[Found]:
    if parts.opening_days is None or day in parts.opening_days:
        return []
    return [
        (
            where,
            f"'{day}' is not an opening day of the office, so {whose} never applies",
            f"use one of {', '.join(parts.opening_days)}, or open the office on {day} under days:",
        )
    ]


def _reversed(where: KeyPath, entry: DateRange) -> list[Found]:
    if entry.end >= entry.start:
        return []
    return [
        (
            where,
            f"the range ends ({entry.end}) before it starts ({entry.start})",
            "swap 'from' and 'to'",
        )
    ]


def _check_office(parts: _Parts) -> list[Found]:
    """Time zone, holiday region, closed ranges and a period that starts on a Monday."""
    found: list[Found] = []
    info = parts.info
    if info is not None:
        try:
            ZoneInfo(info.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            found.append(
                (
                    ("office", "timezone"),
                    f"unknown time zone '{info.timezone}'",
                    _did_you_mean(info.timezone, available_timezones())
                    + "use an IANA name such as Europe/Berlin",
                )
            )
        year = parts.period.start.year if parts.period is not None else dt.date.today().year
        if info.holidays is not None and holiday_calendar(info.holidays, [year]) is None:
            found.append(
                (
                    ("office", "holidays"),
                    f"unknown holiday region '{info.holidays}'",
                    "use a country code with an optional subdivision, e.g. DE or DE-ST",
                )
            )
        for index, closed in enumerate(info.closed):
            if isinstance(closed, DateRange):
                found += _reversed(("office", "closed", index), closed)
    if parts.period is not None and parts.period.start.weekday() != 0:
        start = parts.period.start
        monday = start - dt.timedelta(days=start.weekday())
        found.append(
            (
                ("period", "start"),
                f"{start} is a {start:%A}, not a Monday",
                f"start the period on Monday {monday} (or {monday + dt.timedelta(days=7)})",
            )
        )
    return found


def _check_blocks_and_days(parts: _Parts) -> list[Found]:
    """Blocks end after they start; days list known blocks, once each, without overlaps."""
    found: list[Found] = []
    for name, block in parts.blocks.items():
        if block.end <= block.start:
            found.append(
                (
                    ("blocks", name, "end"),
                    f"block '{name}' ends at {block.end:%H:%M}, not after its start "
                    f"{block.start:%H:%M}",
                    "give an end time later than the start on the same day",
                )
            )
    for day, names in parts.day_blocks.items():
        for index, block_name in enumerate(names):
            found += _unknown_block(parts, ("days", day, index), block_name)
        if len(set(names)) != len(names):
            twice = sorted({name for name in names if names.count(name) > 1})
            found.append(
                (("days", day), f"block '{twice[0]}' is listed twice on {day}", "list it once")
            )
        known = sorted(
            {name: parts.blocks[name] for name in names if name in parts.blocks}.items(),
            key=lambda item: item[1].start,
        )
        for (first, earlier), (second, later) in itertools.pairwise(known):
            if later.start < earlier.end:
                found.append(
                    (
                        ("days", day),
                        f"blocks '{first}' ({earlier.start:%H:%M}-{earlier.end:%H:%M}) and "
                        f"'{second}' ({later.start:%H:%M}-{later.end:%H:%M}) overlap on {day}",
                        "change the block times so one ends before the next starts, or list "
                        "only one of them on this day",
                    )
                )
    return found


def _check_demand(parts: _Parts) -> list[Found]:
    """Needs name known skills, overrides known blocks and opening days, needs fit the seats."""
    found: list[Found] = []
    for demand in parts.demands:
        area = demand.area
        for skill in demand.needs or {}:
            found += _unknown_skill(parts, (area, "needs", skill), skill)
        for index, override in demand.overrides:
            here: KeyPath = (area, "overrides", index)
            for skill in override.needs or {}:
                found += _unknown_skill(parts, (*here, "needs", skill), skill)
            for position, block_name in enumerate(override.blocks or []):
                found += _unknown_block(parts, (*here, "blocks", position), block_name)
            for position, day in enumerate(override.days or []):
                found += _closed_day(parts, (*here, "days", position), day, "this override")
        if area == "front":
            found += _needs_within_seats(demand, parts.dropped)
        # The back office has no such check, on purpose: `back.min` is a minimum, not a
        # cap. Everyone not at the counter may work in the back office, so needing 3
        # naturalisation staff with a minimum of 2 simply means at least 3 people there.
    return found


def _needs_within_seats(front: _Demand, front_dropped: set[KeyPath]) -> list[Found]:
    """A counter skill need larger than the seats can never be met (needs count seated staff)."""
    found: list[Found] = []
    if front.seats is not None and front.needs is not None:
        found += _too_many(("front", "needs"), front.needs, front.seats, "front.seats")
    for index, override in front.overrides:
        here: KeyPath = ("front", "overrides", index)
        if {(*here, "seats"), (*here, "needs")} & front_dropped:
            continue  # its seats or needs are wrong already; any sum here would be a guess
        own_seats = getattr(override, "seats", None)
        seats = own_seats if own_seats is not None else front.seats
        if seats is None:
            continue
        if override.needs is not None:
            source = "this override's seats" if own_seats is not None else "front.seats"
            found += _too_many((*here, "needs"), override.needs, seats, source)
        elif own_seats is not None and front.needs is not None:
            own_needs = ", ".join(
                f"{skill}: {min(count, seats)}" for skill, count in front.needs.items()
            )
            own_needs = f"{{{own_needs}}}" if seats else "{}"
            for skill, count in front.needs.items():
                if count > seats:
                    found.append(
                        (
                            (*here, "seats"),
                            f"this override leaves {seats} seat(s), but front.needs asks for "
                            f"{count} '{skill}' at the counter",
                            f"raise 'seats' to at least {count}, or give this override its own "
                            f"'needs' (e.g. needs: {own_needs})",
                        )
                    )
    return found


def _too_many(where: KeyPath, needs: dict[str, int], seats: int, source: str) -> list[Found]:
    return [
        (
            (*where, skill),
            f"needs {count} '{skill}' at the counter, but there are only {seats} seat(s) "
            f"({source})",
            f"lower the need to at most {seats}, or raise the seats"
            if seats
            else "remove the need (no seats, no one to hold it), or raise the seats",
        )
        for skill, count in needs.items()
        if count > seats
    ]


def _check_staff(parts: _Parts) -> list[Found]:
    """Unique ids, known skills and days, ranges in order, mentors that exist and are trained."""
    found: list[Found] = []
    first_of: dict[str, int] = {}
    # Ids become file names (staff/<id>.ics), and macOS and Windows take 'Weber' and
    # 'weber' for the same file: ids that differ only in letter case are used twice too.
    first_ignoring_case: dict[str, tuple[int, str]] = {}
    for index, staff_id in parts.staff_ids:
        if staff_id in first_of:
            found.append(
                (
                    ("staff", index, "id"),
                    f"id '{staff_id}' is used twice (also staff[{first_of[staff_id]}])",
                    "give every person a unique id (ids become file names)",
                )
            )
        elif staff_id.lower() in first_ignoring_case:
            first, written = first_ignoring_case[staff_id.lower()]
            found.append(
                (
                    ("staff", index, "id"),
                    f"id '{staff_id}' is used twice (also staff[{first}] as '{written}'): ids "
                    "that differ only in letter case are the same file name on macOS and Windows",
                    "give every person a unique id, also ignoring letter case (ids become file "
                    "names)",
                )
            )
        first_of.setdefault(staff_id, index)
        first_ignoring_case.setdefault(staff_id.lower(), (index, staff_id))
    for index, person in parts.staff:
        here: KeyPath = ("staff", index)
        for position, skill in enumerate(person.skills):
            found += _unknown_skill(parts, (*here, "skills", position), skill)
        for position, day in enumerate(person.days or []):
            found += _closed_day(parts, (*here, "days", position), day, "this working day")
        for key, entries in (("absent", person.absent), ("school", person.school)):
            for position, entry in enumerate(entries):
                if isinstance(entry, DateRange):
                    found += _reversed((*here, key, position), entry)
        found += _check_mentor(parts, index, person, first_of)
    return found


def _check_mentor(parts: _Parts, index: int, person: StaffSpec, ids: dict[str, int]) -> list[Found]:
    """A trainee names a fully trained mentor on the staff list; others name none."""
    here: KeyPath = ("staff", index)
    if {(*here, "trainee"), (*here, "mentor")} & parts.dropped:
        return []  # reported by the schema; guessing the rest would add noise
    if not person.trainee:
        return [
            (
                (*here, key),
                f"'{key}' is only for trainees",
                "remove it, or add 'trainee: true'",
            )
            for key in ("mentor", "min_front_blocks")
            if getattr(person, key) is not None
        ]
    mentor = person.mentor
    trained = [staff_id for staff_id in ids if staff_id not in parts.trainees]
    if mentor is None:
        return [
            (
                (*here, "trainee"),
                f"trainee '{person.id}' has no mentor",
                "add 'mentor: <id>' naming a fully trained colleague"
                + (f", e.g. mentor: {trained[0]}" if trained else ""),
            )
        ]
    if mentor == person.id:
        return [((*here, "mentor"), "a trainee cannot be their own mentor", "name a colleague")]
    if mentor not in ids:
        return [
            (
                (*here, "mentor"),
                f"mentor '{mentor}' is not on the staff list",
                _did_you_mean(mentor, trained) + "use the id of a fully trained colleague",
            )
        ]
    if mentor in parts.trainees:
        return [
            (
                (*here, "mentor"),
                f"mentor '{mentor}' is a trainee too",
                "choose a fully trained colleague as mentor",
            )
        ]
    return []
