"""Every mistake a planner can make in the office file gets one clear line.

Each line names the file, the line, the key path and a fix:
`file:line: key.path: what. Fix: how`. The fixtures `bad_*.yaml` are one
small office each, with one mistake (`bad_many.yaml` has several).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rotaplan.config import load_office
from rotaplan.errors import InputError, Mistake
from tests.factories import edited_small_office, run_rotaplan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL_OFFICE = ROOT / "config" / "small-office.yaml"


def mistakes_of(path: Path) -> list[Mistake]:
    """The mistakes `load_office` reports for `path` (it must refuse the file)."""
    with pytest.raises(InputError) as caught:
        load_office(path)
    return caught.value.mistakes


def only_mistake(path: Path) -> Mistake:
    """The single mistake reported for `path`: a mistake is reported once, not per cause."""
    found = mistakes_of(path)
    assert len(found) == 1, "\n".join(str(mistake) for mistake in found)
    return found[0]


def assert_says(
    mistake: Mistake, file: Path, line: int | None, path: str, what: str, fix: str
) -> None:
    """The line starts with file, line and key path; `what` and `fix` are in their parts."""
    rendered = str(mistake)
    place = str(file) if line is None else f"{file}:{line}"
    start = f"{place}: {path}: " if path else f"{place}: "
    assert rendered.startswith(start), rendered
    said, _, advice = rendered[len(start) :].partition(" Fix: ")
    assert what in said, rendered
    assert fix in advice, rendered
    assert "\n" not in rendered


# --- the file itself ---------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert_says(only_mistake(path), path, None, "", "file not found", "check the path")


def test_empty_file() -> None:
    path = FIXTURES / "bad_empty.yaml"
    assert_says(only_mistake(path), path, None, "", "is empty", "config/")


def test_file_with_only_comments() -> None:
    path = FIXTURES / "bad_only_comments.yaml"
    assert_says(only_mistake(path), path, None, "", "only comments", "config/")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert_says(only_mistake(tmp_path), tmp_path, None, "", "is a folder", "name the office YAML")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "office.yaml"
    path.write_text(SMALL_OFFICE.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: a file without permissions is still readable")
        assert_says(only_mistake(path), path, None, "", "permission denied", "read access")
    finally:
        path.chmod(0o600)


def test_unreadable_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same message where chmod cannot take the right away (root): the OS refuses reading."""
    path = tmp_path / "office.yaml"
    path.write_text("office: {}\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert_says(only_mistake(path), path, None, "", "permission denied", "read access")


def test_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("# Saved as Latin-1\noffice:\n  name: Bürgeramt Süd\n".encode("latin-1"))
    mistake = only_mistake(path)
    assert_says(mistake, path, 3, "", "not UTF-8", "save the file as UTF-8")
    assert "0xFC" in mistake.what
    assert mistake.column == len("  name: B") + 1


def test_broken_yaml_has_line_and_column() -> None:
    path = FIXTURES / "bad_yaml_syntax.yaml"
    mistake = only_mistake(path)
    assert_says(mistake, path, 10, "", "broken YAML at column 3", "brackets")
    assert "starts on line 9" in mistake.what  # where the unclosed { opened
    assert mistake.column == 3


def test_tab_indentation() -> None:
    path = FIXTURES / "bad_yaml_tab.yaml"
    assert_says(only_mistake(path), path, 7, "", "broken YAML at column 1", "spaces, not tabs")


@pytest.mark.parametrize(
    ("name", "found"),
    [("bad_top_list.yaml", "found a list"), ("bad_top_scalar.yaml", "found the single value")],
)
def test_top_level_must_be_a_mapping(name: str, found: str) -> None:
    path = FIXTURES / name
    assert_says(only_mistake(path), path, 1, "", found, "config/small-office.yaml")


# --- unknown and misspelt keys, at every level -------------------------------------------

UNKNOWN_KEYS = [
    ("bad_unknown_top_key.yaml", 36, "rule", "rules"),
    ("bad_unknown_office_key.yaml", 3, "office.nmae", "name"),
    ("bad_unknown_period_key.yaml", 7, "period.week", "weeks"),
    ("bad_unknown_block_key.yaml", 9, "blocks.am.ende", "end"),
    ("bad_unknown_override_key.yaml", 20, "front.overrides[0].seat", "seats"),
    ("bad_unknown_back_key.yaml", 22, "back.minimum", "min"),
    ("bad_unknown_staff_key.yaml", 27, "staff[0] (mueller).hous", "hours"),
    ("bad_unknown_rules_key.yaml", 37, "rules.max_hours_a_day", "max_hours_per_day"),
    ("bad_unknown_weights_key.yaml", 38, "rules.weights.fairnes", "fairness"),
    ("bad_unknown_range_key.yaml", 29, "staff[0] (mueller).absent[0].till", "to"),
]


@pytest.mark.parametrize(("name", "line", "path", "meant"), UNKNOWN_KEYS)
def test_unknown_key_suggests_the_closest(name: str, line: int, path: str, meant: str) -> None:
    """Reported once: a misspelt required key is not also reported as missing."""
    key = path.rsplit(".", 1)[-1]
    file = FIXTURES / name
    assert_says(
        only_mistake(file), file, line, path, f"unknown key '{key}'", f"did you mean '{meant}'?"
    )


def test_unknown_key_lists_the_allowed_keys() -> None:
    mistake = only_mistake(FIXTURES / "bad_unknown_block_key.yaml")
    assert mistake.fix.endswith("allowed here: start, end")


def test_missing_key_says_what_it_is(tmp_path: Path) -> None:
    path = edited_small_office(
        tmp_path,
        ("  - {id: becker, name: Leonie Becker, hours: 39,", "  - {id: becker, hours: 39,"),
    )
    assert_says(
        only_mistake(path),
        path,
        41,
        "staff[2] (becker).name",
        "'name' is missing",
        "add 'name: ...'",
    )


# --- wrong types -------------------------------------------------------------------------

WRONG_TYPES = [
    (
        "bad_hours_text.yaml",
        27,
        "staff[0] (mueller).hours",
        "expected a number, found 'twenty'",
        "hours: 39",
    ),
    (
        "bad_skills_not_list.yaml",
        28,
        "staff[0] (mueller).skills",
        "expected a list, found 'residence'",
        "skills: [residence]",
    ),
    (
        "bad_blocks_list.yaml",
        8,
        "blocks",
        "expected a mapping of keys, found a list",
        'am: {start: "08:00"',
    ),
    (
        "bad_staff_entry_text.yaml",
        30,
        "staff[1]",
        "expected a mapping of keys, found 'koch'",
        "{id: ..., name: ..., hours: ...}",
    ),
]


@pytest.mark.parametrize(("name", "line", "path", "what", "fix"), WRONG_TYPES)
def test_wrong_type(name: str, line: int, path: str, what: str, fix: str) -> None:
    file = FIXTURES / name
    assert_says(only_mistake(file), file, line, path, what, fix)


def test_decimal_comma_gets_the_point(tmp_path: Path) -> None:
    path = edited_small_office(
        tmp_path, ("name: Jonas Schulz, hours: 39,", "name: Jonas Schulz, hours: '38,5',")
    )
    assert_says(
        only_mistake(path), path, 40, "staff[1] (schulz).hours", "'38,5'", "use a decimal point"
    )


def test_number_as_id_is_quoted_back_as_written(tmp_path: Path) -> None:
    path = edited_small_office(tmp_path, ("{id: klein,", "{id: 007,"))
    assert_says(only_mistake(path), path, 46, "staff[6] (7).id", "the number 007", 'quotes: "007"')


def test_time_written_as_a_number_gets_the_quoting_advice() -> None:
    path = FIXTURES / "bad_time_number.yaml"
    assert_says(only_mistake(path), path, 9, "blocks.am.start", "8 is a number", '"HH:MM"')


def test_unquoted_time_is_read_as_that_time(tmp_path: Path) -> None:
    """YAML 1.1 would read 12:30 as the number 750; the office file reads it as 12:30."""
    path = edited_small_office(
        tmp_path, ('pm:   {start: "12:00", end: "15:00"}', "pm:   {start: 12:30, end: 15:00}")
    )
    office = load_office(path)
    assert str(office.blocks["pm"].start) == "12:30:00"


# --- references: skills, blocks, weekdays ------------------------------------------------

UNKNOWN_NAMES = [
    (
        "bad_skill_staff.yaml",
        28,
        "staff[0] (mueller).skills[0]",
        "unknown skill 'residense'",
        "did you mean 'residence'?",
    ),
    (
        "bad_skill_front_needs.yaml",
        18,
        "front.needs.residnce",
        "unknown skill 'residnce'",
        "did you mean 'residence'?",
    ),
    (
        "bad_skill_back_needs.yaml",
        23,
        "back.needs.eng",
        "unknown skill 'eng'",
        "did you mean 'en'?",
    ),
    (
        "bad_skill_override_needs.yaml",
        20,
        "front.overrides[0].needs.residense",
        "unknown skill 'residense'",
        "did you mean 'residence'?",
    ),
    ("bad_block_days.yaml", 13, "days.tue[1]", "unknown block 'pn'", "did you mean 'pm'?"),
    (
        "bad_block_override.yaml",
        20,
        "front.overrides[0].blocks[0]",
        "unknown block 'afternoon'",
        "define it under blocks: (am, pm)",
    ),
    ("bad_weekday_days.yaml", 12, "days.mo", "unknown weekday 'mo'", "did you mean 'mon'?"),
    (
        "bad_weekday_staff.yaml",
        28,
        "staff[0] (mueller).days[1]",
        "unknown weekday 'tues'",
        "did you mean 'tue'?",
    ),
    (
        "bad_weekday_school.yaml",
        35,
        "staff[1] (koch).school[0]",
        "'wednesday' is neither a weekday nor a date",
        "did you mean 'wed'?",
    ),
    (
        "bad_weekday_override.yaml",
        20,
        "front.overrides[0].days[0]",
        "unknown weekday 'thurs'",
        "did you mean 'thu'?",
    ),
]


@pytest.mark.parametrize(("name", "line", "path", "what", "fix"), UNKNOWN_NAMES)
def test_unknown_name_suggests_the_closest(
    name: str, line: int, path: str, what: str, fix: str
) -> None:
    file = FIXTURES / name
    assert_says(only_mistake(file), file, line, path, what, fix)


def test_blocks_written_wrongly_are_not_also_unknown() -> None:
    """`blocks:` is a list here: the days naming am and pm get no 'unknown block' on top."""
    assert len(mistakes_of(FIXTURES / "bad_blocks_list.yaml")) == 1


# --- people ------------------------------------------------------------------------------

PEOPLE = [
    (
        "bad_duplicate_id.yaml",
        30,
        "staff[1] (mueller).id",
        "id 'mueller' is used twice (also staff[0])",
        "unique id",
    ),
    (
        "bad_duplicate_id_case.yaml",
        30,
        "staff[1] (Weber).id",
        "id 'Weber' is used twice (also staff[0] as 'weber')",
        "unique id, also ignoring letter case",
    ),
    (
        "bad_id_device_name.yaml",
        30,
        "staff[1] (CON).id",
        "id 'CON' is a device name on Windows",
        "choose another id",
    ),
    (
        "bad_trainee_no_mentor.yaml",
        33,
        "staff[1] (koch).trainee",
        "trainee 'koch' has no mentor",
        "mentor: mueller",
    ),
    (
        "bad_mentor_unknown.yaml",
        34,
        "staff[1] (koch).mentor",
        "mentor 'muller' is not on the staff list",
        "did you mean 'mueller'?",
    ),
    (
        "bad_mentor_trainee.yaml",
        40,
        "staff[2] (lorenz).mentor",
        "mentor 'koch' is a trainee too",
        "fully trained colleague",
    ),
]


@pytest.mark.parametrize(("name", "line", "path", "what", "fix"), PEOPLE)
def test_people(name: str, line: int, path: str, what: str, fix: str) -> None:
    file = FIXTURES / name
    assert_says(only_mistake(file), file, line, path, what, fix)


@pytest.mark.parametrize("staff_id", ["con", "PRN", "Aux", "nul", "com1", "COM9", "lpt1", "Lpt9"])
def test_device_name_as_id_is_refused_in_any_case(tmp_path: Path, staff_id: str) -> None:
    """Windows cannot create `staff/<id>.ics` for these ids, whatever the letter case."""
    path = edited_small_office(tmp_path, ("{id: klein,", f"{{id: {staff_id},"))
    assert_says(
        only_mistake(path),
        path,
        46,
        f"staff[6] ({staff_id}).id",
        f"id '{staff_id}' is a device name on Windows",
        "com1-com9 and lpt1-lpt9 are reserved",
    )


@pytest.mark.parametrize("staff_id", ["con-1", "console", "com10", "com0", "lpt", "nul_2"])
def test_ids_that_only_start_like_a_device_name_are_fine(tmp_path: Path, staff_id: str) -> None:
    path = edited_small_office(tmp_path, ("{id: klein,", f"{{id: {staff_id},"))
    assert any(person.id == staff_id for person in load_office(path).staff)


def test_ids_differing_only_in_case_are_used_twice_even_if_the_entry_is_invalid(
    tmp_path: Path,
) -> None:
    """The id of an entry with a bad value still counts: 'Klein' collides with 'klein'."""
    path = edited_small_office(
        tmp_path, ("{id: becker, name: Leonie Becker, hours: 39,", "{id: Klein, name: L, hours: x,")
    )
    found = mistakes_of(path)
    assert [mistake.path for mistake in found] == ["staff[2] (Klein).hours", "staff[6] (klein).id"]
    assert "also staff[2] as 'Klein'" in found[1].what


def test_duplicate_yaml_key() -> None:
    path = FIXTURES / "bad_duplicate_key.yaml"
    assert_says(
        only_mistake(path),
        path,
        29,
        "staff[0] (mueller).hours",
        "written twice in the same mapping (first on line 27)",
        "keep one of them",
    )


# --- values: dates, hours, blocks, period, needs ----------------------------------------

VALUES = [
    (
        "bad_date_impossible.yaml",
        29,
        "staff[0] (mueller).absent[0]",
        "'2026-02-30' is not a real date: February 2026 has 28 days",
        "2026-02-28",
    ),
    (
        "bad_range_reversed.yaml",
        29,
        "staff[0] (mueller).absent[0]",
        "ends (2026-12-02) before it starts (2026-12-04)",
        "swap 'from' and 'to'",
    ),
    (
        "bad_hours_zero.yaml",
        27,
        "staff[0] (mueller).hours",
        "'hours' must be more than 0, found 0",
        "above 0",
    ),
    (
        "bad_hours_negative.yaml",
        27,
        "staff[0] (mueller).hours",
        "'hours' must be more than 0, found -5",
        "above 0",
    ),
    (
        "bad_block_end_before_start.yaml",
        10,
        "blocks.pm.end",
        "ends at 11:00, not after its start 12:30",
        "end time later",
    ),
    (
        "bad_period_not_monday.yaml",
        6,
        "period.start",
        "2026-12-02 is a Wednesday, not a Monday",
        "Monday 2026-11-30",
    ),
    (
        "bad_needs_over_seats.yaml",
        18,
        "front.needs.residence",
        "needs 3 'residence' at the counter, but there are only 2 seat(s)",
        "at most 2",
    ),
    (
        "bad_override_needs_over_seats.yaml",
        20,
        "front.overrides[0].needs.residence",
        "needs 2 'residence' at the counter, but there are only 1 seat(s)",
        "at most 1",
    ),
    (
        "bad_override_seats_below_needs.yaml",
        20,
        "front.overrides[0].seats",
        "leaves 0 seat(s), but front.needs asks for 1 'residence'",
        "its own 'needs'",
    ),
]


@pytest.mark.parametrize(("name", "line", "path", "what", "fix"), VALUES)
def test_impossible_value(name: str, line: int, path: str, what: str, fix: str) -> None:
    file = FIXTURES / name
    assert_says(only_mistake(file), file, line, path, what, fix)


def test_overlapping_blocks_are_reported_per_day() -> None:
    path = FIXTURES / "bad_blocks_overlap.yaml"
    monday, tuesday = mistakes_of(path)
    assert_says(
        monday,
        path,
        12,
        "days.mon",
        "'am' (08:00-12:00) and 'pm' (11:30-16:00) overlap",
        "one ends before the next starts",
    )
    assert_says(tuesday, path, 13, "days.tue", "overlap on tue", "one ends before the next starts")


def test_back_needs_above_the_back_minimum_are_fine(tmp_path: Path) -> None:
    """`back.min` is a minimum, not a cap: needing 3 people with a skill there is allowed."""
    path = edited_small_office(
        tmp_path,
        (
            "  min: 2                     # back-office minimum per block\n",
            "  min: 2\n  needs: {employment: 3}\n",
        ),
    )
    office = load_office(path)
    assert office.back.needs == {"employment": 3} and office.back.min == 2


def test_dates_outside_the_period_are_ignored(tmp_path: Path) -> None:
    """Absences, school days and closures from other weeks are no mistake (files get reused)."""
    path = edited_small_office(
        tmp_path,
        (
            "absent: [{from: 2026-12-02, to: 2026-12-03}]",
            "absent: [2025-12-01, {from: 2027-01-04, to: 2027-01-08}]",
        ),
        ("school: [wed]", "school: [wed, 2026-01-07, {from: 2027-03-01, to: 2027-03-05}]"),
        ("  location: Marktplatz 1, Halle (Saale)\n", "  closed: [2025-12-24]\n"),
    )
    load_office(path)


# --- pydantic noise: one message per problem, clean key paths ---------------------------


def test_invalid_absence_is_one_message_not_one_per_form() -> None:
    path = FIXTURES / "bad_absent_entry.yaml"
    assert_says(
        only_mistake(path),
        path,
        29,
        "staff[0] (mueller).absent[0]",
        "expected a date, found 'next week'",
        "write a date YYYY-MM-DD or a range {from: YYYY-MM-DD, to: YYYY-MM-DD}",
    )


def test_invalid_range_reports_what_is_wrong_inside(tmp_path: Path) -> None:
    path = edited_small_office(
        tmp_path,
        (
            "absent: [{from: 2026-12-02, to: 2026-12-03}]",
            "absent: [{from: 2026-12-02, to: 2026-12-33}]",
        ),
    )
    assert_says(
        only_mistake(path),
        path,
        43,
        "staff[3] (hoffmann).absent[0].to",
        "not a real date",
        "2026-12-31",
    )


ALL_BAD = sorted(path.name for path in FIXTURES.glob("bad_*.yaml"))


@pytest.mark.parametrize("name", ALL_BAD)
def test_every_message_is_clean(name: str) -> None:
    """No pydantic internals, one line each, a fix, and a line number once the YAML parses."""
    for mistake in mistakes_of(FIXTURES / name):
        rendered = str(mistake)
        for noise in ("function-", "DateRange", "literal[", "[key]", "Input should", "Value error"):
            assert noise not in rendered, rendered
        assert "\n" not in rendered
        assert mistake.fix, rendered
        if name not in {"bad_empty.yaml", "bad_only_comments.yaml"}:
            assert mistake.line is not None, rendered


def test_all_mistakes_are_reported_at_once_in_file_order() -> None:
    """A schema mistake in one staff entry does not hide a reference mistake in another."""
    path = FIXTURES / "bad_many.yaml"
    found = mistakes_of(path)
    assert [(mistake.line, mistake.path) for mistake in found] == [
        (8, "period.weeks"),  # written twice
        (24, "back.needs.eng"),  # unknown skill
        (28, "staff[0] (mueller).hours"),  # 'twenty'
        (35, "staff[1] (koch).mentor"),  # 'muller'
    ]
    assert all(str(mistake).startswith(f"{path}:") for mistake in found)


def test_an_entry_with_a_mistake_still_gets_its_other_checks() -> None:
    """A bad name does not hide an unknown time zone; bad hours do not hide a self-mentor."""
    path = FIXTURES / "bad_entries_partly_valid.yaml"
    found = mistakes_of(path)
    assert [(mistake.line, mistake.path) for mistake in found] == [
        (3, "office.name"),
        (4, "office.timezone"),
        (32, "staff[1] (koch).hours"),
        (34, "staff[1] (koch).mentor"),
    ]
    assert "did you mean 'Europe/Berlin'?" in found[1].fix
    assert "their own mentor" in found[3].what


def test_a_mistake_is_not_reported_again_through_its_consequences(tmp_path: Path) -> None:
    """`mentor: 5` is one mistake, not also 'trainee without mentor'."""
    path = edited_small_office(tmp_path, ("mentor: schulz,", "mentor: 5,"))
    assert_says(only_mistake(path), path, 47, "staff[7] (lorenz).mentor", "the number 5", "quotes")


def test_mistake_renders_as_one_line() -> None:
    mistake = Mistake(
        "office.yaml", 12, "staff[2] (mueller).hours", "expected a number.", "write 39"
    )
    assert (
        str(mistake) == "office.yaml:12: staff[2] (mueller).hours: expected a number. Fix: write 39"
    )


# --- the command line --------------------------------------------------------------------


@pytest.mark.skipif(not (ROOT / "rotaplan" / "cli.py").exists(), reason="no command line yet")
def test_cli_bad_input_exit_2_one_line_per_mistake(tmp_path: Path) -> None:
    path = FIXTURES / "bad_many.yaml"
    out = tmp_path / "out"
    done = run_rotaplan("solve", str(path), "--out", str(out), timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [str(mistake) for mistake in mistakes_of(path)]
    assert not out.exists()


@pytest.mark.parametrize("name", ['"Sabine\\nWeber"', '"Sabine\\tWeber"', '"Sabine\\rWeber"'])
def test_a_name_must_be_on_one_line(tmp_path: Path, name: str) -> None:
    """A line break in a name would break calendar entries and CSV rows: refused up front."""
    path = edited_small_office(
        tmp_path, ("{id: klein, name: Kai Klein,", f"{{id: klein, name: {name},")
    )
    assert_says(
        only_mistake(path),
        path,
        46,
        "staff[6] (klein).name",
        "name contains a line break or another control character",
        "write the name on one line",
    )
