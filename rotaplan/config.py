"""The office file: its pydantic schema and `load_office(path)`.

The schema checks each value on its own (types, ranges, unknown keys);
`cross_check` then checks what refers to what (skills, blocks, weekdays,
mentors, dates). Both report every mistake with the file, line and key path.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from rotaplan.errors import InputError, Mistake
from rotaplan.yamlfile import KeyPath, YamlDocument, format_path, read_yaml

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
StaffId = str
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def _parse_time(value: Any) -> Any:
    """Read "HH:MM" text as a time; refuse numbers with the quoting advice."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, (bool, int | float)):
        raise ValueError(
            f'a time must be written as quoted "HH:MM" text, e.g. "08:00"; got the number {value}'
        )
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if match:
            return dt.time(int(match.group(1)), int(match.group(2)))
        raise ValueError(f'"{value}" is not a time of day; write it as "HH:MM", e.g. "12:30"')
    raise ValueError('a time must be written as "HH:MM", e.g. "08:00"')


Clock = Annotated[dt.time, BeforeValidator(_parse_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DateRange(_Strict):
    """A run of whole days, both ends included."""

    start: dt.date = Field(alias="from", description="First day of the range.")
    end: dt.date = Field(alias="to", description="Last day of the range (included).")

    def days(self) -> list[dt.date]:
        """Every date of the range, in order."""
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=offset) for offset in range(max(count, 0))]


DateOrRange = dt.date | DateRange


class OfficeInfo(_Strict):
    """Who the office is and where its calendar comes from."""

    name: str = Field(min_length=1, description="Name shown on every rota and calendar entry.")
    timezone: str = Field("Europe/Berlin", description="IANA time zone of the office.")
    holidays: str | None = Field(
        None,
        description="Public holidays that close the office: a country code with an optional "
        "subdivision, e.g. DE or DE-ST.",
    )
    closed: list[DateOrRange] = Field(
        default_factory=list,
        description="Further days the office is closed (e.g. 24 and 31 December).",
    )
    location: str | None = Field(None, description="Address shown in calendar entries.")


class Period(_Strict):
    """The weeks the rota covers."""

    start: dt.date = Field(description="First day; must be a Monday.")
    weeks: int = Field(1, ge=1, le=26, description="Number of weeks, default 1.")


class BlockSpec(_Strict):
    """A named time block of an opening day, local time."""

    start: Clock = Field(description='Start time, "HH:MM".')
    end: Clock = Field(description='End time, "HH:MM"; after the start.')


class FrontOverride(_Strict):
    """Counter demand for the blocks selected by days, blocks and dates (all given must match)."""

    days: list[Weekday] | None = Field(None, description="Weekdays this override applies to.")
    blocks: list[str] | None = Field(None, description="Blocks this override applies to.")
    dates: list[dt.date] | None = Field(None, description="Dates this override applies to.")
    seats: int | None = Field(None, ge=0, description="Counter seats in the selected blocks.")
    needs: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description="Replaces the skill needs in the selected blocks."
    )


class BackOverride(_Strict):
    """Back-office demand for the blocks selected by days, blocks and dates."""

    days: list[Weekday] | None = Field(None, description="Weekdays this override applies to.")
    blocks: list[str] | None = Field(None, description="Blocks this override applies to.")
    dates: list[dt.date] | None = Field(None, description="Dates this override applies to.")
    min: int | None = Field(None, ge=0, description="Back-office minimum in the selected blocks.")
    needs: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description="Replaces the skill needs in the selected blocks."
    )


class FrontDemand(_Strict):
    """The public counter: seats to fill exactly and skills among the seated."""

    seats: int = Field(ge=0, description="Counter seats per open block (trainees not counted).")
    needs: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="At least this many seated staff with each skill."
    )
    overrides: list[FrontOverride] = Field(
        default_factory=list, description="Later entries win; each replaces the fields it names."
    )


class BackDemand(_Strict):
    """The back office: a minimum staffing per block and skills among them."""

    min: int = Field(0, ge=0, description="Minimum back-office staff per open block.")
    needs: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="At least this many back-office staff with each skill."
    )
    overrides: list[BackOverride] = Field(
        default_factory=list, description="Later entries win; each replaces the fields it names."
    )


class StaffSpec(_Strict):
    """One person on the team."""

    id: StaffId = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="Unique, stable id used in file names: letters, digits, - and _.",
    )
    name: str = Field(min_length=1, description="Full name shown on the rota.")
    hours: float = Field(gt=0, le=60, description="Contract hours per week.")
    skills: list[str] = Field(default_factory=list, description="Skills from the office's list.")
    days: list[Weekday] | None = Field(
        None, description="Working-day pattern (part-time); default every opening day."
    )
    absent: list[DateOrRange] = Field(
        default_factory=list, description="Leave, sickness, courses: dates or {from, to} ranges."
    )
    front: bool = Field(True, description="May work the counter.")
    max_front_blocks: int | None = Field(None, ge=0, description="Counter blocks a week at most.")
    trainee: bool = Field(False, description="A trainee: counter only beside the mentor.")
    mentor: StaffId | None = Field(None, description="Mentor's id; required for a trainee.")
    school: list[Weekday | DateOrRange] = Field(
        default_factory=list, description="Theory days: weekday names, dates or date ranges."
    )
    min_front_blocks: int | None = Field(
        None, ge=0, description="Counter practice wanted per week (soft)."
    )


class Weights(_Strict):
    """How much each soft goal costs, per unit named in its description."""

    hours: int = Field(1, ge=0, description="Per minute a person stays under their hours target.")
    fairness: int = Field(
        1, ge=0, description="Per minute of counter duty away from a person's fair part."
    )
    trainee_practice: int = Field(
        120, ge=0, description="Per counter block a trainee misses of `min_front_blocks`."
    )


class Rules(_Strict):
    """Limits every rota keeps, and the weights of the soft goals."""

    max_front_blocks_per_day: int = Field(1, ge=0, description="Counter blocks a person a day.")
    max_hours_per_day: float = Field(10, gt=0, le=24, description="Working hours a person a day.")
    hours_tolerance: float = Field(
        0.1, ge=0, le=1, description="Aim for at least (1 - tolerance) x share hours a week."
    )
    weights: Weights = Field(default_factory=Weights, description="Weights of the soft goals.")


class Office(_Strict):
    """A whole office file."""

    office: OfficeInfo = Field(description="Name, time zone and holidays of the office.")
    period: Period = Field(description="The weeks to plan.")
    blocks: dict[str, BlockSpec] = Field(min_length=1, description="Named time blocks.")
    days: dict[Weekday, list[str]] = Field(
        min_length=1, description="Opening weekdays and their blocks, in order."
    )
    skills: list[str] = Field(default_factory=list, description="Every skill used in the file.")
    front: FrontDemand = Field(description="Counter demand.")
    back: BackDemand = Field(default_factory=BackDemand, description="Back-office demand.")
    staff: list[StaffSpec] = Field(min_length=1, description="The team.")
    rules: Rules = Field(default_factory=Rules, description="Limits and soft-goal weights.")


def _closest(word: str, options: list[str]) -> str:
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'? " if match else ""


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the schema allows in the mapping at `path` (for 'did you mean')."""
    model: Any = Office
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return []
        annotation = fields[part].annotation
        model = _inner_model(annotation)
    fields = getattr(model, "model_fields", {})
    return [field.alias or name for name, field in fields.items()]


def _inner_model(annotation: Any) -> Any:
    for argument in getattr(annotation, "__args__", ()):
        inner = _inner_model(argument)
        if inner is not None:
            return inner
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _schema_mistakes(error: ValidationError, file: str, doc: YamlDocument) -> list[Mistake]:
    mistakes = []
    for item in error.errors():
        loc: KeyPath = tuple(
            part for part in item["loc"] if not (isinstance(part, str) and "[" in part)
        )
        # pydantic adds the union member's name ("date", "DateRange") to a path; drop it
        loc = tuple(
            part
            for part in loc
            if not (isinstance(part, str) and part in {"date", "DateRange", "function-before"})
        )
        kind = item["type"]
        key = loc[-1] if loc else ""
        if kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            what = f"unknown key '{key}'"
            fix = _closest(str(key), allowed) + (
                f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
            )
        elif kind == "missing":
            what = f"'{key}' is missing"
            fix = f"add '{key}:' here (see config/ for an example)"
        else:
            what = item["msg"].removeprefix("Value error, ")
            given = item.get("input")
            if kind not in {"value_error"} and not isinstance(given, dict | list):
                what += f" (found {given!r})"
            fix = _fix_for(kind, str(key))
        mistakes.append(Mistake(file, doc.line_of(loc), format_path(loc), what, fix))
    return mistakes


def _fix_for(kind: str, key: str) -> str:
    if kind.startswith("date"):
        return "write dates as YYYY-MM-DD with a real day of that month"
    if kind in {"greater_than", "greater_than_equal"}:
        return f"give '{key}' a positive number"
    if kind.startswith(("int", "float")):
        return f"give '{key}' a plain number"
    if kind.startswith("literal"):
        return "use one of mon, tue, wed, thu, fri, sat, sun"
    if kind == "string_pattern_mismatch":
        return "use only letters, digits, - and _ (ids become file names)"
    if kind in {"list_type", "dict_type", "model_type"}:
        return "check the indentation and the form shown in config/"
    return ""


def load_office(path: Path | str) -> Office:
    """Read, validate and cross-check an office file; raise InputError listing every mistake."""
    path = Path(path)
    doc = read_yaml(path)
    file = str(path)
    if not isinstance(doc.data, dict):
        raise InputError(
            [
                Mistake(
                    file,
                    1,
                    "",
                    "the top level must be a mapping of keys (office:, period:, blocks:, ...)",
                    "start from one of the example files in config/",
                )
            ]
        )
    try:
        office = Office.model_validate(doc.data)
    except ValidationError as error:
        raise InputError(_schema_mistakes(error, file, doc)) from None
    mistakes = [
        Mistake(file, doc.line_of(where), format_path(where), what, fix)
        for where, what, fix in cross_check(office)
    ]
    if mistakes:
        raise InputError(mistakes)
    return office


def cross_check(office: Office) -> list[tuple[KeyPath, str, str]]:
    """Everything that refers to something else: (key path, what is wrong, fix) for each mistake."""
    found: list[tuple[KeyPath, str, str]] = []
    skills = set(office.skills)
    blocks = set(office.blocks)
    skill_list = ", ".join(office.skills) or "(none declared)"

    def check_skill(where: KeyPath, skill: str) -> None:
        if skill not in skills:
            found.append(
                (
                    where,
                    f"unknown skill '{skill}'",
                    _closest(skill, office.skills) + f"declare it under skills: ({skill_list})",
                )
            )

    def check_block(where: KeyPath, block: str) -> None:
        if block not in blocks:
            found.append(
                (
                    where,
                    f"unknown block '{block}'",
                    _closest(block, sorted(blocks))
                    + f"define it under blocks: ({', '.join(office.blocks)})",
                )
            )

    try:
        ZoneInfo(office.office.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        found.append(
            (
                ("office", "timezone"),
                f"unknown time zone '{office.office.timezone}'",
                "use an IANA name such as Europe/Berlin",
            )
        )
    if office.office.holidays is not None:
        if holiday_calendar(office.office.holidays, [office.period.start.year]) is None:
            found.append(
                (
                    ("office", "holidays"),
                    f"unknown holiday region '{office.office.holidays}'",
                    "use a country code with an optional subdivision, e.g. DE or DE-ST",
                )
            )
    for index, closed in enumerate(office.office.closed):
        if isinstance(closed, DateRange) and closed.end < closed.start:
            found.append(_reversed(("office", "closed", index)))

    if office.period.start.weekday() != 0:
        found.append(
            (
                ("period", "start"),
                f"{office.period.start} is a {office.period.start.strftime('%A')}, not a Monday",
                f"start the period on Monday "
                f"{office.period.start - dt.timedelta(days=office.period.start.weekday())}",
            )
        )

    for name, block in office.blocks.items():
        if block.end <= block.start:
            found.append(
                (
                    ("blocks", name),
                    f"block '{name}' ends at {block.end:%H:%M}, not after its start "
                    f"{block.start:%H:%M}",
                    "give an end time later than the start on the same day",
                )
            )

    for day, names in office.days.items():
        for index, block_name in enumerate(names):
            check_block(("days", day, index), block_name)
        known = [office.blocks[name] for name in names if name in office.blocks]
        if len(set(names)) != len(names):
            found.append((("days", day), f"a block is listed twice on {day}", "list it once"))
        ordered = sorted(known, key=lambda spec: spec.start)
        for earlier, later in itertools.pairwise(ordered):
            if later.start < earlier.end:
                found.append(
                    (
                        ("days", day),
                        f"blocks on {day} overlap ({earlier.start:%H:%M}-{earlier.end:%H:%M} and "
                        f"{later.start:%H:%M}-{later.end:%H:%M})",
                        "change the block times so they do not overlap",
                    )
                )

    for area, demand in (("front", office.front), ("back", office.back)):
        for skill in demand.needs:
            check_skill((area, "needs", skill), skill)
        for index, override in enumerate(demand.overrides):
            for skill in override.needs or {}:
                check_skill((area, "overrides", index, "needs", skill), skill)
            for position, block_name in enumerate(override.blocks or []):
                check_block((area, "overrides", index, "blocks", position), block_name)
            for position, day in enumerate(override.days or []):
                if day not in office.days:
                    found.append(
                        (
                            (area, "overrides", index, "days", position),
                            f"'{day}' is not an opening day",
                            f"use one of {', '.join(office.days)}",
                        )
                    )
    found.extend(_needs_within_seats(office))

    ids: dict[str, int] = {}
    for index, person in enumerate(office.staff):
        if person.id in ids:
            found.append(
                (
                    ("staff", index, "id"),
                    f"id '{person.id}' is used twice (also staff[{ids[person.id]}])",
                    "give every person a unique id",
                )
            )
        ids.setdefault(person.id, index)
    trainees = {person.id for person in office.staff if person.trainee}
    for index, person in enumerate(office.staff):
        for position, skill in enumerate(person.skills):
            check_skill(("staff", index, "skills", position), skill)
        for position, day in enumerate(person.days or []):
            if day not in office.days:
                found.append(
                    (
                        ("staff", index, "days", position),
                        f"'{day}' is not an opening day of the office",
                        f"use one of {', '.join(office.days)}",
                    )
                )
        for key, entries in (("absent", person.absent), ("school", person.school)):
            for position, entry in enumerate(entries):
                if isinstance(entry, DateRange) and entry.end < entry.start:
                    found.append(_reversed(("staff", index, key, position)))
        if person.trainee:
            if person.mentor is None:
                found.append(
                    (
                        ("staff", index),
                        f"trainee '{person.id}' has no mentor",
                        "add 'mentor: <id of a non-trainee>'",
                    )
                )
            elif person.mentor not in ids:
                found.append(
                    (
                        ("staff", index, "mentor"),
                        f"mentor '{person.mentor}' is not on the staff list",
                        _closest(person.mentor, list(ids)) + "use the id of a non-trainee",
                    )
                )
            elif person.mentor in trainees:
                found.append(
                    (
                        ("staff", index, "mentor"),
                        f"mentor '{person.mentor}' is a trainee too",
                        "choose a fully trained colleague as mentor",
                    )
                )
            elif person.mentor == person.id:
                found.append((("staff", index, "mentor"), "a trainee cannot mentor themself", ""))
        else:
            for key in ("mentor", "min_front_blocks"):
                if getattr(person, key) is not None:
                    found.append(
                        (
                            ("staff", index, key),
                            f"'{key}' is only for trainees",
                            "remove it, or add 'trainee: true'",
                        )
                    )
    return found


def _reversed(where: KeyPath) -> tuple[KeyPath, str, str]:
    return (where, "the range ends before it starts", "swap 'from' and 'to'")


def _needs_within_seats(office: Office) -> list[tuple[KeyPath, str, str]]:
    """A skill need larger than the seats (or back minimum) it must fit in can never be met."""
    found = []
    checks: list[tuple[KeyPath, int, dict[str, int], str]] = [
        (("front",), office.front.seats, office.front.needs, "seats"),
    ]
    seats, needs = office.front.seats, office.front.needs
    for index, front in enumerate(office.front.overrides):
        checks.append(
            (
                ("front", "overrides", index),
                front.seats if front.seats is not None else seats,
                front.needs if front.needs is not None else needs,
                "seats",
            )
        )
    for where, limit, need_map, word in checks:
        for skill, count in need_map.items():
            if count > limit:
                found.append(
                    (
                        (*where, "needs", skill),
                        f"needs {count} '{skill}' but only {limit} {word} are there to hold them",
                        f"lower the need to at most {limit} or raise '{word}'",
                    )
                )
    return found


def holiday_calendar(region: str, years: list[int]) -> dict[dt.date, str] | None:
    """Public holidays of `region` ("DE" or "DE-ST") in `years`; None if the region is unknown."""
    import holidays

    country, _, subdivision = region.partition("-")
    try:
        calendar = holidays.country_holidays(
            country.upper(), subdiv=subdivision.upper() or None, years=years, language="en_US"
        )
    except (NotImplementedError, KeyError, ValueError):
        return None
    return {day: str(name) for day, name in sorted(calendar.items())}
