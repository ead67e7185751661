"""The pydantic schema of the office file, its field types and its JSON Schema.

Each value is checked on its own here (types, ranges, unknown keys); what
refers to what is checked in `references`. The helpers at the end walk the
schema along a key path of the file, for messages that name the allowed keys.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from rotaplan.yamlfile import KeyPath

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
StaffId = str

_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Names Windows keeps for devices, in any letter case: it cannot create `staff/con.ics`.
_DEVICE_NAMES = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{n}" for n in range(1, 10)),
        *(f"lpt{n}" for n in range(1, 10)),
    }
)


def _refuse(what: str, fix: str) -> PydanticCustomError:
    """A schema error that carries its own fix (read back in `_explain`)."""
    return PydanticCustomError("rotaplan", "{what}", {"what": what, "fix": fix})


def _parse_time(value: Any) -> Any:
    """Read "HH:MM" text as a time; refuse numbers with the quoting advice."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, bool | int | float):
        raise _refuse(
            f"{value} is a number, not a time of day",
            'write times as quoted "HH:MM" text, e.g. start: "08:00"',
        )
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if match:
            return dt.time(int(match.group(1)), int(match.group(2)))
        if value.strip() == "24:00":
            raise _refuse(
                "'24:00' is not a time of day", 'end the block at "23:59"; blocks end by midnight'
            )
        shown = value.strip().replace(".", ":").replace("h", ":00")
        hint = f', e.g. "{shown}"' if _TIME.match(shown) else ', e.g. "12:30"'
        raise _refuse(f"'{value}' is not a time of day", f'write it as "HH:MM" (00:00-23:59){hint}')
    raise _refuse("expected a time of day", 'write it as "HH:MM", e.g. "08:00"')


def _parse_day(value: Any) -> Any:
    """Read YYYY-MM-DD text as a date; refuse numbers and impossible days with a clear reason."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int | float):
        raise _refuse(
            f"{value} is a number, not a date", "write dates as YYYY-MM-DD, e.g. 2026-12-01"
        )
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        if not match:
            raise _refuse(f"'{value}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-12-01")
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            raise _refuse(
                f"'{value}' is not a real date: there is no month {month}",
                "write dates as YYYY-MM-DD, with the month from 01 to 12",
            )
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise _refuse(
                f"'{value}' is not a real date: {calendar.month_name[month]} {year} "
                f"has {last} days",
                f"use a day from 1 to {last}, e.g. {year:04d}-{month:02d}-{last:02d}",
            )
        return dt.date(year, month, day)
    raise _refuse("expected a date", "write dates as YYYY-MM-DD, e.g. 2026-12-01")


def _refuse_device_name(value: str) -> str:
    """Refuse an id that Windows reserves for a device: the person's calendar file needs it."""
    if value.lower() in _DEVICE_NAMES:
        raise _refuse(
            f"id '{value}' is a device name on Windows, which cannot create the file "
            f"staff/{value}.ics",
            f"choose another id, e.g. the surname or '{value}-1' (con, prn, aux, nul, "
            "com1-com9 and lpt1-lpt9 are reserved in any letter case)",
        )
    return value


def _one_line(value: str) -> str:
    """Refuse a name with a line break or another control character: names go into
    calendar entries, CSV rows and the printed page, one line each."""
    if any(char < " " or char == "\x7f" for char in value):
        raise _refuse(
            "name contains a line break or another control character",
            'write the name on one line, e.g. name: "Sabine Weber"',
        )
    return value


Clock = Annotated[
    dt.time,
    BeforeValidator(_parse_time),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN, "examples": ["08:00"]}),
]
"""A time of day, written "HH:MM"."""
Day = Annotated[dt.date, BeforeValidator(_parse_day)]
"""A calendar date, written YYYY-MM-DD."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DateRange(_Strict):
    """A run of whole days, both ends included."""

    start: Day = Field(alias="from", description="First day of the range.")
    end: Day = Field(alias="to", description="Last day of the range (included).")

    def days(self) -> list[dt.date]:
        """Every date of the range, in order."""
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=offset) for offset in range(max(count, 0))]


DateOrRange = Day | DateRange


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

    start: Day = Field(description="First day; must be a Monday.")
    weeks: int = Field(1, ge=1, le=26, description="Number of weeks, default 1.")


class BlockSpec(_Strict):
    """A named time block of an opening day, local time."""

    start: Clock = Field(description='Start time, "HH:MM".')
    end: Clock = Field(description='End time, "HH:MM"; after the start.')


class FrontOverride(_Strict):
    """Counter demand for the blocks selected by days, blocks and dates (all given must match)."""

    days: list[Weekday] | None = Field(None, description="Weekdays this override applies to.")
    blocks: list[str] | None = Field(None, description="Blocks this override applies to.")
    dates: list[Day] | None = Field(None, description="Dates this override applies to.")
    seats: int | None = Field(None, ge=0, description="Counter seats in the selected blocks.")
    needs: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description="Replaces the skill needs in the selected blocks."
    )


class BackOverride(_Strict):
    """Back-office demand for the blocks selected by days, blocks and dates."""

    days: list[Weekday] | None = Field(None, description="Weekdays this override applies to.")
    blocks: list[str] | None = Field(None, description="Blocks this override applies to.")
    dates: list[Day] | None = Field(None, description="Dates this override applies to.")
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

    id: Annotated[StaffId, AfterValidator(_refuse_device_name)] = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="Unique, stable id used in file names: letters, digits, - and _.",
    )
    name: Annotated[str, AfterValidator(_one_line)] = Field(
        min_length=1, description="Full name shown on the rota, on one line."
    )
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
    weights: Weights = Field(
        default_factory=lambda: Weights.model_validate({}), description="Weights of the soft goals."
    )


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
    back: BackDemand = Field(
        default_factory=lambda: BackDemand.model_validate({}), description="Back-office demand."
    )
    staff: list[StaffSpec] = Field(min_length=1, description="The team.")
    rules: Rules = Field(
        default_factory=lambda: Rules.model_validate({}),
        description="Limits and soft-goal weights.",
    )


def office_json_schema() -> dict[str, Any]:
    """The JSON Schema of the office file (keys as written in YAML, e.g. `from`/`to`)."""
    schema = Office.model_json_schema(by_alias=True)
    schema["title"] = "rotaplan office file"
    schema["description"] = (
        "One office file: the office, the period, opening blocks and days, counter and "
        'back-office demand, the staff and the rules. Times are quoted "HH:MM" text, dates '
        "YYYY-MM-DD."
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


# ---------------------------------------------------------------------------
# The schema along a key path


def _members(annotation: Any) -> list[Any]:
    """The concrete types behind Annotated[...] and unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is type(int | str):
        return [member for argument in get_args(annotation) for member in _members(argument)]
    return [annotation]


def _model_field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if key in {name, info.alias}:
            return info
    return None


def _step(annotation: Any, part: str | int) -> tuple[Any, FieldInfo | None] | None:
    """The type one key or index below `annotation` (and the field, for a model's key)."""
    for member in _members(annotation):
        origin = get_origin(member)
        if isinstance(part, int) and origin is list:
            return get_args(member)[0], None
        if isinstance(part, str) and isinstance(member, type) and issubclass(member, BaseModel):
            info = _model_field(member, part)
            if info is not None:
                return info.annotation, info
        if isinstance(part, str) and origin is dict:
            return get_args(member)[1], None
    return None


def _field_at(path: KeyPath) -> FieldInfo | None:
    """The schema field at `path`, if the path ends at a model's key."""
    annotation: Any = Office
    info: FieldInfo | None = None
    for part in path:
        found = _step(annotation, part)
        if found is None:
            return None
        annotation, info = found
    return info


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the schema allows in the mapping at `path` (for 'did you mean')."""
    annotation: Any = Office
    for part in path:
        found = _step(annotation, part)
        if found is None:
            return []
        annotation = found[0]
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return [info.alias or name for name, info in member.model_fields.items()]
    return []
