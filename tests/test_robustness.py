"""Odd and broken office files never crash rotaplan, and Ctrl-C stops a solve cleanly.

Every run of `rotaplan solve` on a mutated office ends in exit 0 with a rota that the
independent checker accepts (the CLI checks before writing and exits 4 otherwise) or in
exit 2 with one clean line per mistake; never in a traceback.
"""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotaplan.check import check
from rotaplan.cli import main
from rotaplan.problem import load_problem
from rotaplan.rota import read_rota

ROOT = Path(__file__).resolve().parent.parent
SMALL = yaml.safe_load((ROOT / "config" / "small-office.yaml").read_text(encoding="utf-8"))
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    "",
    "twenty",
    "12:30",
    "2026-02-30",
    [],
    {},
    [1, 2],
    {"x": 1},
    True,
    "mon",
    "am",
    "residence",
    "weber",
    10_000,
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a nested structure of dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_offices(draw: st.DrawFn) -> dict[str, Any]:
    """The small example office with one to three random edits."""
    data: dict[str, Any] = copy.deepcopy(SMALL)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        action = draw(st.sampled_from(["replace", "delete", "add_key", "duplicate"]))
        key = path[-1]
        if action == "replace":
            parent[key] = draw(st.sampled_from(ODD_VALUES))
        elif action == "delete":
            del parent[key]
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "hous", "seat", "mentor"]))] = 1
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return data


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated_offices())
def test_mutated_office_exit_0_with_checked_rota_or_exit_2(
    data: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    office = folder / "office.yaml"
    office.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = folder / "out"
    code = main(["solve", str(office), "--out", str(out), "--time-limit", "2", "--quiet"])
    captured = capsys.readouterr()
    assert code in (0, 2), captured.err
    assert "Traceback" not in captured.err
    if code == 2:
        assert not out.exists()
        lines = [line for line in captured.err.splitlines() if line.strip()]
        assert lines and all(line.startswith(str(office)) for line in lines), captured.err
    else:
        problem = load_problem(office)
        assert check(problem, read_rota(out / "rota.json")).ok()


def generated_office(folder: Path, *, people: int, weeks: int, seed: int) -> Path:
    """A benchmark office from benchmarks/generate.py, written to `folder`."""
    office = folder / "office.yaml"
    command = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--out", str(office)]
    command += ["--people", str(people), "--weeks", str(weeks), "--seed", str(seed)]
    subprocess.run(command, check=True)
    return office


@pytest.mark.parametrize("after_seconds", [2.0, 6.0])
def test_ctrl_c_during_a_long_solve_writes_only_a_checked_rota(
    tmp_path: Path, after_seconds: float
) -> None:
    office = generated_office(tmp_path, people=120, weeks=2, seed=3)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rotaplan",
            "solve",
            str(office),
            "--out",
            str(out),
            "--quiet",
            "--time-limit",
            "120",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(after_seconds)  # early in the solve, and well into it
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    if process.returncode == 0:
        assert "interrupted" in stdout
        rota = read_rota(out / "rota.json")
        assert check(load_problem(office), rota).ok()
        stages = json.loads((out / "rota.json").read_text(encoding="utf-8"))["stages"]
        assert stages[-1]["stopped"] == "interrupted" or rota.status == "feasible"
    else:
        assert process.returncode == 130, stderr
        assert "Nothing was written" in stderr
        assert not out.exists()


def test_a_budget_too_small_for_any_rota_still_gives_a_checked_rota(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 120 people over 2 weeks with 0.05 s of work: CP-SAT finds no rota for the counter
    # seats in that budget, so the stage keeps the rota where nobody works.
    office = generated_office(tmp_path, people=120, weeks=2, seed=1)
    out = tmp_path / "out"
    code = main(["solve", str(office), "--out", str(out), "--time-limit", "0.05", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rota = read_rota(out / "rota.json")
    assert check(load_problem(office), rota).ok()
    assert rota.status == "feasible"
    stages = json.loads((out / "rota.json").read_text(encoding="utf-8"))["stages"]
    assert (stages[0]["name"], stages[0]["status"], stages[0]["stopped"]) == (
        "front_seats",
        "feasible",
        "work limit",
    )
    # the back-office fill still worked from it: people work, and every gap is listed
    assert rota.assignments
    assert rota.shortfalls
