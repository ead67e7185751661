"""Valid office files load cleanly, and the YAML reader keeps what planners write.

Also: public holidays and `office.closed` close the office, and the JSON
Schema of the office file describes every field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rotaplan.config import Office, holiday_calendar, load_office, office_json_schema
from rotaplan.problem import resolve
from rotaplan.yamlfile import read_yaml
from tests.factories import edited_small_office

ROOT = Path(__file__).resolve().parent.parent
SMALL_OFFICE = ROOT / "config" / "small-office.yaml"
IMMIGRATION_OFFICE = ROOT / "config" / "immigration-office.yaml"


def test_small_office_loads() -> None:
    office = load_office(SMALL_OFFICE)
    assert office.period.start == dt.date(2026, 11, 30)
    assert len(office.staff) == 8


def test_immigration_office_loads() -> None:
    if not IMMIGRATION_OFFICE.exists():
        pytest.skip("config/immigration-office.yaml is not there yet")
    office = load_office(IMMIGRATION_OFFICE)
    assert office.period.start.weekday() == 0
    assert office.staff


# --- the YAML reader ---------------------------------------------------------------------


def test_reader_keeps_times_words_and_dates_as_written(tmp_path: Path) -> None:
    """YAML 1.1 would read 12:30 as 750, `no` as false and dates as its own type."""
    path = tmp_path / "plain.yaml"
    path.write_text(
        "start: 12:30\nlanguage: no\nday: 2026-12-01\nhours: 39\nshare: 0.5\nfront: false\n",
        encoding="utf-8",
    )
    data = read_yaml(path).data
    assert data == {
        "start": "12:30",
        "language": "no",
        "day": "2026-12-01",
        "hours": 39,
        "share": 0.5,
        "front": False,
    }


def test_unquoted_time_is_a_time(tmp_path: Path) -> None:
    path = edited_small_office(
        tmp_path,
        ('pm:   {start: "12:00", end: "15:00"}', "pm:   {start: 12:30, end: 15:00}"),
        ('late: {start: "15:00", end: "18:00"}', "late: {start: 15:00, end: 18:00}"),
    )
    office = load_office(path)
    assert office.blocks["pm"].start == dt.time(12, 30)
    assert office.blocks["pm"].end == dt.time(15, 0)


def test_no_is_a_skill_not_false(tmp_path: Path) -> None:
    """`no` (Norwegian) stays the text "no" in the skill list and in a person's skills."""
    path = edited_small_office(
        tmp_path,
        ("skills: [residence, employment, en, ar, uk]", "skills: [residence, employment, en, no]"),
        ("skills: [residence, ar]}", "skills: [residence, no]}"),
        ("skills: [residence, uk],", "skills: [residence, en],"),
        ("skills: [residence, uk, en],", "skills: [residence, en],"),
    )
    office = load_office(path)
    assert "no" in office.skills
    assert office.staff[1].skills == ["residence", "no"]


def test_dates_are_dates() -> None:
    office = load_office(SMALL_OFFICE)
    hoffmann = next(person for person in office.staff if person.id == "hoffmann")
    assert isinstance(office.period.start, dt.date)
    (absence,) = hoffmann.absent
    assert not isinstance(absence, dt.date)
    assert absence.days() == [dt.date(2026, 12, 2), dt.date(2026, 12, 3)]


def test_merge_keys_work(tmp_path: Path) -> None:
    """`<<: *anchor` copies keys from another entry; keys written beside it win."""
    path = edited_small_office(
        tmp_path,
        ("  - {id: weber,", "  - &weber {id: weber,"),
        (
            "  - {id: schulz, name: Jonas Schulz, hours: 39, skills: [residence, ar]}",
            "  - {<<: *weber, id: schulz, name: Jonas Schulz, skills: [residence, ar]}",
        ),
    )
    schulz = load_office(path).staff[1]
    assert (schulz.id, schulz.hours, schulz.max_front_blocks) == ("schulz", 40, 2)
    assert schulz.skills == ["residence", "ar"]


# --- closing days ------------------------------------------------------------------------


def christmas_office(tmp_path: Path) -> Path:
    """The small office for the two weeks around Christmas 2026, closed on 24 December."""
    return edited_small_office(
        tmp_path,
        ("  start: 2026-11-30          # must be a Monday", "  start: 2026-12-21"),
        ("  weeks: 1", "  weeks: 2"),
        ("  location: Marktplatz 1, Halle (Saale)\n", "  closed: [2026-12-24]\n"),
        ("absent: [{from: 2026-12-02, to: 2026-12-03}]", "absent: [2026-12-22]"),
    )


def test_holiday_calendar_knows_christmas_in_saxony_anhalt() -> None:
    calendar = holiday_calendar("DE-ST", [2026])
    assert calendar is not None
    assert dt.date(2026, 12, 25) in calendar
    assert holiday_calendar("XX-YY", [2026]) is None


def test_holidays_and_closed_days_close_the_office(tmp_path: Path) -> None:
    problem = resolve(load_office(christmas_office(tmp_path)))
    open_dates = {slot.date for slot in problem.slots}
    assert dt.date(2026, 12, 23) in open_dates  # an ordinary Wednesday
    assert dt.date(2026, 12, 24) not in open_dates  # office.closed
    assert dt.date(2026, 12, 25) not in open_dates  # Christmas Day, DE-ST
    assert dt.date(2026, 12, 31) in open_dates  # not closed in this file
    assert dt.date(2026, 12, 24) in problem.holidays and dt.date(2026, 12, 25) in problem.holidays


# --- JSON Schema -------------------------------------------------------------------------


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (model.field, field schema) in the schema and its $defs."""
    found = [(f"Office.{name}", spec) for name, spec in schema["properties"].items()]
    for model, definition in schema.get("$defs", {}).items():
        found += [(f"{model}.{name}", spec) for name, spec in definition["properties"].items()]
    return found


def test_json_schema_describes_every_field() -> None:
    schema = office_json_schema()
    assert schema["title"] == "rotaplan office file"
    assert "$id" not in schema
    fields = _properties(schema)
    assert len(fields) > 40
    undescribed = [name for name, spec in fields if not spec.get("description")]
    assert not undescribed


def test_json_schema_uses_the_keys_of_the_file() -> None:
    schema = office_json_schema()
    assert set(schema["$defs"]["DateRange"]["properties"]) == {"from", "to"}
    start = schema["$defs"]["BlockSpec"]["properties"]["start"]
    assert start["type"] == "string" and "pattern" in start
    assert set(schema["required"]) == {"office", "period", "blocks", "days", "front", "staff"}


def test_json_schema_matches_the_model() -> None:
    """The schema is the model's own, with a title on top (nothing hand-written to drift)."""
    schema = office_json_schema()
    assert schema["properties"] == Office.model_json_schema(by_alias=True)["properties"]
