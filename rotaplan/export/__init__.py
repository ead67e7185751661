"""Files for people: the planner's rota.csv, rota.xlsx and rota.html, and each person's files.

`write_exports(problem, rota, folder)` writes all of them; each module can
also be used on its own. Exports see only the problem and the rota.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rotaplan.export.aside import Aside
from rotaplan.export.csv import write_csv, write_rota_csv, write_staff_csvs
from rotaplan.export.html import write_html
from rotaplan.export.ics import write_ics
from rotaplan.export.xlsx import write_xlsx
from rotaplan.problem import Problem
from rotaplan.rota import Rota

# The share of the staff calendars a second process writes, so both end together: the
# planner files and staff CSVs, which this process writes as well, take about a quarter
# of the calendars' time (300 people over 4 weeks: 0.7 s against 2.7 s,
# `benchmarks/RESULTS.md`).
CALENDARS_ASIDE = 0.6


def write_exports(
    problem: Problem,
    rota: Rota,
    folder: Path,
    *,
    stamp: dt.datetime | None = None,
    workers: int = 1,
) -> list[Path]:
    """Write rota.csv, rota.xlsx, rota.html and staff/<id>.ics + staff/<id>.csv into `folder`.

    Returns the paths written, planner files first. `stamp` is the publication
    moment written into the calendar files and the workbook (default: now). With
    `workers` of 2 or more, a second process writes CALENDARS_ASIDE of the calendars
    meanwhile (`rotaplan.export.aside`); the files are the same either way.
    """
    folder.mkdir(parents=True, exist_ok=True)
    moment = stamp if stamp is not None else dt.datetime.now(dt.UTC)
    people = [person.id for person in problem.people]
    cut = round(len(people) * CALENDARS_ASIDE) if workers > 1 else 0
    aside = Aside(
        lambda: write_ics(problem, rota, folder, stamp=moment, staff=people[:cut]), fork=cut > 0
    )
    with aside as theirs:
        paths = write_rota_csv(problem, rota, folder)
        paths += write_xlsx(problem, rota, folder, stamp=moment)
        paths += write_html(problem, rota, folder)
        staff_csvs = write_staff_csvs(problem, rota, folder)
        mine = write_ics(problem, rota, folder, stamp=moment, staff=people[cut:])
        calendars = theirs.result() + mine
    for person_ics, person_csv in zip(calendars, staff_csvs, strict=True):
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
