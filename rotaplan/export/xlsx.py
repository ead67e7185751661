"""The planner's workbook `rota.xlsx`: a grid sheet per week and a coverage-and-hours sheet.

Week sheets show a row per person and a column per (day, block); each cell
says Front, Back, absent, school, off or holiday in words and colour, the
rows below give the cover of every block and its shortfalls, and a legend
closes the sheet. Text that looks like a formula is stored as plain text.

Written with XlsxWriter, imported only when a workbook is written. Every text
goes through `write_string`, never the guessing `write`, so no text from the
office file can become a formula, a link or a number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
GRID_LINE = "#B8C0CC"
PAPER_A4 = 9
# Characters an XLSX file cannot hold (XML 1.0 forbids them); dropped from any text.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_CENTRE = "center"
_LEFT = "left"

CellValue = str | float | dt.date


@dataclass(frozen=True)
class CellStyle:
    """How one cell looks; cells of equal style share one format of the workbook."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    ink: str | None = None  # RGB hex without '#'
    fill: str | None = None
    align: str | None = None  # horizontal; aligned text is also centred vertically and wrapped
    border: bool = False
    number_format: str | None = None
    quote_prefix: bool = False  # Excel keeps the cell text even when someone edits it


class Sheet:
    """One worksheet of the workbook being written, addressed by 1-based rows and columns."""

    def __init__(self, workbook: Any, title: str, formats: dict[CellStyle, Any]) -> None:
        self.workbook = workbook
        self.worksheet = workbook.add_worksheet(title)
        self._formats = formats

    def format(self, style: CellStyle) -> Any:
        """The workbook format of `style`, made once per workbook."""
        found = self._formats.get(style)
        if found is None:
            properties: dict[str, Any] = {"bold": style.bold, "italic": style.italic}
            if style.size is not None:
                properties["font_size"] = style.size
            if style.ink is not None:
                properties["font_color"] = f"#{style.ink}"
            if style.fill is not None:
                properties["pattern"] = 1
                properties["bg_color"] = f"#{style.fill}"
            if style.align is not None:
                properties.update(align=style.align, valign="vcenter", text_wrap=True)
            if style.border:
                properties.update(border=1, border_color=GRID_LINE)
            if style.number_format is not None:
                properties["num_format"] = style.number_format
            if style.quote_prefix:
                properties["quote_prefix"] = True
            found = self._formats[style] = self.workbook.add_format(properties)
        return found

    def width(self, column: int, width: float) -> None:
        """Set the width of `column` in characters."""
        self.worksheet.set_column(column - 1, column - 1, width)

    def merge(
        self, row: int, column: int, last_row: int, last_column: int, style: CellStyle
    ) -> None:
        """Merge a range; its first cell is written afterwards (the rest stay blank)."""
        self.worksheet.merge_range(
            row - 1, column - 1, last_row - 1, last_column - 1, "", self.format(style)
        )

    def print_landscape_a4(self) -> None:
        """Print across one A4 landscape page wide, as many pages down as needed."""
        self.worksheet.set_landscape()
        self.worksheet.set_paper(PAPER_A4)
        self.worksheet.fit_to_pages(1, 0)


def put(
    sheet: Sheet,
    row: int,
    column: int,
    value: CellValue,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    colours: Colours | None = None,
    fill: Colours | None = None,
    align: str | None = None,
    border: bool = False,
    number_format: str | None = None,
    merge_to: tuple[int, int] | None = None,
) -> None:
    """Write one cell; text is always stored as text, never as a formula.

    `colours` gives ink and fill (white is left unfilled), `fill` a fill alone;
    `merge_to` is the (row, column) of the last cell of a merged range this cell opens.
    """
    quote = False
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS.sub("", value)
        quote = looks_like_formula(value)
    if fill is None and colours is not None and colours.fill != "FFFFFF":
        fill = colours
    style = CellStyle(
        bold=bold,
        italic=italic,
        size=size,
        ink=colours.ink if colours is not None else None,
        fill=fill.fill if fill is not None else None,
        align=align,
        border=border,
        number_format=number_format,
        quote_prefix=quote,
    )
    if merge_to is not None:
        sheet.merge(row, column, *merge_to, style)
    cell_format = sheet.format(style)
    target = sheet.worksheet
    if value == "":
        target.write_blank(row - 1, column - 1, None, cell_format)
    elif isinstance(value, str):
        target.write_string(row - 1, column - 1, value, cell_format)
    elif isinstance(value, dt.date):
        target.write_datetime(row - 1, column - 1, value, cell_format)
    else:
        target.write_number(row - 1, column - 1, value, cell_format)


def _sheet_title(grid: WeekGrid) -> str:
    # Excel allows 31 characters and no []:*?/\ in a sheet name
    return f"Week {grid.week + 1} ({grid.start.day} {MONTH_NAMES[grid.start.month - 1][:3]})"


def _coverage_lines(cover: Coverage) -> list[str]:
    lines = [f"{cover.front}/{cover.demand.seats}"]
    if cover.trainees:
        lines.append(f"+{cover.trainees} trainee")
    return lines


def _write_cover_rows(sheet: Sheet, grid: WeekGrid, row: int) -> int:
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
        put(
            sheet,
            row + offset,
            1,
            title,
            bold=True,
            align=_LEFT,
            border=True,
            merge_to=(row + offset, 2),
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


def write_week_sheet(sheet: Sheet, problem: Problem, rota: Rota, grid: WeekGrid) -> None:
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

    def two_row_title(number: int, title: str, align: str) -> None:
        put(
            sheet,
            header,
            number,
            title,
            bold=True,
            colours=HEADER_FILL,
            align=align,
            border=True,
            merge_to=(header + 1, number),
        )

    for number, title in ((1, "Name"), (2, "Id")):
        two_row_title(number, title, _LEFT)

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
                merge_to=(header, sheet_column) if sheet_column > day_start else None,
            )
            day_start = sheet_column + 1
        sheet.width(sheet_column, 10)

    extra_titles = ("Hours", "Share (h)", "Counter blocks")
    for offset, title in enumerate(extra_titles):
        number = hours_column + offset
        two_row_title(number, title, _CENTRE)
        sheet.width(number, 10)
    sheet.worksheet.set_row(header, 30)  # 0-based: the row of block names under the day names

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

    sheet.width(1, 34)
    sheet.width(2, 12)
    # 0-based: names, ids and both header rows stay in view; the header rows repeat in print
    sheet.worksheet.freeze_panes(header + 1, FIRST_GRID_COLUMN - 1)
    sheet.worksheet.repeat_rows(header - 1, header)
    sheet.print_landscape_a4()


def write_coverage_sheet(sheet: Sheet, problem: Problem, grids: Sequence[WeekGrid]) -> None:
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
            values: tuple[CellValue, ...] = (
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
            person_values: tuple[CellValue, ...] = (
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
            for index, value in enumerate(person_values, start=1):
                put(
                    sheet,
                    row,
                    index,
                    value,
                    border=True,
                    fill=UNDER_TARGET_COLOURS if index == 4 and hours < target else None,
                    number_format="0.0#" if isinstance(value, float) else None,
                )
            row += 1

    widths = (7, 12, 7, 10, 8, 8, 10, 10, 10, 10, 10, 30, 44)
    for index, width in enumerate(widths, start=1):
        sheet.width(index, width)
    sheet.worksheet.freeze_panes(2, 0)  # 0-based: the title and column titles stay in view
    sheet.print_landscape_a4()


def rota_xlsx(problem: Problem, rota: Rota, *, stamp: dt.datetime | None = None) -> bytes:
    """The whole workbook: one grid sheet per week, then "Coverage and hours". `stamp`, the
    moment of publication, is recorded as the moment it was made (default now), so the same
    rota published at the same moment gives the same bytes."""
    import xlsxwriter  # only here: most commands never write a workbook

    grids = build_grids(problem, rota)
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        # Only used by `write`, which this module never calls; off all the same.
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    formats: dict[CellStyle, Any] = {}
    for grid in grids:
        write_week_sheet(Sheet(workbook, _sheet_title(grid), formats), problem, rota, grid)
    write_coverage_sheet(Sheet(workbook, COVERAGE_SHEET, formats), problem, grids)
    made = (stamp if stamp is not None else dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    workbook.set_properties(
        {
            "title": f"Rota: {problem.office_name}",
            "author": "rotaplan",
            # XlsxWriter writes the fields as they are, marked UTC
            "created": made.replace(tzinfo=None),
        }
    )
    workbook.close()
    return buffer.getvalue()


def write_xlsx(
    problem: Problem, rota: Rota, folder: Path, *, stamp: dt.datetime | None = None
) -> list[Path]:
    """Write `folder/rota.xlsx`, made at `stamp` (default now)."""
    path = folder / ROTA_XLSX
    write_atomic(path, rota_xlsx(problem, rota, stamp=stamp))
    return [path]
