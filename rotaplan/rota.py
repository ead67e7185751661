"""The rota: assignments, shortfalls and penalties, and reading/writing rota.json."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotaplan.errors import InputError, Mistake

StaffId = str


@dataclass(frozen=True)
class Assignment:
    """One person in one area for one block of one date."""

    staff: StaffId
    date: dt.date
    block: str
    area: str  # "front" or "back"
    start: str  # ISO 8601 with offset, office time zone
    end: str


@dataclass(frozen=True)
class Shortfall:
    """A gap the rota leaves: `missing` seats, minimum or skill holders in one block."""

    date: dt.date
    block: str
    area: str
    what: str  # "seats", "min" or a skill name
    missing: int


@dataclass(frozen=True)
class Penalty:
    """The cost one soft rule charges one person (or the office, staff None)."""

    rule: str
    staff: StaffId | None
    cost: int
    detail: str
    week: int | None = None


@dataclass(frozen=True)
class Rota:
    """A whole rota as stored in rota.json."""

    office: str
    start: dt.date
    end: dt.date
    status: str  # "optimal" or "feasible"
    objective: int | None
    bound: int | None
    assignments: tuple[Assignment, ...]
    shortfalls: tuple[Shortfall, ...] = ()
    penalties: tuple[Penalty, ...] = ()
    fingerprint: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    stages: tuple[dict[str, Any], ...] = ()


def rota_to_dict(rota: Rota) -> dict[str, Any]:
    """The JSON form of `rota` (SPEC field order, then extras)."""
    return {
        "office": rota.office,
        "period": {"start": rota.start.isoformat(), "end": rota.end.isoformat()},
        "status": rota.status,
        "objective": rota.objective,
        "bound": rota.bound,
        "assignments": [
            {
                "staff": item.staff,
                "date": item.date.isoformat(),
                "block": item.block,
                "area": item.area,
                "start": item.start,
                "end": item.end,
            }
            for item in rota.assignments
        ],
        "shortfalls": [
            {
                "date": item.date.isoformat(),
                "block": item.block,
                "area": item.area,
                "what": item.what,
                "missing": item.missing,
            }
            for item in rota.shortfalls
        ],
        "penalties": [
            {
                "rule": item.rule,
                "staff": item.staff,
                "cost": item.cost,
                "detail": item.detail,
                **({"week": item.week} if item.week is not None else {}),
            }
            for item in rota.penalties
        ],
        "fingerprint": rota.fingerprint,
        "settings": rota.settings,
        "stages": list(rota.stages),
    }


def rota_to_json(rota: Rota) -> str:
    """rota.json text: stable key order and layout, so equal rotas give equal bytes."""
    return json.dumps(rota_to_dict(rota), indent=2, ensure_ascii=False) + "\n"


def read_rota(path: Path | str) -> Rota:
    """Read a rota.json written by rotaplan or edited by hand; InputError if it is malformed."""
    path = Path(path)
    file = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Mistake(file, None, "", "file not found", "check the path")]) from None
    except UnicodeDecodeError:
        raise InputError(
            [Mistake(file, None, "", "is not UTF-8 text", "save it as UTF-8")]
        ) from None
    except json.JSONDecodeError as error:
        raise InputError(
            [
                Mistake(
                    file,
                    error.lineno,
                    "",
                    f"broken JSON, column {error.colno}: {error.msg}",
                    "check commas and quotes",
                )
            ]
        ) from None
    except OSError as error:
        raise InputError(
            [Mistake(file, None, "", f"cannot be read ({error.strerror})", "check permissions")]
        ) from None
    try:
        return _rota_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(
            [
                Mistake(
                    file,
                    None,
                    "",
                    f"not a rota file ({type(error).__name__}: {error})",
                    "give a rota.json written by 'rotaplan solve', or keep its field names",
                )
            ]
        ) from None


def _rota_from_dict(data: dict[str, Any]) -> Rota:
    period = data["period"]
    return Rota(
        office=str(data.get("office", "")),
        start=dt.date.fromisoformat(period["start"]),
        end=dt.date.fromisoformat(period["end"]),
        status=str(data.get("status", "feasible")),
        objective=data.get("objective"),
        bound=data.get("bound"),
        assignments=tuple(
            Assignment(
                staff=str(item["staff"]),
                date=dt.date.fromisoformat(item["date"]),
                block=str(item["block"]),
                area=str(item["area"]),
                start=str(item.get("start", "")),
                end=str(item.get("end", "")),
            )
            for item in data["assignments"]
        ),
        shortfalls=tuple(
            Shortfall(
                date=dt.date.fromisoformat(item["date"]),
                block=str(item["block"]),
                area=str(item["area"]),
                what=str(item["what"]),
                missing=int(item["missing"]),
            )
            for item in data.get("shortfalls", [])
        ),
        penalties=tuple(
            Penalty(
                rule=str(item["rule"]),
                staff=item.get("staff"),
                cost=int(item["cost"]),
                detail=str(item.get("detail", "")),
                week=item.get("week"),
            )
            for item in data.get("penalties", [])
        ),
        fingerprint=data.get("fingerprint"),
        settings=dict(data.get("settings") or {}),
        stages=tuple(data.get("stages") or ()),
    )
