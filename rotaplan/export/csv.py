"""CSV exports: the whole rota for planners (`rota.csv`) and each person's own shifts.

Both files are UTF-8 with a byte order mark, so Excel opens umlauts correctly,
and no text cell can be read as a formula: one starting with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from rotaplan.export.grid import (
    WEEKDAY_NAMES,
    area_label,
    assignment_times,
    assignments_by_staff,
    format_clock,
    format_hours,
    looks_like_formula,
    slot_index,
    sorted_assignments,
    sorted_shortfalls,
    staff_file,
)
from rotaplan.files import write_atomic
from rotaplan.problem import Problem
from rotaplan.rota import Assignment, Rota

ROTA_CSV = "rota.csv"
ROTA_COLUMNS: tuple[str, ...] = (
    "kind",
    "date",
    "weekday",
    "block",
    "start",
    "end",
    "area",
    "staff",
    "name",
    "skills",
    "what",
    "missing",
)
STAFF_COLUMNS: tuple[str, ...] = (
    "date",
    "weekday",
    "block",
    "start",
    "end",
    "hours",
    "area",
    "where",
    "note",
)

CsvValue = str | int


def safe_cell(value: CsvValue) -> str:
    """A value as CSV text that no spreadsheet will run as a formula."""
    if isinstance(value, int):
        return str(value)
    return "'" + value if looks_like_formula(value) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[CsvValue]]) -> str:
    """CSV text with a byte order mark, a header and `rows`, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def rota_rows(problem: Problem, rota: Rota) -> list[list[CsvValue]]:
    """Rows of rota.csv: every assignment, then every shortfall (`kind` tells them apart)."""
    slots = slot_index(problem)
    people = {person.id: person for person in problem.people}
    rows: list[list[CsvValue]] = []
    for item in sorted_assignments(problem, rota):
        start, end = assignment_times(problem, item, slots)
        person = people.get(item.staff)
        rows.append(
            [
                "assignment",
                item.date.isoformat(),
                WEEKDAY_NAMES[item.date.weekday()],
                item.block,
                format_clock(start),
                format_clock(end),
                item.area,
                item.staff,
                person.name if person else "",
                ", ".join(sorted(person.skills)) if person else "",
                "",
                "",
            ]
        )
    for shortfall in sorted_shortfalls(problem, rota):
        slot = slots.get((shortfall.date, shortfall.block))
        rows.append(
            [
                "shortfall",
                shortfall.date.isoformat(),
                WEEKDAY_NAMES[shortfall.date.weekday()],
                shortfall.block,
                format_clock(slot.start) if slot else "",
                format_clock(slot.end) if slot else "",
                shortfall.area,
                "",
                "",
                "",
                shortfall.what,
                shortfall.missing,
            ]
        )
    return rows


def staff_rows(
    problem: Problem, rota: Rota, staff: str, mine: Sequence[Assignment] | None = None
) -> list[list[CsvValue]]:
    """Rows of one person's CSV: their own shifts only, in time order (`mine`, where the
    caller has them at hand)."""
    slots = slot_index(problem)
    person = problem.person(staff)
    mentor = problem.person(person.mentor) if person.trainee and person.mentor else None
    rows: list[list[CsvValue]] = []
    for item in mine if mine is not None else sorted_assignments(problem, rota, staff):
        start, end = assignment_times(problem, item, slots)
        minutes = int((end - start).total_seconds() // 60)
        note = f"beside your mentor {mentor.name}" if mentor and item.area == "front" else ""
        rows.append(
            [
                item.date.isoformat(),
                WEEKDAY_NAMES[item.date.weekday()],
                item.block,
                format_clock(start),
                format_clock(end),
                format_hours(minutes),
                item.area,
                area_label(item.area),
                note,
            ]
        )
    return rows


def write_rota_csv(problem: Problem, rota: Rota, folder: Path) -> list[Path]:
    """Write `folder/rota.csv`, the whole rota for planners."""
    path = folder / ROTA_CSV
    write_atomic(path, csv_text(ROTA_COLUMNS, rota_rows(problem, rota)), sync=False)
    return [path]


def write_staff_csvs(problem: Problem, rota: Rota, folder: Path) -> list[Path]:
    """Write `folder/staff/<id>.csv` for every person, holding only their own shifts."""
    by_staff = assignments_by_staff(problem, rota)
    paths: list[Path] = []
    for person in problem.people:
        path = staff_file(folder, person.id, ".csv")
        rows = staff_rows(problem, rota, person.id, by_staff[person.id])
        write_atomic(path, csv_text(STAFF_COLUMNS, rows), sync=False)
        paths.append(path)
    return paths


def write_csv(problem: Problem, rota: Rota, folder: Path) -> list[Path]:
    """Write rota.csv and every person's staff/<id>.csv into `folder`."""
    return write_rota_csv(problem, rota, folder) + write_staff_csvs(problem, rota, folder)
