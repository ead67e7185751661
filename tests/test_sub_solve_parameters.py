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
from rotaplan.solve import _close as real_close
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


def test_a_large_office_whose_neighbourhoods_stall_goes_on_with_the_next_seed(
    monkeypatch: pytest.MonkeyPatch, office: Path
) -> None:
    # Every office counts as large here, so the soft goals skip the first solve and have
    # only the floor as their bound; on 30 people the optimum lies above it, so the
    # neighbourhoods stall before the budget ends.
    monkeypatch.setattr("rotaplan.solve.FIRST_SOLVE_UP_TO_VARIABLES", 1)
    rounds: list[tuple[int, bool, int, int]] = []  # (seed, stalled, objective, bound)
    closed: list[str] = []

    def improve(*args: Any, **kwargs: Any) -> Any:
        built, _start, _value, bound, _work, seed, *_rest = args
        found = real_improve(*args, **kwargs)
        if built.penalties:  # the soft goals, not a shortfall level
            rounds.append((seed, found.stalled, found.objective, bound))
        return found

    def close(stages: Any, name: str, *args: Any) -> Any:
        closed.append(name)
        return real_close(stages, name, *args)

    monkeypatch.setattr("rotaplan.solve.improve", improve)
    monkeypatch.setattr("rotaplan.solve._close", close)
    _solved(office, SolveSettings(time_limit=4.0, seed=5, workers=1))
    assert len(rounds) >= 2, rounds
    assert rounds[0][1], "the first neighbourhoods should stall"
    assert [seed for seed, *_ in rounds] == list(range(5, 5 + len(rounds)))
    assert all(stalled and objective > bound for _s, stalled, objective, bound in rounds[:-1])
    assert [objective for _s, _st, objective, _b in rounds] == sorted(
        (objective for _s, _st, objective, _b in rounds), reverse=True
    )
    assert "soft_goals" not in closed  # no closing full solve of the soft goals
