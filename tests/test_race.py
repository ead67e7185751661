"""Two searches side by side (`--workers 2`): the race's rules, and a result that does not
depend on which search is faster."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

import rotaplan.solve as solve_module
from rotaplan.check import check
from rotaplan.interrupt import Interrupted, run_solver
from rotaplan.problem import load_problem
from rotaplan.race import Race
from rotaplan.rota import read_rota, rota_to_json
from rotaplan.solve import SolveSettings, solve

ROOT = Path(__file__).resolve().parent.parent


def _generated(tmp_path: Path, people: int, seed: int) -> Path:
    office = tmp_path / f"office-{people}-{seed}.yaml"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            *("--people", str(people), "--weeks", "1", "--seed", str(seed)),
            *("--out", str(office)),
        ],
        check=True,
    )
    return office


def test_the_race_is_over_once_the_best_rota_meets_the_best_bound() -> None:
    race = Race(floor=10)
    assert not race.over()
    assert not race.offer(14)  # a rota of 14 against a bound of 10
    race.raise_bound(12.2)  # objectives are whole numbers: a bound of 12.2 means 13
    assert race.bound == 13
    assert not race.over()
    race.raise_bound(11)  # a weaker bound never lowers the best one
    assert race.bound == 13
    assert race.offer(13)
    assert race.over()


def test_a_cancelled_race_is_over_whatever_its_values() -> None:
    race = Race(floor=0)
    race.cancel()
    assert race.over()


def _golomb(marks: int) -> tuple[cp_model.CpModel, cp_model.IntVar]:
    """A Golomb ruler: one worker needs far longer to prove 11 marks than this test runs."""
    model = cp_model.CpModel()
    top = marks * marks
    position = [model.new_int_var(0, top, f"m{index}") for index in range(marks)]
    model.add(position[0] == 0)
    for left, right in itertools.pairwise(position):
        model.add(left < right)
    differences = [
        position[right] - position[left]
        for left in range(marks)
        for right in range(left + 1, marks)
    ]
    gaps = [model.new_int_var(1, top, f"d{index}") for index in range(len(differences))]
    for gap, difference in zip(gaps, differences, strict=True):
        model.add(gap == difference)
    model.add_all_different(gaps)
    model.minimize(position[-1])
    return model, position[-1]


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.seen = threading.Event()
        self.value = 0

    def on_solution_callback(self) -> None:
        self.value = round(self.objective_value)
        self.seen.set()


# The second search's solver, and the solve that is there for its bound only.
@pytest.mark.parametrize("role", ["running", "bounding"])
def test_a_bound_that_meets_the_best_rota_stops_the_running_search(role: str) -> None:
    model, _length = _golomb(11)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 120
    first = _FirstSolution()
    race = Race(floor=0)
    outcome: dict[str, Any] = {}

    register = race.running if role == "running" else race.bounding

    def search() -> None:
        register(solver)
        outcome["status"] = run_solver(solver, model, Interrupted(), first)
        register(None)

    thread = threading.Thread(target=search)
    thread.start()
    assert first.seen.wait(60)
    assert not race.offer(first.value)  # the floor 0 proves nothing
    race.raise_bound(first.value)  # as if the other search proved that bound
    thread.join(100)
    assert not thread.is_alive()
    assert outcome["status"] == cp_model.FEASIBLE  # stopped, not proven by CP-SAT itself


def _slowed(monkeypatch: pytest.MonkeyPatch, in_main_thread: bool) -> None:
    """Delay every solve of one of the two threads, so the other search runs ahead."""
    real = solve_module.run_solver

    def run_solver_later(*args: Any) -> Any:
        if (threading.current_thread() is threading.main_thread()) == in_main_thread:
            time.sleep(0.1)
        return real(*args)

    monkeypatch.setattr(solve_module, "run_solver", run_solver_later)


# 30 people, seed 3: the lower-bound solve proves the optimum while the neighbourhoods
# find it too; 20 people, seed 0: that solve's bound stays far below, and the second
# search's closing solve proves its rota (`benchmarks/generate.py --seed 1` offices).
@pytest.mark.parametrize(("people", "seed", "time_limit"), [(30, 3, 5.0), (20, 0, 5.0)])
def test_the_rota_does_not_depend_on_which_search_is_faster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, people: int, seed: int, time_limit: float
) -> None:
    office = _generated(tmp_path, people, 1)
    settings = SolveSettings(time_limit=time_limit, seed=seed, workers=2)
    reports: list[str] = []
    plain = solve(load_problem(office), settings, lambda report: reports.append(report.stage))
    assert "neighbourhoods" in reports  # the second search ran
    problem = load_problem(office)
    report = check(problem, plain.rota)
    assert report.violations == ()
    assert sum(report.cost_by_rule().values()) == plain.rota.objective

    rotas = [rota_to_json(plain.rota)]
    for in_main_thread in (True, False):
        with monkeypatch.context() as patch:
            _slowed(patch, in_main_thread)
            rotas.append(rota_to_json(solve(load_problem(office), settings).rota))
    assert rotas[1] == rotas[0]
    assert rotas[2] == rotas[0]


def test_ctrl_c_during_the_race_writes_only_a_checked_rota(tmp_path: Path) -> None:
    office = _generated(tmp_path, 60, 1)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "rotaplan", "solve", str(office), "--out", str(out)),
            *("--quiet", "--workers", "2", "--seed", "2", "--time-limit", "60"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3.0)  # the soft goals' race runs from about 1 s to 8 s on the benchmark machine
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert process.returncode == 0, stderr  # the shortfall stages' rota exists by then
    assert "interrupted" in stdout
    rota = read_rota(out / "rota.json")
    assert check(load_problem(office), rota).ok()
    stages = json.loads((out / "rota.json").read_text(encoding="utf-8"))["stages"]
    assert stages[-1]["stopped"] == "interrupted"
