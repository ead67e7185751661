"""The office file: its pydantic schema and `load_office(path)`.

The schema checks each value on its own (types, ranges, unknown keys);
`cross_check` then checks what refers to what (skills, blocks, weekdays,
mentors, dates). Both report every mistake with the file, line and key path,
all at once: when the schema fails, the cross-checks still run on each piece
of the file that is valid on its own (see `parts._parts_from_raw` for the limits).

Cross-references live in `references` rather than in pydantic
`model_validator`s because a validator cannot say on which line of the file
the mistake is.

    schema.py      the pydantic models and field types; `office_json_schema`
    messages.py    schema errors -> `Mistake`s with key path and fix
    suggest.py     'did you mean ...?' for keys, names and weekdays
    parts.py       what the cross-checks can rely on, valid file or not
    references.py  the cross-checks (`cross_check`)
    holidays.py    `holiday_calendar`

Only the schema is imported with this package: reading a file (YAML, error
messages, cross-checks, the holiday calendar) is imported by `load_office`
when a file is read, so that `rotaplan schema` stays quick.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rotaplan.config.schema import (
    WEEKDAYS,
    BackDemand,
    BackOverride,
    BlockSpec,
    Clock,
    DateOrRange,
    DateRange,
    Day,
    FrontDemand,
    FrontOverride,
    Office,
    OfficeInfo,
    Period,
    Rules,
    StaffId,
    StaffSpec,
    Weekday,
    Weights,
    office_json_schema,
)
from rotaplan.errors import InputError, Mistake
from rotaplan.lazy import lazy_names

if TYPE_CHECKING:
    from rotaplan.config.holidays import holiday_calendar
    from rotaplan.config.references import Found, cross_check

# Public names of the modules that reading a file needs, loaded on first use.
_LATER: dict[str, str] = {
    "Found": "rotaplan.config.references",
    "cross_check": "rotaplan.config.references",
    "holiday_calendar": "rotaplan.config.holidays",
}

__all__ = [
    "WEEKDAYS",
    "BackDemand",
    "BackOverride",
    "BlockSpec",
    "Clock",
    "DateOrRange",
    "DateRange",
    "Day",
    "Found",
    "FrontDemand",
    "FrontOverride",
    "Office",
    "OfficeInfo",
    "Period",
    "Rules",
    "StaffId",
    "StaffSpec",
    "Weekday",
    "Weights",
    "cross_check",
    "holiday_calendar",
    "load_office",
    "office_json_schema",
]


__getattr__ = lazy_names(__name__, _LATER, globals())


def load_office(path: Path | str) -> Office:
    """Read, validate and cross-check an office file; raise InputError listing every mistake."""
    from pydantic import ValidationError

    from rotaplan.config.messages import _EXAMPLE_FILE, _place, _schema_mistakes, _shown
    from rotaplan.config.parts import _parts_from_raw, _parts_of
    from rotaplan.config.references import _cross_check
    from rotaplan.yamlfile import read_yaml

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
