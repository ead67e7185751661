"""The office file: its pydantic schema and `load_office(path)`.

The schema checks each value on its own (types, ranges, unknown keys);
`cross_check` then checks what refers to what (skills, blocks, weekdays,
mentors, dates). Both report every mistake with the file, line and key path,
all at once: when the schema fails, the cross-checks still run on each piece
of the file that is valid on its own (see `_parts_from_raw` for the limits).

Cross-references live here rather than in pydantic `model_validator`s because
a validator cannot say on which line of the file the mistake is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import itertools
import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError

from rotaplan.errors import InputError, Mistake
from rotaplan.yamlfile import KeyPath, YamlDocument, format_path, read_yaml

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
StaffId = str
Found = tuple[KeyPath, str, str]
"""One cross-check finding: (key path, what is wrong, how to fix it)."""

_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EXAMPLE_FILE = "config/small-office.yaml"
_RANGE = "{from: YYYY-MM-DD, to: YYYY-MM-DD}"
_WEEKDAY_LIST = ", ".join(WEEKDAYS)


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
# Loading


def load_office(path: Path | str) -> Office:
    """Read, validate and cross-check an office file; raise InputError listing every mistake."""
    path = Path(path)
    doc = read_yaml(path, keep_going=True)
    file = str(path)
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"the single value {_shown(doc.data)}"
        raise InputError(
            [
                *doc.mistakes,
                Mistake(
                    file,
                    1,
                    "",
                    f"the top level must be a mapping of keys (office:, period:, blocks:, ...), "
                    f"found {found}",
                    f"start from one of the example files in config/, e.g. {_EXAMPLE_FILE}",
                ),
            ]
        )
    office: Office | None = None
    try:
        office = Office.model_validate(doc.data)
    except ValidationError as error:
        schema = _schema_mistakes(error, file, doc)
        parts = _parts_from_raw(doc.data)
    else:
        schema = []
        parts = _parts_of(office)
    mistakes = [replace(mistake, path=_place(mistake.path, doc)) for mistake in doc.mistakes]
    mistakes += schema
    mistakes += [
        Mistake(file, doc.line_of(where), _place(where, doc), what, fix)
        for where, what, fix in _cross_check(parts)
    ]
    if mistakes or office is None:
        raise InputError(sorted(mistakes, key=_file_order))
    return office


def _file_order(mistake: Mistake) -> tuple[int, list[str | int]]:
    """Sort key: by line, then by key path with indices compared as numbers."""
    parts = re.split(r"(\d+)", mistake.path)
    return mistake.line or 0, [int(part) if part.isdigit() else part for part in parts]


def _place(path: KeyPath | str, doc: YamlDocument) -> str:
    """`staff[2].hours` -> `staff[2] (mueller).hours`: name the person where the file does."""
    text = path if isinstance(path, str) else format_path(path)
    match = re.match(r"staff\[(\d+)\]", text)
    if match:
        staff_id = doc.value_at(("staff", int(match.group(1)), "id"))
        if isinstance(staff_id, str | int) and not isinstance(staff_id, bool):
            return f"{match.group(0)} ({staff_id}){text[match.end() :]}"
    return text


# ---------------------------------------------------------------------------
# Schema errors -> mistakes

_UNION_MEMBERS = {"date", "DateRange", "str", "int", "float", "bool"}


@dataclass
class _Issue:
    """One pydantic error, its location cleaned down to the keys and indices of the file.

    pydantic adds segments of its own: the member of a union it tried
    (`date`, `DateRange`, `literal[...]`, `function-before[...]`) and `[key]`
    for a bad mapping key. `site` is the list entry where a union was tried
    (every union of the office file is a list item: absent, closed, school).
    """

    path: KeyPath
    kind: str
    message: str
    value: Any
    context: dict[str, Any]
    site: KeyPath | None = None
    member: str | None = None
    bad_key: bool = False


def _issue_of(error: ErrorDetails) -> _Issue:
    """Split a pydantic location into the path in the file and the union member tried."""
    path: list[str | int] = []
    site: KeyPath | None = None
    member: str | None = None
    bad_key = False
    after_index = False
    for part in error["loc"]:
        if part == "[key]":
            bad_key = True
            continue
        if (
            isinstance(part, str)
            and after_index
            and ("[" in part or part in _UNION_MEMBERS)
            and site is None
        ):
            site, member = tuple(path), part
            continue
        path.append(part)
        after_index = isinstance(part, int)
    return _Issue(
        path=tuple(path),
        kind=error["type"],
        message=error["msg"],
        value=error.get("input"),
        context=dict(error.get("ctx") or {}),
        site=site,
        member=member,
        bad_key=bad_key,
    )


def _schema_mistakes(error: ValidationError, file: str, doc: YamlDocument) -> list[Mistake]:
    """One Mistake per problem pydantic found (a union tried member by member counts once)."""
    issues: list[_Issue] = []
    by_site: dict[KeyPath, list[_Issue]] = {}
    for item in error.errors():
        issue = _issue_of(item)
        if issue.site is None:
            issues.append(issue)
        else:
            by_site.setdefault(issue.site, []).append(issue)
    found: list[tuple[KeyPath, str, str]] = []
    for site, group in by_site.items():
        entry = doc.value_at(site)
        ranges = [issue for issue in group if issue.member == "DateRange"]
        if isinstance(entry, dict) and ranges:
            issues.extend(ranges)  # clearly meant as {from, to}: report what is wrong inside
        else:
            found.append((site, *_explain_entry(entry, group)))
    found.extend(_key_mistakes(issues))
    for issue in issues:
        if issue.kind not in {"extra_forbidden", "missing"}:
            found.append((issue.path, *_explain(issue, doc)))
    return [
        Mistake(file, doc.line_of(path), _place(path, doc), what, fix) for path, what, fix in found
    ]


def _key_mistakes(issues: list[_Issue]) -> list[tuple[KeyPath, str, str]]:
    """Unknown and missing keys; a misspelt key is reported once, not also as the missing one."""
    unknown = [issue for issue in issues if issue.kind == "extra_forbidden"]
    missing = [issue for issue in issues if issue.kind == "missing"]
    missing_in: dict[KeyPath, set[str]] = {}
    for issue in missing:
        missing_in.setdefault(issue.path[:-1], set()).add(str(issue.path[-1]))
    explained: set[KeyPath] = set()
    found: list[tuple[KeyPath, str, str]] = []
    for issue in unknown:
        parent, key = issue.path[:-1], str(issue.path[-1])
        allowed = _allowed_keys(parent)
        absent = sorted(missing_in.get(parent, set()))
        guess = _KEY_SYNONYMS.get(key.lower())
        if guess not in allowed:
            guess = _closest(key, allowed)
        if guess is None and len(absent) == 1:
            guess = absent[0]  # the one key missing here is most likely the one misspelt
        fix = f"did you mean '{guess}'? " if guess else ""
        fix += f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        found.append((issue.path, f"unknown key '{key}'", fix))
        if guess in absent:
            explained.add((*parent, guess))
    for issue in missing:
        if issue.path in explained:
            continue
        key = str(issue.path[-1])
        info = _field_at(issue.path)
        about = ""
        if info is not None and info.description:
            about = f" - {info.description[0].lower()}{info.description[1:].rstrip('.')}"
        found.append(
            (issue.path, f"'{key}' is missing", f"add '{key}: ...'{about}; see {_EXAMPLE_FILE}")
        )
    return found


# Words planners use for a key that has another name here.
_KEY_SYNONYMS = {
    "till": "to",
    "until": "to",
    "bis": "to",
    "von": "from",
    "since": "from",
    "ends": "end",
    "begin": "start",
    "starts": "start",
}


def _explain_entry(entry: Any, group: list[_Issue]) -> tuple[str, str]:
    """One message for a list entry that fits no form allowed there (date, range, weekday)."""
    weekday_allowed = any((issue.member or "").startswith("literal") for issue in group)
    forms = f"a date YYYY-MM-DD or a range {_RANGE}"
    if weekday_allowed:
        forms = f"a weekday ({_WEEKDAY_LIST}), {forms}"
    date_errors = [issue for issue in group if "date" in (issue.member or "")]
    if isinstance(entry, str) and _DATE.match(entry.strip()) and date_errors:
        what = date_errors[0].context.get("what", f"'{entry}' is not a date")
        return what, date_errors[0].context.get("fix", f"write {forms}")
    if isinstance(entry, str) and weekday_allowed:
        guess = _did_you_mean_weekday(entry)
        return f"'{entry}' is neither a weekday nor a date", f"{guess}write {forms}"
    if isinstance(entry, dict):
        return "expected a date or a range, found a mapping", f"write {forms}"
    return f"expected a date, found {_shown(entry)}", f"write {forms}"


def _explain(issue: _Issue, doc: YamlDocument) -> tuple[str, str]:
    """(what, fix) for one schema error other than an unknown or missing key."""
    kind, value, path = issue.kind, issue.value, issue.path
    key = next((str(part) for part in reversed(path) if isinstance(part, str)), "value")
    source = doc.texts.get(path)
    shown = _shown(value, source)
    if "fix" in issue.context:
        return str(issue.context["what"]), str(issue.context["fix"])
    if kind == "literal_error":
        return (
            f"unknown weekday {shown}",
            f"{_did_you_mean_weekday(str(value))}use one of {_WEEKDAY_LIST}",
        )
    if value is None and kind.endswith("_type"):
        return f"'{key}' has no value", f"write a value after '{key}:', or remove the line"
    if kind.startswith(("int_", "float_")) or kind == "finite_number":
        whole = kind.startswith("int_")
        what = f"expected {'a whole number' if whole else 'a number'}, found {shown}"
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
            return what, f"use a decimal point, not a comma: {value.strip().replace(',', '.')}"
        if kind == "int_from_float":
            return what, f"give '{key}' a whole number"
        return what, f"write '{key}' as a plain number in digits, e.g. {key}: {_example(path)}"
    if kind.startswith("bool_"):
        return f"expected true or false, found {shown}", f"write {key}: true or {key}: false"
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = source if source is not None else str(value)
            return f"expected text, found {shown}", f'put it in quotes: "{text}"'
        return f"expected text, found {shown}", "write plain text (quote it if unsure)"
    if kind in {"list_type", "tuple_type"}:
        if isinstance(value, str | int | float):
            return f"expected a list, found {shown}", f"write a list, e.g. {key}: [{value}]"
        return f"expected a list, found {shown}", (
            f"write a list: {key}: [a, b], or one '- item' line per entry under '{key}:'"
        )
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of keys, found {shown}", _mapping_fix(path, key)
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return _out_of_range(kind, key, source or str(value), issue.context)
    if kind in {"too_short", "string_too_short"}:
        what = f"'{key}' is empty"
        fix = "write it" if kind == "string_too_short" else "give at least one entry"
        return what, f"{fix}; see {_EXAMPLE_FILE}"
    if kind == "string_pattern_mismatch":
        return (
            f"id {shown} cannot be used in file names",
            "use only letters, digits, - and _ (at most 64), starting with a letter or digit",
        )
    return issue.message.removeprefix("Value error, "), f"see {_EXAMPLE_FILE}"


def _out_of_range(kind: str, key: str, shown: str, context: dict[str, Any]) -> tuple[str, str]:
    bound = next(iter(context.values()), "?")
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    words = {
        "greater_than": ("more than", f"use a number above {bound}"),
        "greater_than_equal": ("at least", f"use {bound} or more"),
        "less_than": ("less than", f"use a number below {bound}"),
        "less_than_equal": ("at most", f"use {bound} or less"),
    }
    relation, fix = words[kind]
    return f"'{key}' must be {relation} {bound}, found {shown}", fix


# How one entry of each mapping of names looks, for "expected a mapping" advice.
_MAPPING_EXAMPLES = {
    "blocks": 'am: {start: "08:00", end: "12:00"}',
    "days": "mon: [am, pm]",
    "needs": "needs: {residence: 1}",
}


def _mapping_fix(path: KeyPath, key: str) -> str:
    if len(path) == 2 and path[0] == "staff":
        return "write each person as a mapping: - {id: ..., name: ..., hours: ...}"
    if key in _MAPPING_EXAMPLES:
        return (
            f"write one 'name: value' entry per line under '{key}:', e.g. {_MAPPING_EXAMPLES[key]}"
        )
    allowed = _allowed_keys(path)
    if allowed and isinstance(path[-1], int):
        return f"write each entry under '{key}:' as a mapping with keys from: {', '.join(allowed)}"
    if allowed:
        return f"write '{key}:' with indented keys below it ({', '.join(allowed)})"
    return f"write '{key}:' with indented 'name: value' lines below it; see {_EXAMPLE_FILE}"


def _example(path: KeyPath) -> str:
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    return {"hours": "39", "seats": "2", "min": "2", "weeks": "1"}.get(key, "1")


def _shown(value: Any, source: str | None = None) -> str:
    """A value as the planner wrote it, for a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {source if source is not None else value}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, list):
        return f"a list {_SHORT.repr(value)}"
    if isinstance(value, dict):
        return f"a mapping {_SHORT.repr(value)}"
    return _SHORT.repr(value)


_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxdict = 3
_SHORT.maxlevel = 2
_SHORT.maxstring = 20


def _closest(word: str, options: Iterable[str]) -> str | None:
    """The option closest to `word` (ignoring case), if any is close enough."""
    lowered = {option.lower(): option for option in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if match:
        return lowered[match[0]]
    # Short names ('pn' for 'pm') fall below difflib's ratio; one typo away is still close.
    near = [option for key, option in lowered.items() if _one_typo_apart(word.lower(), key)]
    return near[0] if len(near) == 1 else None


def _one_typo_apart(first: str, second: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and first[differ[0]] == second[differ[1]]
            and first[differ[1]] == second[differ[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    match = _closest(word, options)
    return f"did you mean '{match}'? " if match else ""


# Two-letter starts that name one weekday, in English and in German (Mo Di Mi Do Fr Sa So).
_WEEKDAY_STARTS = {
    "tu": "tue",
    "we": "wed",
    "th": "thu",
    "su": "sun",
    "mo": "mon",
    "di": "tue",
    "mi": "wed",
    "do": "thu",
    "fr": "fri",
    "sa": "sat",
    "so": "sun",
}


def _did_you_mean_weekday(word: str) -> str:
    """'did you mean' for a weekday: 'monday', 'Tues', 'Mi' and near misses like 'mno'."""
    lowered = word.strip().lower()
    match = lowered[:3] if lowered[:3] in WEEKDAYS else _WEEKDAY_STARTS.get(lowered[:2])
    if match is None:
        match = _closest(lowered, WEEKDAYS)
    return f"did you mean '{match}'? " if match else ""


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


# ---------------------------------------------------------------------------
# Cross-checks


@dataclass
class _Demand:
    """Counter or back-office demand, as far as it is valid."""

    area: str
    seats: int | None  # the counter's seats; None for the back office (a minimum, no cap)
    needs: dict[str, int] | None
    overrides: list[tuple[int, FrontOverride | BackOverride]]


@dataclass
class _Parts:
    """What the cross-checks can rely on.

    From a valid office: everything. From an invalid one (see `_parts_from_raw`):
    each piece that is valid on its own, and the names the file declares.
    `None` means "unusable": the checks that need it are skipped.
    """

    info: OfficeInfo | None = None
    period: Period | None = None
    skills: list[str] | None = None
    block_names: list[str] | None = None
    blocks: dict[str, BlockSpec] = field(default_factory=dict)
    opening_days: list[str] | None = None
    day_blocks: dict[str, list[str]] = field(default_factory=dict)
    demands: list[_Demand] = field(default_factory=list)
    staff: list[tuple[int, StaffSpec]] = field(default_factory=list)
    staff_ids: list[tuple[int, str]] = field(default_factory=list)
    trainees: set[str] = field(default_factory=set)
    dropped: set[KeyPath] = field(default_factory=set)  # invalid keys left out of an entry


def _parts_of(office: Office) -> _Parts:
    return _Parts(
        info=office.office,
        period=office.period,
        skills=list(office.skills),
        block_names=list(office.blocks),
        blocks=dict(office.blocks),
        opening_days=list(office.days),
        day_blocks={day: list(names) for day, names in office.days.items()},
        demands=[
            _Demand(
                "front",
                office.front.seats,
                dict(office.front.needs),
                [(index, override) for index, override in enumerate(office.front.overrides)],
            ),
            _Demand(
                "back",
                None,
                dict(office.back.needs),
                [(index, override) for index, override in enumerate(office.back.overrides)],
            ),
        ],
        staff=list(enumerate(office.staff)),
        staff_ids=[(index, person.id) for index, person in enumerate(office.staff)],
        trainees={person.id for person in office.staff if person.trainee},
    )


_Count = Annotated[int, Field(ge=0)]


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


_Model = TypeVar("_Model", bound=BaseModel)


def _valid(kind: Any, value: Any) -> Any:
    """`value` validated as `kind`, or None if it is not valid."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return None


# Stand-ins for a required value whose own mistake is already reported, so that the rest
# of its entry can still be cross-checked. Only values no cross-check reads.
_STAND_INS: dict[str, Any] = {"name": "(name)", "hours": 1}


def _salvaged(
    model: type[_Model], value: Any, where: KeyPath, dropped: set[KeyPath]
) -> _Model | None:
    """`value` validated as `model`, or else without its invalid keys; None if even that fails.

    The mistakes in the dropped keys are reported by the schema already; what is
    left (a trainee's mentor beside a misspelt skill, a time zone beside a bad
    name) still gets its cross-checks. The dropped keys' paths go into `dropped`,
    so that no check reports a consequence of a mistake already reported.
    """
    try:
        return model.model_validate(value)
    except ValidationError as error:
        if not isinstance(value, dict):
            return None
        bad = {item["loc"][0] for item in error.errors() if item["loc"]}
    kept = {key: item for key, item in value.items() if key not in bad}
    for key in bad:
        if isinstance(key, str) and key in _STAND_INS and _model_field(model, key):
            kept[key] = _STAND_INS[key]
    try:
        salvaged = model.model_validate(kept)
    except ValidationError:
        return None
    dropped.update((*where, key) for key in bad)
    return salvaged


def _parts_from_raw(data: dict[str, Any]) -> _Parts:
    """The valid pieces of an office file that failed the schema somewhere.

    Validated one by one: `office`, `period`, each block, each day's block
    list, each demand's seats and needs, every override and each staff entry;
    an entry with a mistake is checked without its invalid keys (`_salvaged`).
    Read raw: the skill names, block names, opening weekdays and staff ids the
    file declares, so that a reference to a person whose hours are wrong is not
    also reported as unknown. Limits: an entry whose id, period start or block
    times are invalid gets no cross-checks of its own until that is fixed, and a
    broken `skills:`, `blocks:` or `days:` section turns off the checks that need it.
    """
    parts = _Parts(period=_valid(Period, data.get("period")))
    parts.info = _salvaged(OfficeInfo, data.get("office"), ("office",), parts.dropped)
    skills = data.get("skills", [])
    if isinstance(skills, list):
        parts.skills = [skill for skill in skills if isinstance(skill, str)]
    blocks = data.get("blocks")
    if isinstance(blocks, dict):
        parts.block_names = [str(name) for name in blocks]
        for name, spec in blocks.items():
            valid = _valid(BlockSpec, spec)
            if valid is not None:
                parts.blocks[str(name)] = valid
    days = data.get("days")
    if isinstance(days, dict):
        parts.opening_days = [day for day in days if day in WEEKDAYS]
        for day, names in days.items():
            valid_names = _valid(list[str], names)
            if day in WEEKDAYS and valid_names is not None:
                parts.day_blocks[day] = valid_names
    override_types: dict[str, type[FrontOverride] | type[BackOverride]] = {
        "front": FrontOverride,
        "back": BackOverride,
    }
    for area, override_type in override_types.items():
        raw = data.get(area, {} if area == "back" else None)
        if not isinstance(raw, dict):
            continue
        seats = _valid(_Count, raw.get("seats")) if area == "front" else None
        needs = raw.get("needs", {})
        overrides = raw.get("overrides", [])
        parts.demands.append(
            _Demand(
                area,
                seats,
                {
                    str(skill): count
                    for skill, value in needs.items()
                    if (count := _valid(_Count, value)) is not None
                }
                if isinstance(needs, dict)
                else None,
                [
                    (index, valid)
                    for index, entry in enumerate(overrides if isinstance(overrides, list) else [])
                    if (
                        valid := _salvaged(
                            override_type, entry, (area, "overrides", index), parts.dropped
                        )
                    )
                    is not None
                ],
            )
        )
    staff = data.get("staff")
    for index, entry in enumerate(staff if isinstance(staff, list) else []):
        person = _salvaged(StaffSpec, entry, ("staff", index), parts.dropped)
        if person is not None:
            parts.staff.append((index, person))
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            parts.staff_ids.append((index, entry["id"]))
            if (person.trainee if person is not None else entry.get("trainee")) is True:
                parts.trainees.add(entry["id"])
    return parts


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
    for index, staff_id in parts.staff_ids:
        if staff_id in first_of:
            found.append(
                (
                    ("staff", index, "id"),
                    f"id '{staff_id}' is used twice (also staff[{first_of[staff_id]}])",
                    "give every person a unique id (ids become file names)",
                )
            )
        first_of.setdefault(staff_id, index)
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


def holiday_calendar(region: str, years: list[int]) -> dict[dt.date, str] | None:
    """Public holidays of `region` ("DE" or "DE-ST") in `years`; None if the region is unknown."""
    import holidays

    country, _, subdivision = region.partition("-")
    try:
        found = holidays.country_holidays(
            country.upper(), subdiv=subdivision.upper() or None, years=years, language="en_US"
        )
    except (NotImplementedError, KeyError, ValueError):
        return None
    return {day: str(name) for day, name in sorted(found.items())}
