"""The printable rota page `rota.html`: one self-contained page, one printed A4 sheet a week.

No scripts, fonts or images are fetched: the CSS is inline. Each week is a
section with a row per person and a column per block; cells carry words
(Front, Back, absent, ...) so the page reads in black and white, and colour
only helps. Cover rows under the grid highlight every shortfall. All text
from the office file passes through `html.escape`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from rotaplan.export.grid import (
    CELL_STYLES,
    DASH,
    KIND_COLOURS,
    MINUS,
    SHORTFALL_COLOURS,
    CellKind,
    Column,
    SkillCover,
    WeekGrid,
    build_grids,
    format_clock,
    format_day,
    format_hours,
    shortfall_short,
    shortfall_text,
)
from rotaplan.files import write_atomic
from rotaplan.problem import Problem
from rotaplan.rota import Rota

ROTA_HTML = "rota.html"


def _kind_css() -> str:
    rules = []
    for kind, colours in KIND_COLOURS.items():
        rules.append(f".k-{kind.value} {{ background: #{colours.fill}; color: #{colours.ink}; }}")
    return "\n".join(rules)


STYLE = (
    """
@page { size: A4 landscape; margin: 9mm 10mm; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #eef1f5; }
body { margin: 0; padding: 24px; color: #1f2933;
  font: 13px/1.35 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
.week { background: #fff; max-width: 1400px; margin: 0 auto 28px; padding: 20px 24px 18px;
  border-radius: 6px; box-shadow: 0 1px 3px rgba(15, 23, 42, .12); }
header.week-head { display: flex; justify-content: space-between; align-items: flex-end;
  border-bottom: 2px solid #2f3b4c; padding-bottom: 8px; margin-bottom: 12px; gap: 16px; }
.office { font-size: 12px; letter-spacing: .06em; text-transform: uppercase; color: #52606d; }
h1 { font-size: 21px; margin: 2px 0 0; font-weight: 650; }
.meta { text-align: right; font-size: 12px; color: #52606d; }
.meta strong { color: #1f2933; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;
  border: 1px solid currentColor; }
.badge.ok { color: #1e5631; }
.badge.gap { color: #a3151f; background: #f8d2d6; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; }
.grid th, .grid td { border: 1px solid #c3cad4; padding: 3px 4px; text-align: center;
  vertical-align: middle; overflow-wrap: anywhere; }
.grid col.person { width: 17em; }
.grid col.num { width: 5.2em; }
.grid thead th { background: #2f3b4c; color: #fff; font-weight: 600; }
.grid thead tr.blocks th { background: #e4e8ee; color: #1f2933; font-weight: 600; }
.grid thead th.day { border-left: 2px solid #1f2933; }
.grid .time { display: block; font-weight: 400; font-size: 11px; color: #52606d; }
.grid th.person { text-align: left; font-weight: 600; background: #fafbfc; }
.grid thead th.person { background: #2f3b4c; }
.grid th.person .sub { display: block; font-weight: 400; font-size: 11px; color: #616e7c; }
.grid td.first { border-left: 2px solid #1f2933; }
.grid td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid td.under, .under { font-weight: 700; text-decoration: underline dotted; }
.grid tbody tr:nth-child(even) th.person { background: #f3f5f8; }
.k-front { font-weight: 700; box-shadow: inset 0 0 0 1.5px #0b3d91; }
.k-back { font-weight: 500; }
.k-off, .k-absent, .k-school, .k-holiday, .k-closed { font-style: italic; }
.k-front .t { font-weight: 400; font-size: 10px; display: block; }
.grid tfoot th { text-align: left; background: #f3f5f8; font-weight: 600; }
.grid tfoot td { font-size: 12px; font-variant-numeric: tabular-nums; }
.grid tfoot tr.cover-first > * { border-top: 2px solid #2f3b4c; }
.grid tfoot td.short { background: #"""
    + SHORTFALL_COLOURS.fill
    + """; color: #"""
    + SHORTFALL_COLOURS.ink
    + """;
  font-weight: 700; outline: 2px solid #"""
    + SHORTFALL_COLOURS.ink
    + """; outline-offset: -2px; }
.grid tfoot td.okay { color: #616e7c; }
.grid tfoot td.skills { font-size: 11px; line-height: 1.25; }
.need { display: inline-block; white-space: nowrap; }
.need.gap { font-weight: 700; color: #a3151f; text-decoration: underline; }
.grid tfoot td.closedday { background: #"""
    + KIND_COLOURS[CellKind.HOLIDAY].fill
    + """; }
.below { display: flex; gap: 28px; margin-top: 12px; align-items: flex-start; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; flex: 1.4; }
.legend h2, .shortfalls h2 { width: 100%; font-size: 12px; margin: 0 0 2px;
  text-transform: uppercase; letter-spacing: .06em; color: #52606d; }
.legend .item { display: flex; align-items: center; gap: 6px; }
.legend .swatch { display: inline-block; min-width: 4.4em; padding: 1px 6px; text-align: center;
  border: 1px solid #c3cad4; }
.shortfalls { flex: 1; font-size: 12px; }
.shortfalls ul { margin: 0; padding-left: 18px; }
.shortfalls li::marker { content: "! "; color: #a3151f; font-weight: 700; }
.shortfalls .none { color: #1e5631; margin: 0; }
footer { font-size: 10.5px; color: #7b8794; margin-top: 10px; }
@media print {
  html { background: none; }
  body { padding: 0; font-size: 10px; line-height: 1.2; }
  .week { zoom: var(--print-zoom, 1); box-shadow: none; border-radius: 0; margin: 0;
    padding: 0; max-width: none; break-after: page; page-break-after: always; }
  .week:last-of-type { break-after: auto; page-break-after: auto; }
  header.week-head { padding-bottom: 4px; margin-bottom: 6px; }
  h1 { font-size: 16px; }
  .office, .meta { font-size: 10px; }
  .grid th, .grid td { padding: 1px 3px; }
  .grid .time { font-size: 9px; }
  .grid th.person .sub { display: inline; margin-left: 6px; font-size: 9px; }
  .grid th.person .skills { display: none; }
  .k-front .t { font-size: 8px; }
  .grid tfoot td { font-size: 10px; }
  .grid tfoot td.skills { font-size: 9px; }
  .below { margin-top: 6px; gap: 16px; }
  .legend, .shortfalls { font-size: 10px; }
  .legend h2, .shortfalls h2 { font-size: 10px; }
  .shortfalls ul { columns: 2; column-gap: 18px; }
  footer { margin-top: 4px; font-size: 9px; }
}
"""
    + _kind_css()
)


# Print layout, in CSS pixels of the print style (10px text): A4 landscape minus the margins.
PRINT_WIDTH = 1047  # 277 mm
PRINT_HEIGHT = 718  # 192 mm, less a little for rounding
PRINT_MIN_ZOOM = 0.6  # below this the text is too small to read; a longer week spills over
_NAME_WIDTH = 164  # name column (17em) less padding
_NUMBER_COLUMNS = 3 * 52
_LINE = 12.5  # one line of 10px text with its leading
_ROW = 15.5  # a one-line grid row: a line, padding and border


def _lines(text: str, width: float, char: float) -> int:
    """Lines `text` takes in `width` px at about `char` px a character (a rough, safe guess)."""
    return max(1, -(-int(len(text) * char) // max(int(width), 1)))


def _print_height(problem: Problem, grid: WeekGrid) -> float:
    """A generous guess of a week's printed height at zoom 1, in CSS pixels."""
    columns = max(len(grid.columns), 1)
    column_width = (PRINT_WIDTH - _NAME_WIDTH - _NUMBER_COLUMNS) / columns - 6
    height = 40.0 + 40.0  # header; two header rows of the grid
    for line in grid.rows:
        person = line.person
        label = f"{person.name}  {person.id}"
        if person.trainee:
            mentor = problem.person(person.mentor).name if person.mentor else "?"
            label += f" · trainee, mentor {mentor}"
        elif not person.front_allowed:
            label += " · back office only"
        lines = _lines(label, _NAME_WIDTH, 5.6)
        if any(cell.trainee_at_counter for cell in line.cells):
            lines = max(lines, 2)
        height += _ROW + (lines - 1) * _LINE
    covers = list(grid.coverage.values())
    height += 2 * _ROW + 4  # counter and back-office rows, and the rule above them
    for area in ("front", "back"):
        texts = [
            [f"{item.skill} {item.have}/{item.need}" for item in items]
            for cover in covers
            for items in [cover.front_skills if area == "front" else cover.back_skills]
        ]
        if any(texts):
            height += (
                _ROW
                - _LINE
                + _LINE * max(_lines("  ".join(items), column_width, 5.2) for items in texts)
            )
    shortfall_lines = [
        sum(_lines("! " + shortfall_short(item), column_width, 6.2) for item in cover.shortfalls)
        for cover in covers
    ]
    height += _ROW - _LINE + _LINE * max([1, *shortfall_lines])
    legend_width = PRINT_WIDTH * 1.4 / 2.4 - 16
    legend_items = [50 + 14 + 5.2 * len(CELL_STYLES[kind].meaning) for kind in grid.kinds_used()]
    legend_items.append(50 + 14 + 5.2 * 38)  # the shortfall swatch
    legend_items.append(50 + 14 + 5.2 * 32)  # the hours swatch
    legend_rows, used = 1, 0.0
    for item in legend_items:
        if used + item > legend_width:
            legend_rows, used = legend_rows + 1, 0.0
        used += item
    list_width = (PRINT_WIDTH / 2.4 - 18) / 2 - 14
    list_lines = sum(
        _lines(f"{format_day(item.date)}, {item.block}: {shortfall_text(item)}", list_width, 5.4)
        for item in grid.shortfalls
    )
    below = max(legend_rows * 22.0, (-(-list_lines // 2) if grid.shortfalls else 1) * _LINE)
    height += 6 + 15 + below  # gap, headings, legend or shortfall list
    height += 4 + _LINE  # footer
    return height


def print_zoom(problem: Problem, grid: WeekGrid) -> float:
    """How much to shrink a week so that it prints on one A4 landscape page."""
    zoom = PRINT_HEIGHT / _print_height(problem, grid)
    return round(max(PRINT_MIN_ZOOM, min(1.0, zoom)), 3)


def _person_header(problem: Problem, person_id: str) -> str:
    person = problem.person(person_id)
    details = [f'<span class="id">{escape(person.id)}</span>']
    if person.trainee:
        mentor = problem.person(person.mentor).name if person.mentor else "?"
        details.append(f'<span class="role">{escape(f"trainee, mentor {mentor}")}</span>')
    elif not person.front_allowed:
        details.append('<span class="role">back office only</span>')
    skills = (
        f'<span class="skills"> · {escape(", ".join(sorted(person.skills)))}</span>'
        if person.skills
        else ""
    )
    return (
        f'<th class="person" scope="row">{escape(person.name)}'
        f'<span class="sub">{" · ".join(details)}{skills}</span></th>'
    )


def _day_headers(columns: tuple[Column, ...]) -> tuple[str, str]:
    days: list[str] = []
    blocks: list[str] = []
    index = 0
    while index < len(columns):
        date = columns[index].date
        span = 1
        while index + span < len(columns) and columns[index + span].date == date:
            span += 1
        days.append(
            f'<th class="day" colspan="{span}" scope="colgroup">{escape(format_day(date))}</th>'
        )
        for column in columns[index : index + span]:
            if column.slot is None:
                blocks.append(
                    f'<th scope="col">closed<span class="time">'
                    f"{escape(column.holiday or '')}</span></th>"
                )
            else:
                times = f"{format_clock(column.slot.start)}{DASH}{format_clock(column.slot.end)}"
                blocks.append(
                    f'<th scope="col">{escape(column.slot.block)}'
                    f'<span class="time">{escape(times)}</span></th>'
                )
        index += span
    return "".join(days), "".join(blocks)


def _first_of_day(columns: tuple[Column, ...]) -> list[bool]:
    return [
        index == 0 or columns[index - 1].date != column.date for index, column in enumerate(columns)
    ]


def week_section(problem: Problem, rota: Rota, grid: WeekGrid) -> str:
    """The HTML of one week: header, grid with cover rows, legend and shortfalls."""
    count = len(grid.shortfalls)
    badge = (
        f'<span class="badge gap">{count} shortfall{"s" if count != 1 else ""}</span>'
        if count
        else '<span class="badge ok">fully covered</span>'
    )
    first = _first_of_day(grid.columns)
    days, blocks = _day_headers(grid.columns)
    parts = [
        f'<section class="week" style="--print-zoom: {print_zoom(problem, grid)}">',
        '<header class="week-head"><div>',
        f'<div class="office">{escape(problem.office_name)}</div>',
        f"<h1>{escape(grid.title)}</h1></div>",
        f'<div class="meta">Rota status: <strong>{escape(rota.status)}</strong> · {badge}</div>',
        "</header>",
        '<table class="grid">',
        '<colgroup><col class="person">'
        + '<col class="block">' * len(grid.columns)
        + '<col class="num"><col class="num"><col class="num"></colgroup>',
        "<thead>",
        f'<tr><th class="person" rowspan="2" scope="col">Staff</th>{days}'
        '<th rowspan="2" scope="col">Hours</th><th rowspan="2" scope="col">Share</th>'
        '<th rowspan="2" scope="col">Counter blocks</th></tr>',
        f'<tr class="blocks">{blocks}</tr>',
        "</thead>",
        "<tbody>",
    ]
    tolerance = problem.rules.hours_tolerance
    for line in grid.rows:
        cells = []
        for index, cell in enumerate(line.cells):
            classes = [f"k-{cell.kind.value}"] + (["first"] if first[index] else [])
            text = escape(cell.label)
            if cell.trainee_at_counter:
                text += '<span class="t">with mentor</span>'
            cells.append(f'<td class="{" ".join(classes)}">{text}</td>')
        under = line.minutes < (1 - tolerance) * line.share
        parts.append(
            "<tr>"
            + _person_header(problem, line.person.id)
            + "".join(cells)
            + f'<td class="num{" under" if under else ""}">{format_hours(line.minutes)}</td>'
            + f'<td class="num">{format_hours(line.share)}</td>'
            + f'<td class="num">{line.front_blocks}</td>'
            + "</tr>"
        )
    parts.append("</tbody>")
    parts.append("<tfoot>")
    parts.extend(_cover_rows(grid, first))
    parts.append("</tfoot></table>")

    legend = ['<div class="legend"><h2>Legend</h2>']
    for kind in grid.kinds_used():
        style = CELL_STYLES[kind]
        legend.append(
            f'<span class="item"><span class="swatch k-{kind.value}">'
            f"{escape(style.label) or '&nbsp;'}</span>{escape(style.meaning)}</span>"
        )
    legend.append(
        '<span class="item"><span class="swatch" style="background:#'
        + SHORTFALL_COLOURS.fill
        + ";color:#"
        + SHORTFALL_COLOURS.ink
        + f';font-weight:700">{MINUS}1 seat</span>shortfall: demand the rota cannot meet</span>'
    )
    legend.append(
        '<span class="item"><span class="swatch hours"><span class="under">18</span></span>'
        f"hours below {round((1 - tolerance) * 100)} % of the share</span>"
    )
    legend.append("</div>")
    shortfalls = ['<div class="shortfalls"><h2>Shortfalls this week</h2>']
    if grid.shortfalls:
        shortfalls.append("<ul>")
        for item in grid.shortfalls:
            shortfalls.append(
                f"<li><strong>{escape(format_day(item.date))}, {escape(item.block)}</strong>: "
                f"{escape(shortfall_text(item))}</li>"
            )
        shortfalls.append("</ul>")
    else:
        shortfalls.append('<p class="none">None: every seat, minimum and skill need is met.</p>')
    shortfalls.append("</div>")
    parts.append('<div class="below">' + "".join(legend) + "".join(shortfalls) + "</div>")
    period = f"{format_day(problem.start, year=True)} {DASH} {format_day(problem.end, year=True)}"
    parts.append(
        f"<footer>{escape(problem.office_name)} · period {escape(period)}"
        f" · week {grid.week + 1} of {problem.weeks}"
        " · hours and share are hours this week</footer>"
    )
    parts.append("</section>")
    return "\n".join(parts)


COUNTER_ROW = "Counter filled / seats"
COUNTER_SKILLS_ROW = "Counter skills"
BACK_ROW = "Back office filled / min"
BACK_SKILLS_ROW = "Back-office skills"
SHORTFALL_ROW = "Shortfall"


def _skill_cell(items: tuple[SkillCover, ...], area: str, missing: set[tuple[str, str]]) -> str:
    return " ".join(
        f'<span class="need{" gap" if (area, item.skill) in missing else ""}">'
        f"{escape(f'{item.skill} {item.have}/{item.need}')}</span>"
        for item in items
    )


def _cover_rows(grid: WeekGrid, first: list[bool]) -> list[str]:
    """Rows under the grid: counter and back-office cover, their skills, and shortfalls.

    A skills row appears only if some block of the week needs skills in that area.
    """
    covers = list(grid.coverage.values())
    titles = [COUNTER_ROW]
    if any(cover.front_skills for cover in covers):
        titles.append(COUNTER_SKILLS_ROW)
    titles.append(BACK_ROW)
    if any(cover.back_skills for cover in covers):
        titles.append(BACK_SKILLS_ROW)
    titles.append(SHORTFALL_ROW)
    rows: dict[str, list[str]] = {title: [] for title in titles}
    for index, column in enumerate(grid.columns):
        edge = " first" if first[index] else ""
        if column.slot is None:
            for closed_cells in rows.values():
                closed_cells.append(f'<td class="closedday{edge}"></td>')
            continue
        cover = grid.coverage[column.slot.key]
        missing = {(item.area, item.what) for item in cover.shortfalls}
        counter = f"{cover.front}/{cover.demand.seats}"
        if cover.trainees:
            counter += f" +{cover.trainees}T"
        seats_short = " short" if ("front", "seats") in missing else ""
        min_short = " short" if ("back", "min") in missing else ""
        cells: dict[str, str] = {
            COUNTER_ROW: f'<td class="cov{seats_short}{edge}">{escape(counter)}</td>',
            COUNTER_SKILLS_ROW: f'<td class="cov skills{edge}">'
            f"{_skill_cell(cover.front_skills, 'front', missing) or DASH}</td>",
            BACK_ROW: f'<td class="cov{min_short}{edge}">{cover.back}/{cover.demand.back_min}</td>',
            BACK_SKILLS_ROW: f'<td class="cov skills{edge}">'
            f"{_skill_cell(cover.back_skills, 'back', missing) or DASH}</td>",
        }
        if cover.has_shortfall:
            text = "<br>".join(escape("! " + shortfall_short(item)) for item in cover.shortfalls)
            cells[SHORTFALL_ROW] = f'<td class="short{edge}">{text}</td>'
        else:
            cells[SHORTFALL_ROW] = f'<td class="okay{edge}">ok</td>'
        for title in titles:
            rows[title].append(cells[title])
    html_rows = []
    for position, (title, row_cells) in enumerate(rows.items()):
        css = ' class="cover-first"' if position == 0 else ""
        html_rows.append(
            f'<tr{css}><th scope="row">{escape(title)}</th>{"".join(row_cells)}'
            '<td colspan="3"></td></tr>'
        )
    return html_rows


def rota_page(problem: Problem, rota: Rota) -> str:
    """The whole page: every week of the rota, one printed page each."""
    grids = build_grids(problem, rota)
    title = (
        f"Rota: {problem.office_name}, {format_day(problem.start, year=True)} {DASH} "
        f"{format_day(problem.end, year=True)}"
    )
    body = "\n".join(week_section(problem, rota, grid) for grid in grids)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="rotaplan">\n<title>{escape(title)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_html(problem: Problem, rota: Rota, folder: Path) -> list[Path]:
    """Write `folder/rota.html`."""
    path = folder / ROTA_HTML
    write_atomic(path, rota_page(problem, rota))
    return [path]
