"""The benchmark generator writes office files that load, and writes them deterministically."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rotaplan.config import DateRange, Office, load_office

ROOT = Path(__file__).resolve().parent.parent


def _load_generator() -> ModuleType:
    """Import benchmarks/generate.py by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "benchmark_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def _write(tmp_path: Path, people: int, weeks: int, seed: int, tight: bool = False) -> Path:
    path = tmp_path / f"office-{people}-{weeks}-{seed}-{tight}.yaml"
    path.write_text(generate.generate_yaml(people, weeks, seed, tight), encoding="utf-8")
    return path


def _absent_days_per_person(office: Office) -> float:
    days = 0
    for person in office.staff:
        for entry in person.absent:
            days += len(entry.days()) if isinstance(entry, DateRange) else 1
    return days / len(office.staff)


@pytest.mark.parametrize(
    ("people", "weeks", "seed", "tight"),
    [(10, 1, 1, False), (30, 1, 2, False), (60, 2, 3, False), (30, 1, 4, True), (150, 3, 5, False)],
)
def test_generated_office_loads(
    tmp_path: Path, people: int, weeks: int, seed: int, tight: bool
) -> None:
    office = load_office(_write(tmp_path, people, weeks, seed, tight))
    assert len(office.staff) == people
    assert office.period.weeks == weeks
    trainees = [person for person in office.staff if person.trainee]
    mentors = [person.mentor for person in trainees]
    assert len(set(mentors)) == len(mentors), "one trainee per mentor"
    if people >= 30:
        assert trainees
        assert any(person.days for person in office.staff), "part-timers have day patterns"
        assert any(person.absent for person in office.staff)


def test_same_seed_gives_identical_yaml() -> None:
    assert generate.generate_yaml(60, 2, 11) == generate.generate_yaml(60, 2, 11)
    assert generate.generate_yaml(30, 1, 11, tight=True) == generate.generate_yaml(
        30, 1, 11, tight=True
    )


def test_different_seeds_differ() -> None:
    assert generate.generate_yaml(60, 1, 1) != generate.generate_yaml(60, 1, 2)


def test_command_line_writes_the_same_text(tmp_path: Path) -> None:
    out = tmp_path / "office.yaml"
    argv = ["--people", "20", "--weeks", "1", "--seed", "9", "--out", str(out)]
    assert generate.main(argv) == 0
    assert out.read_text(encoding="utf-8") == generate.generate_yaml(20, 1, 9)


def test_tight_mode_has_more_absences_and_demand(tmp_path: Path) -> None:
    for seed in (1, 2, 3):
        normal = load_office(_write(tmp_path, 30, 1, seed))
        tight = load_office(_write(tmp_path, 30, 1, seed, tight=True))
        assert _absent_days_per_person(tight) > _absent_days_per_person(normal)
        normal_seats = sum(item.seats or 0 for item in normal.front.overrides)
        tight_seats = sum(item.seats or 0 for item in tight.front.overrides)
        assert tight_seats > normal_seats
