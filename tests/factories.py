"""Build small offices in code and pin assignments with pictures like "F B - .".

A picture has one symbol per open block of a person's week, in time order:
`F` front, `B` back, `-` not working, `.` free for the solver.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from rotaplan.config import Office
from rotaplan.model.build import BuiltModel, build
from rotaplan.problem import Problem, Slot, resolve

AREA_OF = {"F": "front", "B": "back"}
ROOT = Path(__file__).resolve().parent.parent
SMALL_OFFICE = ROOT / "config" / "small-office.yaml"


def run_rotaplan(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m rotaplan ARGS` as a user would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "rotaplan", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def edited_small_office(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """config/small-office.yaml with text replacements, written to tmp_path."""
    text = SMALL_OFFICE.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def office(**changes: Any) -> dict[str, Any]:
    """A valid office file as a dict: one week, Mon-Fri, blocks am (4 h) and pm (3 h)."""
    base: dict[str, Any] = {
        "office": {"name": "Test office", "timezone": "Europe/Berlin"},
        "period": {"start": "2026-11-30", "weeks": 1},
        "blocks": {
            "am": {"start": "08:00", "end": "12:00"},
            "pm": {"start": "12:00", "end": "15:00"},
        },
        "days": {day: ["am", "pm"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "skills": ["residence", "ar"],
        "front": {"seats": 0},
        "back": {"min": 0},
        "staff": [{"id": "anna", "name": "Anna", "hours": 39}],
    }
    result = copy.deepcopy(base)
    result.update(copy.deepcopy(changes))
    return result


def person(staff_id: str, **fields: Any) -> dict[str, Any]:
    """A staff entry with 39 hours unless told otherwise."""
    return {"id": staff_id, "name": staff_id.title(), "hours": 39, **fields}


def problem_of(data: dict[str, Any]) -> Problem:
    """Validate and resolve an office dict."""
    return resolve(Office.model_validate(data))


def cells(built: BuiltModel, picture: str) -> Iterator[tuple[Slot, str]]:
    """(slot, symbol) for each open block of the week, in time order."""
    symbols = picture.split()
    slots = built.ctx.problem.slots
    assert len(symbols) == len(slots), f"picture has {len(symbols)} symbols for {len(slots)} blocks"
    return zip(slots, symbols, strict=True)


def values_of(built: BuiltModel, pictures: dict[str, str]) -> dict[int, int]:
    """Assignment values (variable index -> 0/1) from one picture per person: F front,
    B back, any other symbol off."""
    values = {var.index: 0 for var in built.ctx.vars.all()}
    for staff, picture in pictures.items():
        for slot, symbol in cells(built, picture):
            if symbol in AREA_OF:
                var = built.ctx.vars.works(staff, slot.key, AREA_OF[symbol])
                assert var is not None, f"{staff} cannot work {symbol} in {slot.key}"
                values[var.index] = 1
    return values


def pin(built: BuiltModel, staff: str, picture: str) -> None:
    """Fix one person's week to `picture`; a symbol the domain cannot take makes it infeasible."""
    for slot, symbol in cells(built, picture):
        if symbol == ".":
            continue
        for area in ("front", "back"):
            var = built.ctx.vars.works(staff, slot.key, area)
            wanted = 1 if AREA_OF.get(symbol) == area else 0
            if var is None:
                if wanted:
                    built.model.add_bool_or([])  # asked for an impossible assignment
                continue
            built.model.add(var == wanted)


def feasibility(problem: Problem, pictures: dict[str, str]) -> str:
    """Build the hard rules, pin the pictures, and return CP-SAT's status name."""
    built = build(problem)
    for staff, picture in pictures.items():
        pin(built, staff, picture)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    return str(solver.status_name(solver.solve(built.model)))
