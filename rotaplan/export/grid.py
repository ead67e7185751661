"""What every export shares: the week grid, plain-words formatting and safe file names.

`build_grids(problem, rota)` turns a rota into one `WeekGrid` per week of the
period: which area or absence each cell shows, how each block is covered, each
person's hours against their share, and the shortfalls of the week. The XLSX
and HTML exports only lay this model out; they decide nothing themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from rotaplan.problem import DayStatus, Demand, Person, Problem, Slot, SlotKey
from rotaplan.rota import Assignment, Rota, Shortfall

DASH = "\u2013"  # en dash, for ranges of times and dates
MINUS = "\u2212"  # minus sign, for missing counts in grid cells
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_FULL_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
# Our own names, so that a German (or any) LC_TIME never changes the files' words.
MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
AREA_LABELS: Mapping[str, str] = {"front": "Counter (front office)", "back": "Back office"}
# A spreadsheet reads a text cell starting with one of these as a formula (or DDE call).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
STAFF_FOLDER = "staff"
_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class CellKind(StrEnum):
    """What one person does in one block, as the grid shows it."""

    FRONT = "front"
    BACK = "back"
    FREE = "free"  # available but not scheduled
    OFF = "off"
    ABSENT = "absent"
    SCHOOL = "school"
    HOLIDAY = "holiday"
    CLOSED = "closed"


@dataclass(frozen=True)
class KindStyle:
    """How a cell kind is written and explained: a word that prints in black and white."""

    label: str
    meaning: str


CELL_STYLES: Mapping[CellKind, KindStyle] = {
    CellKind.FRONT: KindStyle("Front", "at the counter (front office)"),
    CellKind.BACK: KindStyle("Back", "in the back office"),
    CellKind.FREE: KindStyle("", "available, not scheduled"),
    CellKind.OFF: KindStyle("off", "not a working day for this person"),
    CellKind.ABSENT: KindStyle("absent", "leave, sickness or course"),
    CellKind.SCHOOL: KindStyle("school", "trainee's theory day"),
    CellKind.HOLIDAY: KindStyle("holiday", "public holiday, office closed"),
    CellKind.CLOSED: KindStyle("closed", "office closed"),
}


@dataclass(frozen=True)
class Colours:
    """Fill and ink of a cell kind, as RGB hex without '#', light enough to print."""

    fill: str
    ink: str


KIND_COLOURS: Mapping[CellKind, Colours] = {
    CellKind.FRONT: Colours("CFE2FF", "0B3D91"),
    CellKind.BACK: Colours("D3F0DC", "1E5631"),
    CellKind.FREE: Colours("FFFFFF", "000000"),
    CellKind.OFF: Colours("F1F1F1", "7A7A7A"),
    CellKind.ABSENT: Colours("FFE6C7", "8A4B00"),
    CellKind.SCHOOL: Colours("EBDDF7", "5B2C83"),
    CellKind.HOLIDAY: Colours("FFF2B8", "6F5500"),
    CellKind.CLOSED: Colours("E0E0E0", "5A5A5A"),
}
SHORTFALL_COLOURS = Colours("F8D2D6", "A3151F")

_STATUS_KINDS: Mapping[DayStatus, CellKind] = {
    DayStatus.AVAILABLE: CellKind.FREE,
    DayStatus.HOLIDAY: CellKind.HOLIDAY,
    DayStatus.CLOSED: CellKind.CLOSED,
    DayStatus.OFF: CellKind.OFF,
    DayStatus.ABSENT: CellKind.ABSENT,
    DayStatus.SCHOOL: CellKind.SCHOOL,
}


@dataclass(frozen=True)
class Column:
    """One column of a week: an open block, or a whole closed day (a holiday)."""

    date: dt.date
    slot: Slot | None  # None for a holiday column
    holiday: str | None = None  # why the office is closed that day

    @property
    def block(self) -> str | None:
        """The block name, or None for a closed day."""
        return self.slot.block if self.slot is not None else None


@dataclass(frozen=True)
class Cell:
    """One person in one column."""

    kind: CellKind
    trainee_at_counter: bool = False

    @property
    def label(self) -> str:
        """The word shown in the cell."""
        return CELL_STYLES[self.kind].label


@dataclass(frozen=True)
class SkillCover:
    """How many holders of a skill an area has in a block against how many it needs."""

    skill: str
    have: int
    need: int

    @property
    def is_short(self) -> bool:
        """True if fewer holders than needed."""
        return self.have < self.need


@dataclass(frozen=True)
class Coverage:
    """How one open block is staffed (trainees never count towards seats or minimums)."""

    slot: Slot
    demand: Demand
    front: int
    trainees: int
    back: int
    front_skills: tuple[SkillCover, ...]
    back_skills: tuple[SkillCover, ...]
    shortfalls: tuple[Shortfall, ...]  # as listed in the rota

    @property
    def has_shortfall(self) -> bool:
        """True if the rota lists a shortfall for this block."""
        return bool(self.shortfalls)


@dataclass(frozen=True)
class PersonWeek:
    """One person's row in one week."""

    person: Person
    cells: tuple[Cell, ...]  # aligned with WeekGrid.columns
    minutes: int
    share: int  # minutes
    front_blocks: int
    back_blocks: int


@dataclass(frozen=True)
class WeekGrid:
    """One week of the rota laid out for people to read."""

    week: int  # 0-based
    start: dt.date
    end: dt.date
    columns: tuple[Column, ...]
    rows: tuple[PersonWeek, ...]
    coverage: Mapping[SlotKey, Coverage]
    shortfalls: tuple[Shortfall, ...]

    @property
    def title(self) -> str:
        """E.g. "Week 1: Mon 30 Nov - Sun 6 Dec 2026" (with an en dash)."""
        return (
            f"Week {self.week + 1}: {format_day(self.start)} {DASH} "
            f"{format_day(self.end, year=True)}"
        )

    def kinds_used(self) -> list[CellKind]:
        """The cell kinds this week shows, in legend order (front and back always)."""
        used = {cell.kind for row in self.rows for cell in row.cells}
        return [
            kind for kind in CellKind if kind in used or kind in (CellKind.FRONT, CellKind.BACK)
        ]


def format_day(date: dt.date, *, year: bool = False) -> str:
    """E.g. "Mon 30 Nov" (with the year if asked)."""
    text = f"{WEEKDAY_NAMES[date.weekday()]} {date.day} {MONTH_NAMES[date.month - 1][:3]}"
    return f"{text} {date.year}" if year else text


def format_long_date(date: dt.date) -> str:
    """E.g. "Monday 30 November 2026"."""
    return (
        f"{WEEKDAY_FULL_NAMES[date.weekday()]} {date.day} {MONTH_NAMES[date.month - 1]} {date.year}"
    )


def format_hours(minutes: int) -> str:
    """Minutes as decimal hours without trailing zeros: 1872 -> "31.2", 480 -> "8"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def format_clock(moment: dt.datetime) -> str:
    """Local time of day, "HH:MM"."""
    return moment.strftime("%H:%M")


def area_label(area: str) -> str:
    """The words for an area: "Counter (front office)" or "Back office"."""
    return AREA_LABELS.get(area, area)


def shortfall_text(shortfall: Shortfall) -> str:
    """A shortfall in plain words, e.g. "1 counter seat unfilled"."""
    count = shortfall.missing
    if shortfall.what == "seats":
        return f"{count} counter seat{'s' if count != 1 else ''} unfilled"
    if shortfall.what == "min":
        return f"back office {count} short of its minimum"
    where = "at the counter" if shortfall.area == "front" else "in the back office"
    return f"{count} more holder{'s' if count != 1 else ''} of '{shortfall.what}' needed {where}"


def shortfall_short(shortfall: Shortfall) -> str:
    """A shortfall in a few characters for a grid cell, e.g. "-1 seat" (with a minus sign)."""
    if shortfall.what == "seats":
        return f"{MINUS}{shortfall.missing} seat{'s' if shortfall.missing != 1 else ''}"
    if shortfall.what == "min":
        return f"{MINUS}{shortfall.missing} back"
    return f"{MINUS}{shortfall.missing} {shortfall.what}"


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet could read `text` as a formula rather than as text."""
    return text.startswith(FORMULA_STARTS)


def staff_file(folder: Path, staff: str, suffix: str) -> Path:
    """`folder/staff/<staff><suffix>`, refusing any id that could leave that folder."""
    if not _STAFF_ID.fullmatch(staff):
        raise ValueError(f"staff id {staff!r} cannot be used in a file name")
    base = (folder / STAFF_FOLDER).resolve()
    path = folder / STAFF_FOLDER / f"{staff}{suffix}"
    if path.resolve().parent != base:
        raise ValueError(f"staff id {staff!r} would leave the folder {base}")
    return path


def slot_index(problem: Problem) -> dict[SlotKey, Slot]:
    """Every open slot by (date, block)."""
    return {slot.key: slot for slot in problem.slots}


def assignment_times(
    problem: Problem, assignment: Assignment, slots: Mapping[SlotKey, Slot] | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of an assignment in the office's time zone.

    Taken from the problem's slot when the block is open, else from the times
    stored in the rota (a hand-edited rota may name a block the office file lacks).
    """
    slot = (slots if slots is not None else slot_index(problem)).get(
        (assignment.date, assignment.block)
    )
    if slot is not None:
        return slot.start, slot.end
    zone = ZoneInfo(problem.timezone)
    start = dt.datetime.fromisoformat(assignment.start)
    end = dt.datetime.fromisoformat(assignment.end)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    if end.tzinfo is None:
        end = end.replace(tzinfo=zone)
    return start.astimezone(zone), end.astimezone(zone)


def sorted_assignments(problem: Problem, rota: Rota, staff: str | None = None) -> list[Assignment]:
    """The rota's assignments (only `staff`'s, if given) in reading order: date, block,
    front before back, file order. Filtering first keeps per-person files linear."""
    block_rank = {name: index for index, name in enumerate(problem.block_order)}
    person_rank = {person.id: index for index, person in enumerate(problem.people)}
    return sorted(
        (item for item in rota.assignments if staff is None or item.staff == staff),
        key=lambda item: (
            item.date,
            block_rank.get(item.block, len(block_rank)),
            item.block,
            0 if item.area == "front" else 1,
            person_rank.get(item.staff, len(person_rank)),
            item.staff,
        ),
    )


def assignments_by_staff(problem: Problem, rota: Rota) -> dict[str, list[Assignment]]:
    """Every person's assignments in reading order, as `sorted_assignments` gives them one
    person at a time, from one pass over the rota (everyone in the office has an entry)."""
    mine: dict[str, list[Assignment]] = {person.id: [] for person in problem.people}
    for item in sorted_assignments(problem, rota):
        mine.setdefault(item.staff, []).append(item)
    return mine


def sorted_shortfalls(problem: Problem, rota: Rota) -> list[Shortfall]:
    """The rota's shortfalls in reading order: date, block, then SPEC level order."""
    block_rank = {name: index for index, name in enumerate(problem.block_order)}

    def level(item: Shortfall) -> int:
        if item.area == "front":
            return 0 if item.what == "seats" else 1
        return 2 if item.what == "min" else 3

    return sorted(
        rota.shortfalls,
        key=lambda item: (
            item.date,
            block_rank.get(item.block, len(block_rank)),
            item.block,
            level(item),
            item.what,
        ),
    )


def build_grids(problem: Problem, rota: Rota) -> list[WeekGrid]:
    """One grid per week of the period, in order."""
    by_cell: dict[tuple[str, dt.date, str], Assignment] = {}
    for assignment in rota.assignments:
        by_cell.setdefault((assignment.staff, assignment.date, assignment.block), assignment)
    people = {person.id: person for person in problem.people}
    shortfalls_at: dict[SlotKey, list[Shortfall]] = defaultdict(list)
    for shortfall in sorted_shortfalls(problem, rota):
        shortfalls_at[(shortfall.date, shortfall.block)].append(shortfall)
    open_weekdays = {slot.date.weekday() for slot in problem.slots}
    at_slot: dict[SlotKey, list[tuple[Person, str]]] = defaultdict(list)
    for assignment in rota.assignments:
        if assignment.staff in people:
            at_slot[(assignment.date, assignment.block)].append(
                (people[assignment.staff], assignment.area)
            )

    grids: list[WeekGrid] = []
    for week in range(problem.weeks):
        week_dates = problem.dates[7 * week : 7 * week + 7]
        columns: list[Column] = []
        for date in week_dates:
            day_slots = [slot for slot in problem.slots if slot.date == date]
            if day_slots:
                columns.extend(Column(date, slot) for slot in day_slots)
            elif date in problem.holidays and (
                date.weekday() < 5 or date.weekday() in open_weekdays
            ):
                columns.append(Column(date, None, problem.holidays[date]))

        rows: list[PersonWeek] = []
        for person in problem.people:
            cells: list[Cell] = []
            minutes = front_blocks = back_blocks = 0
            for column in columns:
                held = (
                    by_cell.get((person.id, column.date, column.slot.block))
                    if column.slot is not None
                    else None
                )
                if held is not None and column.slot is not None:
                    is_front = held.area == "front"
                    cells.append(
                        Cell(
                            CellKind.FRONT if is_front else CellKind.BACK,
                            trainee_at_counter=is_front and person.trainee,
                        )
                    )
                    minutes += column.slot.minutes
                    front_blocks += is_front
                    back_blocks += not is_front
                else:
                    status = problem.status.get((person.id, column.date), DayStatus.AVAILABLE)
                    cells.append(Cell(_STATUS_KINDS[status]))
            rows.append(
                PersonWeek(
                    person=person,
                    cells=tuple(cells),
                    minutes=minutes,
                    share=problem.shares.get((person.id, week), 0),
                    front_blocks=front_blocks,
                    back_blocks=back_blocks,
                )
            )

        coverage: dict[SlotKey, Coverage] = {}
        for column in columns:
            if column.slot is None:
                continue
            slot = column.slot
            here = at_slot.get(slot.key, [])
            front_staff = [p for p, area in here if area == "front" and not p.trainee]
            back_staff = [p for p, area in here if area == "back" and not p.trainee]
            trainees = [p for p, area in here if area == "front" and p.trainee]
            demand = problem.demand[slot.key]
            coverage[slot.key] = Coverage(
                slot=slot,
                demand=demand,
                front=len(front_staff),
                trainees=len(trainees),
                back=len(back_staff),
                front_skills=_skill_cover(demand.front_needs, front_staff),
                back_skills=_skill_cover(demand.back_needs, back_staff),
                shortfalls=tuple(shortfalls_at.get(slot.key, ())),
            )

        week_set = set(week_dates)
        grids.append(
            WeekGrid(
                week=week,
                start=week_dates[0],
                end=week_dates[-1],
                columns=tuple(columns),
                rows=tuple(rows),
                coverage=coverage,
                shortfalls=tuple(
                    item for item in sorted_shortfalls(problem, rota) if item.date in week_set
                ),
            )
        )
    return grids


def _skill_cover(needs: Mapping[str, int], staff: list[Person]) -> tuple[SkillCover, ...]:
    return tuple(
        SkillCover(skill, sum(person.has_skill(skill) for person in staff), need)
        for skill, need in sorted(needs.items())
    )
