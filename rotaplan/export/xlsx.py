"""The planner's workbook `rota.xlsx`: a grid sheet per week and a coverage-and-hours sheet.

Week sheets show a row per person and a column per (day, block); each cell
says Front, Back, absent, school, off or holiday in words and colour, the
rows below give the cover of every block and its shortfalls, and a legend
closes the sheet. Text that looks like a formula is stored as plain text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rotaplan.export.grid import (
    CELL_STYLES,
    DASH,
    KIND_COLOURS,
    MINUS,
    MONTH_NAMES,
    SHORTFALL_COLOURS,
    WEEKDAY_NAMES,
    CellKind,
    Colours,
    Coverage,
    WeekGrid,
    build_grids,
    format_clock,
    format_day,
    looks_like_formula,
    shortfall_short,
    shortfall_text,
)
from rotaplan.files import write_atomic
from rotaplan.problem import Problem
from rotaplan.rota import Rota

ROTA_XLSX = "rota.xlsx"
COVERAGE_SHEET = "Coverage and hours"
FIRST_GRID_COLUMN = 3  # A: name, B: id
HEADER_ROW = 5  # day names; the block names are on the row below
HEADER_FILL = Colours("2F3B4C", "FFFFFF")
SUBHEADER_FILL = Colours("E4E8EE", "1F2933")
UNDER_TARGET_COLOURS = KIND_COLOURS[CellKind.ABSENT]  # amber: worth a look, not an error

_THIN = Side(style="thin", color="B8C0CC")
_GRID_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _fill(colours: Colours) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colours.fill, end_color=colours.fill)


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    colours: Colours | None = None,
    align: Alignment | None = None,
    border: bool = False,
    number_format: str | None = None,
) -> Cell:
    """Write one cell; text is always stored as text, never as a formula."""
    cell: Cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        # openpyxl would store "=..." as a formula: force a plain string, and mark the
        # cell so that Excel keeps it text even when someone edits it
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    if bold or italic or size or colours:
        cell.font = Font(
            bold=bold, italic=italic, size=size, color=colours.ink if colours else None
        )
    if colours is not None and colours.fill != "FFFFFF":
        cell.fill = _fill(colours)
    if align is not None:
        cell.alignment = align
    if border:
        cell.border = _GRID_BORDER
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _sheet_title(grid: WeekGrid) -> str:
    # Excel allows 31 characters and no []:*?/\ in a sheet name
    return f"Week {grid.week + 1} ({grid.start.day} {MONTH_NAMES[grid.start.month - 1][:3]})"


def _coverage_lines(cover: Coverage) -> list[str]:
    lines = [f"{cover.front}/{cover.demand.seats}"]
    if cover.trainees:
        lines.append(f"+{cover.trainees} trainee")
    return lines


def _write_cover_rows(sheet: Worksheet, grid: WeekGrid, row: int) -> int:
    """Cover rows under a week's grid; returns the row after them.

    Counter and back-office cover, a skills row for each area that needs
    skills this week, and the shortfalls; a cell whose need is unmet is red.
    """
    covers = list(grid.coverage.values())
    titles = ["Counter filled / seats"]
    if any(cover.front_skills for cover in covers):
        titles.append("Counter skills (have/need)")
    titles.append("Back office filled / minimum")
    if any(cover.back_skills for cover in covers):
        titles.append("Back-office skills (have/need)")
    titles.append("Shortfall")
    for offset, title in enumerate(titles):
        put(sheet, row + offset, 1, title, bold=True, align=_LEFT, border=True)
        sheet.merge_cells(
            start_row=row + offset, end_row=row + offset, start_column=1, end_column=2
        )
    for index, column in enumerate(grid.columns):
        sheet_column = FIRST_GRID_COLUMN + index
        if column.slot is None:
            for offset in range(len(titles)):
                put(sheet, row + offset, sheet_column, "", colours=KIND_COLOURS[CellKind.HOLIDAY])
            continue
        cover = grid.coverage[column.slot.key]
        missing = {(item.area, item.what) for item in cover.shortfalls}
        values: dict[str, tuple[str, bool]] = {
            "Counter filled / seats": (
                "\n".join(_coverage_lines(cover)),
                ("front", "seats") in missing,
            ),
            "Counter skills (have/need)": (
                "\n".join(f"{item.skill} {item.have}/{item.need}" for item in cover.front_skills),
                any(area == "front" and what != "seats" for area, what in missing),
            ),
            "Back office filled / minimum": (
                f"{cover.back}/{cover.demand.back_min}",
                ("back", "min") in missing,
            ),
            "Back-office skills (have/need)": (
                "\n".join(f"{item.skill} {item.have}/{item.need}" for item in cover.back_skills),
                any(area == "back" and what != "min" for area, what in missing),
            ),
            "Shortfall": (
                "\n".join(shortfall_short(item) for item in cover.shortfalls) or "ok",
                cover.has_shortfall,
            ),
        }
        for offset, title in enumerate(titles):
            text, short = values[title]
            put(
                sheet,
                row + offset,
                sheet_column,
                text,
                bold=short,
                colours=SHORTFALL_COLOURS if short else None,
                align=_CENTRE,
                border=True,
            )
    return row + len(titles)


def write_week_sheet(sheet: Worksheet, problem: Problem, rota: Rota, grid: WeekGrid) -> None:
    """Lay out one week: title, grid of people by blocks, cover rows, shortfalls, legend."""
    put(sheet, 1, 1, problem.office_name, bold=True, size=14)
    put(sheet, 2, 1, grid.title, bold=True, size=12)
    count = len(grid.shortfalls)
    put(
        sheet,
        3,
        1,
        f"Rota status: {rota.status}. "
        + (
            f"{count} shortfall{'s' if count != 1 else ''} this week."
            if count
            else "No shortfalls."
        ),
        italic=True,
    )

    last_grid_column = FIRST_GRID_COLUMN + len(grid.columns) - 1
    hours_column = last_grid_column + 1
    header = HEADER_ROW
    for number, title in ((1, "Name"), (2, "Id")):
        put(sheet, header, number, title, bold=True, colours=HEADER_FILL, align=_LEFT, border=True)
        sheet.merge_cells(
            start_row=header, end_row=header + 1, start_column=number, end_column=number
        )

    day_start = FIRST_GRID_COLUMN
    for index, column in enumerate(grid.columns):
        sheet_column = FIRST_GRID_COLUMN + index
        is_last_of_day = (
            index + 1 == len(grid.columns) or grid.columns[index + 1].date != column.date
        )
        if column.slot is not None:
            block_text = (
                f"{column.slot.block}\n{format_clock(column.slot.start)}{DASH}"
                f"{format_clock(column.slot.end)}"
            )
        else:
            block_text = f"closed\n{column.holiday or ''}"
        put(
            sheet,
            header + 1,
            sheet_column,
            block_text,
            colours=SUBHEADER_FILL,
            align=_CENTRE,
            border=True,
        )
        if is_last_of_day:
            put(
                sheet,
                header,
                day_start,
                format_day(column.date),
                bold=True,
                colours=HEADER_FILL,
                align=_CENTRE,
                border=True,
            )
            if sheet_column > day_start:
                sheet.merge_cells(
                    start_row=header,
                    end_row=header,
                    start_column=day_start,
                    end_column=sheet_column,
                )
            day_start = sheet_column + 1
        sheet.column_dimensions[get_column_letter(sheet_column)].width = 10

    extra_titles = ("Hours", "Share (h)", "Counter blocks")
    for offset, title in enumerate(extra_titles):
        number = hours_column + offset
        put(
            sheet, header, number, title, bold=True, colours=HEADER_FILL, align=_CENTRE, border=True
        )
        sheet.merge_cells(
            start_row=header, end_row=header + 1, start_column=number, end_column=number
        )
        sheet.column_dimensions[get_column_letter(number)].width = 10
    sheet.row_dimensions[header + 1].height = 30

    row = header + 2
    for line in grid.rows:
        person = line.person
        name = person.name
        if person.trainee:
            mentor = problem.person(person.mentor).name if person.mentor else "?"
            name = f"{name} (trainee; mentor {mentor})"
        put(sheet, row, 1, name, align=_LEFT, border=True)
        put(sheet, row, 2, person.id, align=_LEFT, border=True, colours=Colours("FFFFFF", "5A6472"))
        for index, cell in enumerate(line.cells):
            put(
                sheet,
                row,
                FIRST_GRID_COLUMN + index,
                cell.label,
                bold=cell.kind is CellKind.FRONT,
                italic=cell.kind not in (CellKind.FRONT, CellKind.BACK, CellKind.FREE),
                colours=KIND_COLOURS[cell.kind],
                align=_CENTRE,
                border=True,
            )
        under = line.minutes < (1 - problem.rules.hours_tolerance) * line.share
        put(
            sheet,
            row,
            hours_column,
            round(line.minutes / 60, 2),
            bold=under,
            colours=UNDER_TARGET_COLOURS if under else None,
            border=True,
            number_format="0.0#",
        )
        put(
            sheet,
            row,
            hours_column + 1,
            round(line.share / 60, 2),
            border=True,
            number_format="0.0#",
        )
        put(sheet, row, hours_column + 2, line.front_blocks, border=True)
        row += 1

    row = _write_cover_rows(sheet, grid, row + 1) + 1

    if grid.shortfalls:
        put(sheet, row, 1, "Shortfalls", bold=True)
        row += 1
        for item in grid.shortfalls:
            put(
                sheet,
                row,
                1,
                f"{format_day(item.date)}, {item.block}: {shortfall_text(item)}",
                colours=SHORTFALL_COLOURS,
            )
            row += 1
        row += 1

    put(sheet, row, 1, "Legend", bold=True)
    row += 1
    swatches: list[tuple[str, Colours, bool, str]] = [
        (
            CELL_STYLES[kind].label or "(blank)",
            KIND_COLOURS[kind],
            kind is CellKind.FRONT,
            CELL_STYLES[kind].meaning,
        )
        for kind in grid.kinds_used()
    ]
    swatches.append(
        (f"{MINUS}1 seat", SHORTFALL_COLOURS, True, "shortfall: demand the rota cannot meet")
    )
    tolerance = round((1 - problem.rules.hours_tolerance) * 100)
    swatches.append(("18", UNDER_TARGET_COLOURS, True, f"hours below {tolerance} % of the share"))
    for label, colours, bold, meaning in swatches:
        put(sheet, row, 2, label, bold=bold, colours=colours, align=_CENTRE, border=True)
        put(sheet, row, 3, meaning)
        row += 1

    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 12
    sheet.freeze_panes = sheet.cell(row=header + 2, column=FIRST_GRID_COLUMN)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header + 1}"


def write_coverage_sheet(sheet: Worksheet, problem: Problem, grids: Sequence[WeekGrid]) -> None:
    """Cover of every block (filled against needed, skill gaps) and everyone's hours per week."""
    put(sheet, 1, 1, "Coverage per block", bold=True, size=13)
    titles = (
        "Week",
        "Date",
        "Day",
        "Block",
        "Start",
        "End",
        "Counter filled",
        "Counter seats",
        "Trainees at counter",
        "Back filled",
        "Back minimum",
        "Skills (have/need)",
        "Shortfalls",
    )
    for index, title in enumerate(titles, start=1):
        put(sheet, 2, index, title, bold=True, colours=HEADER_FILL, align=_CENTRE, border=True)
    row = 3
    for grid in grids:
        for column in grid.columns:
            if column.slot is None:
                continue
            cover = grid.coverage[column.slot.key]
            skills = [
                f"{where} {item.skill} {item.have}/{item.need}"
                for where, items in (("counter", cover.front_skills), ("back", cover.back_skills))
                for item in items
            ]
            values: tuple[Any, ...] = (
                grid.week + 1,
                column.date,
                WEEKDAY_NAMES[column.date.weekday()],
                column.slot.block,
                format_clock(column.slot.start),
                format_clock(column.slot.end),
                cover.front,
                cover.demand.seats,
                cover.trainees,
                cover.back,
                cover.demand.back_min,
                "; ".join(skills),
                "; ".join(shortfall_text(item) for item in cover.shortfalls),
            )
            for index, value in enumerate(values, start=1):
                put(
                    sheet,
                    row,
                    index,
                    value,
                    border=True,
                    colours=SHORTFALL_COLOURS if cover.has_shortfall else None,
                    number_format="yyyy-mm-dd" if isinstance(value, dt.date) else None,
                )
            row += 1

    row += 1
    put(sheet, row, 1, "Hours per person and week", bold=True, size=13)
    row += 1
    person_titles = (
        "Week",
        "Staff",
        "Name",
        "Hours",
        "Share (h)",
        "Target (h)",
        "Hours minus share",
        "Counter blocks",
        "Back blocks",
    )
    for index, title in enumerate(person_titles, start=1):
        put(sheet, row, index, title, bold=True, colours=HEADER_FILL, align=_CENTRE, border=True)
    row += 1
    tolerance = problem.rules.hours_tolerance
    for grid in grids:
        for line in grid.rows:
            hours = round(line.minutes / 60, 2)
            share = round(line.share / 60, 2)
            target = round((1 - tolerance) * share, 2)
            values = (
                grid.week + 1,
                line.person.id,
                line.person.name,
                hours,
                share,
                target,
                round(hours - share, 2),
                line.front_blocks,
                line.back_blocks,
            )
            for index, value in enumerate(values, start=1):
                put(
                    sheet,
                    row,
                    index,
                    value,
                    border=True,
                    number_format="0.0#" if isinstance(value, float) else None,
                )
            if hours < target:
                sheet.cell(row=row, column=4).fill = _fill(UNDER_TARGET_COLOURS)
            row += 1

    widths = (7, 12, 7, 10, 8, 8, 10, 10, 10, 10, 10, 30, 44)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def rota_workbook(problem: Problem, rota: Rota) -> Workbook:
    """The whole workbook: one grid sheet per week, then "Coverage and hours"."""
    grids = build_grids(problem, rota)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for grid in grids:
        write_week_sheet(workbook.create_sheet(_sheet_title(grid)), problem, rota, grid)
    write_coverage_sheet(workbook.create_sheet(COVERAGE_SHEET), problem, grids)
    workbook.properties.title = f"Rota: {problem.office_name}"
    workbook.properties.creator = "rotaplan"
    return workbook


def write_xlsx(problem: Problem, rota: Rota, folder: Path) -> list[Path]:
    """Write `folder/rota.xlsx`."""
    buffer = io.BytesIO()
    rota_workbook(problem, rota).save(buffer)
    path = folder / ROTA_XLSX
    write_atomic(path, buffer.getvalue())
    return [path]
