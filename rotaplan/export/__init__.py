"""Files for people: the planner's rota.csv, rota.xlsx and rota.html, and each person's files.

`write_exports(problem, rota, folder)` writes all of them; each module can
also be used on its own. Exports see only the problem and the rota.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rotaplan.export.csv import write_csv, write_rota_csv, write_staff_csvs
from rotaplan.export.html import write_html
from rotaplan.export.ics import write_ics
from rotaplan.export.xlsx import write_xlsx
from rotaplan.problem import Problem
from rotaplan.rota import Rota


def write_exports(
    problem: Problem, rota: Rota, folder: Path, *, stamp: dt.datetime | None = None
) -> list[Path]:
    """Write rota.csv, rota.xlsx, rota.html and staff/<id>.ics + staff/<id>.csv into `folder`.

    Returns the paths written, planner files first. `stamp` is the publication
    moment written into the calendar files (default: now).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_rota_csv(problem, rota, folder)
    paths += write_xlsx(problem, rota, folder)
    paths += write_html(problem, rota, folder)
    for person_ics, person_csv in zip(
        write_ics(problem, rota, folder, stamp=stamp),
        write_staff_csvs(problem, rota, folder),
        strict=True,
    ):
        paths += [person_ics, person_csv]
    return paths


__all__ = [
    "write_csv",
    "write_exports",
    "write_html",
    "write_ics",
    "write_rota_csv",
    "write_staff_csvs",
    "write_xlsx",
]
