"""rota.html, rendered in headless Chromium: names and shortfalls in the DOM, one page a week."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_export_common import NAMES, ROOT, SMALL_OFFICE, TWO_WEEKS, hand_rota, load

from rotaplan.export.grid import build_grids, shortfall_text
from rotaplan.export.html import PRINT_MIN_ZOOM, print_zoom, rota_page, write_html
from rotaplan.problem import load_problem

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium executable, or skip the test with the reason."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.skip(
        "headless Chromium is not installed (looked for: " + ", ".join(CHROMIUM_CANDIDATES) + ")"
    )


def run_chromium(tmp_path: Path, page: Path, *arguments: str) -> str:
    """Run Chromium on `page` with its own profile folder; return stdout."""
    result = subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *arguments,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class _Text(HTMLParser):
    """Collects the text of a document and the names of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse(dom: str) -> _Text:
    parser = _Text()
    parser.feed(dom)
    return parser


def page_count(pdf: bytes) -> int:
    """Page objects in a PDF (`/Type /Page`, not the `/Pages` tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS, NAMES], ids=lambda p: p.stem)
def test_dom_shows_every_person_and_every_shortfall(tmp_path: Path, path: Path) -> None:
    problem, rota = load(path)
    (page,) = write_html(problem, rota, tmp_path)
    document = parse(run_chromium(tmp_path, page, "--dump-dom"))
    text = " ".join(document.parts)
    for person in problem.people:
        assert person.name in text
    for shortfall in rota.shortfalls:
        assert shortfall_text(shortfall) in text
    assert "script" not in document.tags


@pytest.mark.parametrize(("path", "weeks"), [(SMALL_OFFICE, 1), (TWO_WEEKS, 2)], ids=["one", "two"])
def test_prints_one_page_per_week(tmp_path: Path, path: Path, weeks: int) -> None:
    problem, rota = load(path)
    (page,) = write_html(problem, rota, tmp_path)
    pdf = tmp_path / "rota.pdf"
    run_chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert page_count(data) == weeks == problem.weeks


def test_screenshot_renders(tmp_path: Path) -> None:
    problem, rota = load(SMALL_OFFICE)
    (page,) = write_html(problem, rota, tmp_path)
    shot = tmp_path / "rota.png"
    run_chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1400,1000")
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 10_000


def test_names_are_escaped() -> None:
    problem, rota = load(NAMES)
    page = rota_page(problem, rota)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Eve" in page
    assert "Ämter &amp; &lt;Büro&gt; &quot;Mitte&quot;" in page


def test_page_is_self_contained_and_printable() -> None:
    problem, rota = load(TWO_WEEKS)
    page = rota_page(problem, rota)
    for external in ("<link", "<script", "src=", "@import", "url("):
        assert external not in page
    assert "@page { size: A4 landscape" in page
    assert page.count('<section class="week"') == 2
    assert "break-after: page" in page


def test_legend_and_cover_rows() -> None:
    problem, rota = load(TWO_WEEKS)
    document = parse(rota_page(problem, rota))
    text = " ".join(document.parts)
    for words in (
        "Legend",
        "at the counter (front office)",
        "in the back office",
        "Counter filled / seats",
    ):
        assert words in text
    assert "Reformation Day" not in text  # a Saturday holiday gets no column


def test_holiday_column_on_an_opening_weekday() -> None:
    problem, rota = load(NAMES)
    text = " ".join(parse(rota_page(problem, rota)).parts)
    assert "Christmas Day" in text


def test_a_long_week_is_shrunk_to_fit_one_printed_page() -> None:
    problem, rota = load(TWO_WEEKS)
    grid = build_grids(problem, rota)[0]
    assert print_zoom(problem, grid) == 1.0
    crowded = dataclasses.replace(grid, rows=grid.rows * 12)
    assert PRINT_MIN_ZOOM <= print_zoom(problem, crowded) < 1.0


def test_immigration_office_week_prints_on_one_page(tmp_path: Path) -> None:
    problem = load_problem(ROOT / "config" / "immigration-office.yaml")
    rota = hand_rota(problem)
    (page,) = write_html(problem, rota, tmp_path)
    pdf = tmp_path / "rota.pdf"
    run_chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert page_count(pdf.read_bytes()) == problem.weeks
