"""The command line, run as a user runs it: every exit code, and what is (not) written."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.factories import run_rotaplan as run

ROOT = Path(__file__).resolve().parent.parent


def test_solve_writes_rota_and_exit_0(small_office: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("solve", str(small_office), "--out", str(out), "--time-limit", "10")
    assert done.returncode == 0, done.stderr
    rota = json.loads((out / "rota.json").read_text(encoding="utf-8"))
    assert rota["status"] in {"optimal", "feasible"}
    assert rota["assignments"]
    assert "Sabine Weber" in done.stdout  # the grid names people
    assert "Coverage per block" in done.stdout
    checked = run("check", str(small_office), str(out / "rota.json"))
    assert checked.returncode == 0, checked.stdout
    assert "All hard rules hold." in checked.stdout


def test_solve_refuses_to_overwrite_without_force(small_office: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", str(small_office), "--out", str(out)).returncode == 0
    before = (out / "rota.json").stat().st_mtime_ns
    again = run("solve", str(small_office), "--out", str(out))
    assert again.returncode == 2
    assert "--force" in again.stderr
    assert (out / "rota.json").stat().st_mtime_ns == before
    forced = run("solve", str(small_office), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr


def test_solve_timings_say_when_each_step_was_done(small_office: Path, tmp_path: Path) -> None:
    out, timings = tmp_path / "out", tmp_path / "timings.json"
    before = time.monotonic()
    done = run("solve", str(small_office), "--out", str(out), "--timings", str(timings))
    after = time.monotonic()
    assert done.returncode == 0, done.stderr
    stamps = json.loads(timings.read_text(encoding="utf-8"))
    rota = json.loads((out / "rota.json").read_text(encoding="utf-8"))
    # the machine's monotonic clock: the child's readings lie within the parent's
    points = [stamps[key] for key in ("loaded", "first_rota", "solved", "written")]
    assert [before, *points, after] == sorted([before, *points, after])
    assert stamps["proven"] == (stamps["solved"] if rota["status"] == "optimal" else None)
    assert "timings" not in json.dumps(rota)  # rota.json stays the same from run to run


def test_solve_timings_in_a_folder_or_in_out_is_refused_before_solving(
    small_office: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for timings in (tmp_path, out / "timings.json"):
        done = run("solve", str(small_office), "--out", str(out), "--timings", str(timings))
        assert done.returncode == 2
        assert "--timings" in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()


def test_bad_input_exit_2_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "office.yaml"
    bad.write_text("office: {name: x}\nperiod: {start: 2026-12-01}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run("solve", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--workers", "0", "at least 1"),
        ("--workers", "two", "not a whole number"),
        ("--time-limit", "-1", "more than 0 seconds"),
        ("--time-limit", "nan", "more than 0 seconds"),
        ("--time-limit", "soon", "not a number of seconds"),
    ],
)
def test_bad_solver_flag_exit_2_nothing_written(
    small_office: Path, tmp_path: Path, flag: str, value: str, says: str
) -> None:
    out = tmp_path / "out"
    done = run("solve", str(small_office), "--out", str(out), flag, value)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"argument {flag}: " in done.stderr
    assert says in done.stderr
    assert not out.exists()


def test_missing_file_exit_2(tmp_path: Path) -> None:
    done = run("solve", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "file not found" in done.stderr


def test_strict_with_shortfalls_exit_3_nothing_written(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("solve", str(fixtures / "cli_shortfall.yaml"), "--out", str(out), "--strict")
    assert done.returncode == 3
    assert "nothing was written" in done.stderr
    assert not out.exists()


def test_shortfalls_are_printed_and_listed(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("solve", str(fixtures / "cli_shortfall.yaml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rota = json.loads((out / "rota.json").read_text(encoding="utf-8"))
    assert rota["shortfalls"] == [
        {"date": "2026-11-30", "block": "am", "area": "front", "what": "seats", "missing": 1}
    ]


def test_check_hand_edited_rota_exit_1(small_office: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", str(small_office), "--out", str(out)).returncode == 0
    rota = json.loads((out / "rota.json").read_text(encoding="utf-8"))
    # Murat Hoffmann is absent on 2 and 3 December; put him at the counter on the 2nd.
    rota["assignments"].append(
        {
            "staff": "hoffmann",
            "date": "2026-12-02",
            "block": "am",
            "area": "front",
            "start": "2026-12-02T08:00:00+01:00",
            "end": "2026-12-02T12:00:00+01:00",
        }
    )
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(rota), encoding="utf-8")
    done = run("check", str(small_office), str(edited))
    assert done.returncode == 1
    assert "availability" in done.stdout
    assert "Hoffmann" in done.stdout


def test_check_bad_rota_file_exit_2(small_office: Path, tmp_path: Path) -> None:
    broken = tmp_path / "rota.json"
    broken.write_text("{not json", encoding="utf-8")
    done = run("check", str(small_office), str(broken))
    assert done.returncode == 2
    assert "broken JSON" in done.stderr


def test_schema_prints_json_schema() -> None:
    done = run("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "staff" in schema["properties"]


def test_debug_shows_the_traceback_for_developers(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    plain = run("solve", missing, "--out", str(tmp_path / "out"))
    debug = run("--debug", "solve", missing, "--out", str(tmp_path / "out"))
    assert "Traceback" not in plain.stderr
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "InputError" in debug.stderr
