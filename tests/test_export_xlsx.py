"""rota.xlsx, loaded back with openpyxl: sheets, cells, colours, and no formulas."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from test_export_common import NAMES, SMALL_OFFICE, TWO_WEEKS, load

from rotaplan.export.grid import KIND_COLOURS, SHORTFALL_COLOURS, CellKind
from rotaplan.export.xlsx import write_xlsx
from rotaplan.problem import Problem
from rotaplan.rota import Rota


def workbook_for(tmp_path: Path, path: Path) -> tuple[Problem, Rota, Workbook]:
    problem, rota = load(path)
    write_xlsx(problem, rota, tmp_path)
    return problem, rota, load_workbook(tmp_path / "rota.xlsx")


def test_the_workbook_records_the_publication_moment_and_repeats_with_it(
    tmp_path: Path,
) -> None:
    problem, rota = load(SMALL_OFFICE)
    stamp = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    write_xlsx(problem, rota, tmp_path / "a", stamp=stamp)
    write_xlsx(problem, rota, tmp_path / "b", stamp=stamp)
    first = (tmp_path / "a" / "rota.xlsx").read_bytes()
    assert first == (tmp_path / "b" / "rota.xlsx").read_bytes()
    created = load_workbook(tmp_path / "a" / "rota.xlsx").properties.created
    assert created is not None
    assert created.replace(tzinfo=dt.UTC) == stamp  # 09:30 UTC
    write_xlsx(problem, rota, tmp_path / "c", stamp=stamp + dt.timedelta(minutes=1))
    assert (tmp_path / "c" / "rota.xlsx").read_bytes() != first


def find_row(sheet: Worksheet, text: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value is not None and str(row[0].value).startswith(text):
            return int(row[0].row)
    raise AssertionError(f"no row starting with {text!r}")


def block_column(sheet: Worksheet, date: dt.date, block: str) -> int:
    """The sheet column of (date, block): day names on row 5, block names on row 6."""
    day = f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[date.weekday()]} {date.day} "
    current = None
    for column in range(1, sheet.max_column + 1):
        top = sheet.cell(row=5, column=column).value
        if top is not None:
            current = str(top)
        below = str(sheet.cell(row=6, column=column).value or "")
        if current and current.startswith(day) and below.split("\n")[0] == block:
            return column
    raise AssertionError(f"no column for {date} {block}")


def test_a_sheet_per_week_then_coverage_and_hours(tmp_path: Path) -> None:
    _, _, book = workbook_for(tmp_path, TWO_WEEKS)
    assert book.sheetnames == ["Week 1 (19 Oct)", "Week 2 (26 Oct)", "Coverage and hours"]


def test_cells_say_the_area_in_words_and_colour(tmp_path: Path) -> None:
    problem, rota, book = workbook_for(tmp_path, SMALL_OFFICE)
    sheet = book["Week 1 (30 Nov)"]
    for assignment in rota.assignments[:12]:
        person = problem.person(assignment.staff)
        cell = sheet.cell(
            row=find_row(sheet, person.name),
            column=block_column(sheet, assignment.date, assignment.block),
        )
        kind = CellKind.FRONT if assignment.area == "front" else CellKind.BACK
        assert cell.value == {"front": "Front", "back": "Back"}[assignment.area]
        assert cell.fill.fill_type == "solid"
        assert cell.fill.start_color.rgb.endswith(KIND_COLOURS[kind].fill)


def test_absence_and_school_cells(tmp_path: Path) -> None:
    _, _, book = workbook_for(tmp_path, TWO_WEEKS)
    sheet = book["Week 2 (26 Oct)"]
    ben = sheet.cell(
        row=find_row(sheet, "Ben Brandt"), column=block_column(sheet, dt.date(2026, 10, 27), "am")
    )
    assert ben.value == "absent"
    assert ben.fill.start_color.rgb.endswith(KIND_COLOURS[CellKind.ABSENT].fill)
    emil = sheet.cell(
        row=find_row(sheet, "Emil Engel"), column=block_column(sheet, dt.date(2026, 10, 29), "am")
    )
    assert emil.value == "school"


def test_shortfall_row_is_highlighted(tmp_path: Path) -> None:
    problem, rota, book = workbook_for(tmp_path, TWO_WEEKS)
    sheet = book["Week 1 (19 Oct)"]
    row = find_row(sheet, "Shortfall")
    for shortfall in rota.shortfalls:
        if problem.week_of(shortfall.date) != 0:
            continue
        cell = sheet.cell(row=row, column=block_column(sheet, shortfall.date, shortfall.block))
        assert cell.fill.start_color.rgb.endswith(SHORTFALL_COLOURS.fill)
        assert str(cell.value).strip()
    assert any(cell.value == "Legend" for cell in sheet["A"])


def test_coverage_sheet_lists_every_block_and_every_persons_hours(tmp_path: Path) -> None:
    problem, rota, book = workbook_for(tmp_path, TWO_WEEKS)
    sheet = book["Coverage and hours"]
    assert sheet["A1"].value == "Coverage per block"
    header = [cell.value for cell in sheet[2]]
    assert header[:4] == ["Week", "Date", "Day", "Block"]
    rows = list(sheet.iter_rows(min_row=3, max_row=2 + len(problem.slots), values_only=True))
    assert [(r[1].date(), r[3]) for r in rows] == [(s.date, s.block) for s in problem.slots]
    short_blocks = {(s.date, s.block) for s in rota.shortfalls}
    for values in rows:
        assert bool(values[12]) == ((values[1].date(), values[3]) in short_blocks)
    hours_title = find_row(sheet, "Hours per person and week")
    people_rows = list(
        sheet.iter_rows(
            min_row=hours_title + 2,
            max_row=hours_title + 1 + 2 * len(problem.people),
            values_only=True,
        )
    )
    minutes = {(p.id, w): 0 for p in problem.people for w in range(problem.weeks)}
    slots = {slot.key: slot for slot in problem.slots}
    for a in rota.assignments:
        slot = slots[(a.date, a.block)]
        minutes[(a.staff, slot.week)] += slot.minutes
    for values in people_rows:
        week, staff, hours, share = values[0], values[1], values[3], values[4]
        assert hours == round(minutes[(staff, week - 1)] / 60, 2)
        assert share == round(problem.shares[(staff, week - 1)] / 60, 2)


def test_formula_looking_names_are_stored_as_text(tmp_path: Path) -> None:
    _, _, book = workbook_for(tmp_path, NAMES)
    sheet = book["Week 1 (21 Dec)"]
    cell = sheet.cell(row=find_row(sheet, "=HYPERLINK"), column=1)
    assert cell.value == '=HYPERLINK("http://example.invalid","click")'
    assert cell.data_type == "s"
    assert cell.quotePrefix
    for each in book.worksheets:
        for row in each.iter_rows():
            for item in row:
                assert item.data_type != "f", (each.title, item.coordinate, item.value)


def test_holiday_column_is_marked(tmp_path: Path) -> None:
    _, _, book = workbook_for(tmp_path, NAMES)
    sheet = book["Week 1 (21 Dec)"]
    column = next(
        c
        for c in range(1, sheet.max_column + 1)
        if str(sheet.cell(row=6, column=c).value).startswith("closed")
    )
    assert "Christmas Day" in sheet.cell(row=6, column=column).value
    assert sheet.cell(row=find_row(sheet, "+49 Plus"), column=column).value == "holiday"


def test_names_that_look_like_numbers_or_links_stay_text(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    lookalikes = ["0049 1234", "1e5", "https://example.invalid/x", "TRUE", "2026-12-24"]
    people = tuple(
        dataclasses.replace(person, name=lookalikes[index % len(lookalikes)])
        for index, person in enumerate(problem.people)
    )
    problem = dataclasses.replace(problem, people=people)
    write_xlsx(problem, rota, tmp_path)
    book = load_workbook(tmp_path / "rota.xlsx")
    sheet = book.worksheets[0]
    for person in people:
        cell = sheet.cell(row=find_row(sheet, person.name), column=1)
        assert cell.value == person.name
        assert cell.data_type == "s"
        assert cell.hyperlink is None
