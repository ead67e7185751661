"""Which CP-SAT parameters the neighbourhoods' sub-solves get (rotaplan/solve.py,
LIGHT_PRESOLVE): one presolve pass without probing in `_search`, the defaults in the
race, and the user's --param over both."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from rotaplan.check import check
from rotaplan.neighbourhood import improve as real_improve
from rotaplan.problem import load_problem
from rotaplan.solve import SolveSettings, solve
from tests.test_robustness import generated_office

# (thread name, max_presolve_iterations, cp_model_probing_level) of each sub-solve
Seen = list[tuple[str, int, int]]


def _spy_on_sub_solves(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """Record the presolve parameters of every sub-solve `improve` configures, and still
    run the real search."""
    seen: Seen = []

    def improve(*args: Any, **kwargs: Any) -> Any:
        built, start, value, bound, work, seed, configure, *rest = args

        def recording(solver: cp_model.CpSolver) -> None:
            configure(solver)
            params = solver.parameters
            name = threading.current_thread().name
            seen.append((name, params.max_presolve_iterations, params.cp_model_probing_level))

        return real_improve(built, start, value, bound, work, seed, recording, *rest, **kwargs)

    monkeypatch.setattr("rotaplan.solve.improve", improve)
    return seen


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_office(tmp_path_factory.mktemp("office"), people=30, weeks=1, seed=3)


def _solved(office: Path, settings: SolveSettings) -> None:
    problem = load_problem(office)
    result = solve(problem, settings)
    assert check(problem, result.rota).ok()


def test_the_neighbourhoods_of_one_search_at_a_time_presolve_lightly(
    monkeypatch: pytest.MonkeyPatch, office: Path
) -> None:
    seen = _spy_on_sub_solves(monkeypatch)
    _solved(office, SolveSettings(time_limit=2.0, seed=0, workers=1))
    assert seen, "the office should need neighbourhoods at this budget"
    assert {(presolve, probing) for _name, presolve, probing in seen} == {(1, 0)}


def test_the_users_parameters_win_over_the_light_presolve(
    monkeypatch: pytest.MonkeyPatch, office: Path
) -> None:
    seen = _spy_on_sub_solves(monkeypatch)
    settings = SolveSettings(
        time_limit=2.0, seed=0, workers=1, parameters={"cp_model_probing_level": 1}
    )
    _solved(office, settings)
    assert seen
    assert {(presolve, probing) for _name, presolve, probing in seen} == {(1, 1)}


def test_the_races_neighbourhoods_keep_cp_sats_presolve(
    monkeypatch: pytest.MonkeyPatch, office: Path
) -> None:
    seen = _spy_on_sub_solves(monkeypatch)
    _solved(office, SolveSettings(time_limit=2.0, seed=0, workers=2))
    defaults = cp_model.CpSolver().parameters
    raced = {(presolve, probing) for name, presolve, probing in seen if name == "neighbourhoods"}
    assert raced == {(defaults.max_presolve_iterations, defaults.cp_model_probing_level)}
