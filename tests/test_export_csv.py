"""rota.csv and staff/<id>.csv, read back with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_export_common import NAMES, SMALL_OFFICE, TINY, TWO_WEEKS, load

from rotaplan.export.csv import safe_cell, write_csv, write_rota_csv, write_staff_csvs

GOLDEN_ROTA_CSV = (
    "\ufeffkind,date,weekday,block,start,end,area,staff,name,skills,what,missing\r\n"
    "assignment,2026-11-30,Mon,am,09:00,12:30,front,ana,Ana Alves,residence,,\r\n"
    "assignment,2026-11-30,Mon,am,09:00,12:30,back,bo,Bo Berg,,,\r\n"
    "assignment,2026-12-01,Tue,am,09:00,12:30,front,ana,Ana Alves,residence,,\r\n"
    "shortfall,2026-12-01,Tue,am,09:00,12:30,back,,,,min,1\r\n"
)
GOLDEN_STAFF_CSV = (
    "\ufeffdate,weekday,block,start,end,hours,area,where,note\r\n"
    "2026-11-30,Mon,am,09:00,12:30,3.5,front,Counter (front office),\r\n"
    "2026-12-01,Tue,am,09:00,12:30,3.5,front,Counter (front office),\r\n"
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_rota_csv_matches_the_golden_file(tmp_path: Path) -> None:
    problem, rota = load(TINY)
    write_csv(problem, rota, tmp_path)
    assert (tmp_path / "rota.csv").read_bytes() == GOLDEN_ROTA_CSV.encode("utf-8")
    assert (tmp_path / "staff" / "ana.csv").read_bytes() == GOLDEN_STAFF_CSV.encode("utf-8")


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS], ids=lambda p: p.stem)
def test_rota_csv_has_every_assignment_then_every_shortfall(tmp_path: Path, path: Path) -> None:
    problem, rota = load(path)
    write_rota_csv(problem, rota, tmp_path)
    rows = read_rows(tmp_path / "rota.csv")
    kinds = [row["kind"] for row in rows]
    assert kinds == ["assignment"] * len(rota.assignments) + ["shortfall"] * len(rota.shortfalls)
    assert {
        (row["staff"], row["date"], row["block"], row["area"])
        for row in rows
        if row["kind"] == "assignment"
    } == {(a.staff, a.date.isoformat(), a.block, a.area) for a in rota.assignments}
    assert sorted(
        (row["date"], row["block"], row["area"], row["what"], int(row["missing"]))
        for row in rows
        if row["kind"] == "shortfall"
    ) == sorted((s.date.isoformat(), s.block, s.area, s.what, s.missing) for s in rota.shortfalls)
    names = {person.id: person.name for person in problem.people}
    for row in rows:
        if row["kind"] == "assignment":
            assert row["name"] == names[row["staff"]]
            slot = next(
                s
                for s in problem.slots
                if (s.date.isoformat(), s.block) == (row["date"], row["block"])
            )
            assert (row["start"], row["end"]) == (
                slot.start.strftime("%H:%M"),
                slot.end.strftime("%H:%M"),
            )


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS], ids=lambda p: p.stem)
def test_staff_csv_holds_only_that_persons_shifts(tmp_path: Path, path: Path) -> None:
    problem, rota = load(path)
    written = write_staff_csvs(problem, rota, tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{p.id}.csv" for p in problem.people)
    for person in problem.people:
        rows = read_rows(tmp_path / "staff" / f"{person.id}.csv")
        mine = sorted(
            (a.date.isoformat(), a.block, a.area) for a in rota.assignments if a.staff == person.id
        )
        assert sorted((row["date"], row["block"], row["area"]) for row in rows) == mine
        text = (tmp_path / "staff" / f"{person.id}.csv").read_text(encoding="utf-8-sig")
        mentor = problem.person(person.mentor).name if person.mentor else None
        for other in problem.people:
            if other.id != person.id and other.name != mentor:
                assert other.name not in text


def test_trainee_csv_names_the_mentor_at_the_counter(tmp_path: Path) -> None:
    problem, rota = load(TWO_WEEKS)
    write_staff_csvs(problem, rota, tmp_path)
    rows = read_rows(tmp_path / "staff" / "emil.csv")
    front = [row for row in rows if row["area"] == "front"]
    assert front, "the hand rota seats the trainee beside the mentor at least once"
    assert all("Ada Arslan" in row["note"] for row in front)
    assert all(row["note"] == "" for row in rows if row["area"] == "back")


def test_formula_looking_names_are_quoted(tmp_path: Path) -> None:
    problem, rota = load(NAMES)
    write_csv(problem, rota, tmp_path)
    rows = read_rows(tmp_path / "rota.csv")
    names = {row["name"] for row in rows if row["kind"] == "assignment"}
    assert '\'=HYPERLINK("http://example.invalid","click")' in names
    assert "'+49 Plus" in names
    assert "'-Minus Zoë Şahin" in names
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_safe_cell_leaves_numbers_and_plain_text_alone() -> None:
    assert safe_cell(-1) == "-1"
    assert safe_cell("Anna") == "Anna"
    assert safe_cell("@x") == "'@x"


def test_csv_is_utf8_with_bom_for_excel(tmp_path: Path) -> None:
    problem, rota = load(NAMES)
    write_csv(problem, rota, tmp_path)
    data = (tmp_path / "rota.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Zoë Şahin".encode() in data
