"""The resolved problem: open blocks, demand after overrides, availability and shares.

Everything the model, the checker and the exports need, computed once from an
office file, with no solver involved. All durations are whole minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from rotaplan.config import WEEKDAYS, DateRange, Office, Rules, holiday_calendar, load_office

StaffId = str
BlockName = str
SlotKey = tuple[dt.date, BlockName]
AREAS: tuple[str, ...] = ("front", "back")


class DayStatus(StrEnum):
    """Why a person can or cannot work on a date (first matching reason wins)."""

    AVAILABLE = "available"
    HOLIDAY = "holiday"  # public holiday or office closed by `office.closed`
    CLOSED = "closed"  # not an opening weekday
    OFF = "off"  # outside the person's `days` pattern
    ABSENT = "absent"
    SCHOOL = "school"


@dataclass(frozen=True)
class Slot:
    """One open block on one date."""

    date: dt.date
    block: BlockName
    start: dt.datetime  # aware, office time zone
    end: dt.datetime
    minutes: int
    week: int  # 0-based week of the period

    @property
    def key(self) -> SlotKey:
        """(date, block), the slot's identity."""
        return (self.date, self.block)


@dataclass(frozen=True)
class Demand:
    """What one slot needs after overrides."""

    seats: int
    front_needs: Mapping[str, int]
    back_min: int
    back_needs: Mapping[str, int]


@dataclass(frozen=True)
class Person:
    """A member of staff, resolved."""

    id: StaffId
    name: str
    hours: float
    skills: frozenset[str]
    front_allowed: bool
    trainee: bool
    mentor: StaffId | None
    max_front_blocks: int | None
    min_front_blocks: int | None

    def has_skill(self, skill: str) -> bool:
        """True if the person holds `skill`."""
        return skill in self.skills


@dataclass(frozen=True)
class Problem:
    """A fully resolved planning problem."""

    office_name: str
    timezone: str
    location: str | None
    start: dt.date
    end: dt.date  # last date of the period, included
    weeks: int
    dates: tuple[dt.date, ...]
    holidays: Mapping[dt.date, str]  # closing dates inside the period and why
    slots: tuple[Slot, ...]  # open blocks in time order
    demand: Mapping[SlotKey, Demand]
    people: tuple[Person, ...]
    status: Mapping[tuple[StaffId, dt.date], DayStatus]
    shares: Mapping[tuple[StaffId, int], int]  # (person, week) -> share in minutes
    rules: Rules
    fingerprint: str
    block_order: tuple[BlockName, ...]  # every block name, ordered by start time

    def person(self, staff: StaffId) -> Person:
        """The person with id `staff`."""
        return self._people_by_id[staff]

    @cached_property
    def _people_by_id(self) -> dict[StaffId, Person]:
        return {person.id: person for person in self.people}

    def is_available(self, staff: StaffId, date: dt.date) -> bool:
        """True if `staff` may work at all on `date`."""
        return self.status[(staff, date)] is DayStatus.AVAILABLE

    def week_of(self, date: dt.date) -> int:
        """0-based week index of `date` within the period."""
        return (date - self.start).days // 7

    def period_share(self, staff: StaffId) -> int:
        """A person's share over the whole period, in minutes."""
        return sum(self.shares[(staff, week)] for week in range(self.weeks))


def resolve(office: Office) -> Problem:
    """Turn a validated office file into a Problem."""
    zone = ZoneInfo(office.office.timezone)
    start = office.period.start
    dates = tuple(start + dt.timedelta(days=offset) for offset in range(7 * office.period.weeks))
    end = dates[-1]

    closing: dict[dt.date, str] = {}
    if office.office.holidays:
        years = sorted({date.year for date in dates})
        closing.update(holiday_calendar(office.office.holidays, years) or {})
    for entry in office.office.closed:
        for day in entry.days() if isinstance(entry, DateRange) else [entry]:
            closing.setdefault(day, "office closed")
    holidays = {date: name for date, name in closing.items() if start <= date <= end}

    block_order = tuple(sorted(office.blocks, key=lambda name: office.blocks[name].start))
    slots: list[Slot] = []
    demand: dict[SlotKey, Demand] = {}
    for date in dates:
        weekday = WEEKDAYS[date.weekday()]
        if date in holidays or weekday not in office.days:
            continue
        day_blocks = sorted(office.days[weekday], key=lambda name: office.blocks[name].start)
        for name in day_blocks:
            block = office.blocks[name]
            begin = dt.datetime.combine(date, block.start, tzinfo=zone)
            finish = dt.datetime.combine(date, block.end, tzinfo=zone)
            minutes = (block.end.hour * 60 + block.end.minute) - (
                block.start.hour * 60 + block.start.minute
            )
            slot = Slot(date, name, begin, finish, minutes, (date - start).days // 7)
            slots.append(slot)
            demand[slot.key] = _demand_for(office, date, name)

    people = tuple(
        Person(
            id=spec.id,
            name=spec.name,
            hours=spec.hours,
            skills=frozenset(spec.skills),
            front_allowed=spec.front,
            trainee=spec.trainee,
            mentor=spec.mentor,
            max_front_blocks=spec.max_front_blocks,
            min_front_blocks=spec.min_front_blocks,
        )
        for spec in office.staff
    )

    status: dict[tuple[StaffId, dt.date], DayStatus] = {}
    shares: dict[tuple[StaffId, int], int] = {}
    open_minutes = {
        date: sum(slot.minutes for slot in slots if slot.date == date) for date in dates
    }
    for spec in office.staff:
        pattern = set(spec.days) if spec.days is not None else set(office.days)
        absent = _expand(spec.absent)
        school_days = _expand([entry for entry in spec.school if not isinstance(entry, str)])
        school_weekdays = {entry for entry in spec.school if isinstance(entry, str)}
        for date in dates:
            weekday = WEEKDAYS[date.weekday()]
            if date in holidays:
                day_status = DayStatus.HOLIDAY
            elif weekday not in office.days:
                day_status = DayStatus.CLOSED
            elif weekday not in pattern:
                day_status = DayStatus.OFF
            elif date in absent:
                day_status = DayStatus.ABSENT
            elif date in school_days or weekday in school_weekdays:
                day_status = DayStatus.SCHOOL
            else:
                day_status = DayStatus.AVAILABLE
            status[(spec.id, date)] = day_status
        regular_days = len(pattern & set(office.days))
        for week in range(office.period.weeks):
            week_dates = dates[7 * week : 7 * week + 7]
            available = [d for d in week_dates if status[(spec.id, d)] is DayStatus.AVAILABLE]
            if regular_days == 0:
                shares[(spec.id, week)] = 0
                continue
            scaled = Fraction(str(spec.hours)) * 60 * len(available) / regular_days
            cap = sum(open_minutes[d] for d in available)
            shares[(spec.id, week)] = min(math.floor(scaled), cap)

    return Problem(
        office_name=office.office.name,
        timezone=office.office.timezone,
        location=office.office.location,
        start=start,
        end=end,
        weeks=office.period.weeks,
        dates=dates,
        holidays=holidays,
        slots=tuple(slots),
        demand=demand,
        people=people,
        status=status,
        shares=shares,
        rules=office.rules,
        fingerprint=_fingerprint(office),
        block_order=block_order,
    )


def load_problem(path: Path | str) -> Problem:
    """Load, validate and resolve an office file."""
    return resolve(load_office(path))


def _expand(entries: list[dt.date | DateRange] | list[object]) -> set[dt.date]:
    days: set[dt.date] = set()
    for entry in entries:
        if isinstance(entry, DateRange):
            days.update(entry.days())
        elif isinstance(entry, dt.date):
            days.add(entry)
    return days


def _demand_for(office: Office, date: dt.date, block: BlockName) -> Demand:
    weekday = WEEKDAYS[date.weekday()]
    seats, front_needs = office.front.seats, dict(office.front.needs)
    back_min, back_needs = office.back.min, dict(office.back.needs)
    for front in office.front.overrides:
        if _selects(front.days, front.blocks, front.dates, weekday, block, date):
            if front.seats is not None:
                seats = front.seats
            if front.needs is not None:
                front_needs = dict(front.needs)
    for back in office.back.overrides:
        if _selects(back.days, back.blocks, back.dates, weekday, block, date):
            if back.min is not None:
                back_min = back.min
            if back.needs is not None:
                back_needs = dict(back.needs)
    return Demand(
        seats=seats,
        front_needs={skill: count for skill, count in front_needs.items() if count > 0},
        back_min=back_min,
        back_needs={skill: count for skill, count in back_needs.items() if count > 0},
    )


def _selects(
    days: Sequence[str] | None,
    blocks: list[str] | None,
    dates: list[dt.date] | None,
    weekday: str,
    block: str,
    date: dt.date,
) -> bool:
    return (
        (days is None or weekday in days)
        and (blocks is None or block in blocks)
        and (dates is None or date in dates)
    )


def _fingerprint(office: Office) -> str:
    """SHA-256 of the validated office (so comments and layout do not change it)."""
    canonical = json.dumps(office.model_dump(mode="json", by_alias=True), sort_keys=True)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
