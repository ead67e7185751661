"""What the cross-checks can rely on: a valid office, or the valid pieces of an invalid one."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from rotaplan.config.schema import (
    WEEKDAYS,
    BackOverride,
    BlockSpec,
    FrontOverride,
    Office,
    OfficeInfo,
    Period,
    StaffSpec,
    _model_field,
)
from rotaplan.yamlfile import KeyPath


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
