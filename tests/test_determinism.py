"""The same input, seed and workers give a byte-identical rota.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotaplan.problem import load_problem
from rotaplan.rota import rota_to_json
from rotaplan.solve import SolveSettings, solve


@pytest.mark.parametrize("workers", [1, 2])
def test_same_seed_same_rota(small_office: Path, workers: int) -> None:
    problem = load_problem(small_office)
    settings = SolveSettings(time_limit=5, seed=7, workers=workers)
    first = rota_to_json(solve(problem, settings).rota)
    second = rota_to_json(solve(load_problem(small_office), settings).rota)
    assert first == second
    assert '"seed": 7' in first


def test_same_rota_when_stopped_on_the_work_limit(tmp_path: Path) -> None:
    # A budget far too small for a proof: the stop is on deterministic work, so it repeats.
    root = Path(__file__).resolve().parent.parent
    problem = load_problem(root / "config" / "immigration-office.yaml")
    settings = SolveSettings(time_limit=0.1, seed=1, workers=1)
    first = solve(problem, settings)
    second = solve(load_problem(root / "config" / "immigration-office.yaml"), settings)
    assert rota_to_json(first.rota) == rota_to_json(second.rota)
    assert any(stage.stopped == "work limit" for stage in first.stages)
