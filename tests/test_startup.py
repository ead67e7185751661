"""Start-up stays lean: each command loads only the libraries it uses.

Each command runs in a fresh Python process that then lists its loaded modules;
no timing is measured. Each test also names a module the command does load, so
a broken listing cannot pass by accident.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_export_common import NAMES, SMALL_OFFICE, hand_rota

import rotaplan.config.holidays
from rotaplan.problem import load_problem
from rotaplan.rota import rota_to_json

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOLVER = {"ortools", "pandas", "numpy"}
EXPORT_LIBRARIES = {"xlsxwriter", "icalendar", "openpyxl"}

# Runs the command line's main() with the given arguments, then prints the loaded modules.
_RUN_COMMAND = """
import json, sys
from rotaplan.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

# Runs the given statements, then prints the loaded modules.
_RUN_CODE = """
import json, sys
exec(sys.argv[1])
print(json.dumps({"code": 0, "modules": sorted(sys.modules)}))
"""


def _loaded(script: str, *args: str) -> tuple[int, set[str]]:
    """Exit code and loaded modules (full names and top-level packages) of a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    modules: set[str] = set(report["modules"])
    return int(report["code"]), modules | {name.split(".")[0] for name in modules}


def _command(*args: str) -> tuple[int, set[str]]:
    return _loaded(_RUN_COMMAND, *args)


def _code(statements: str) -> set[str]:
    return _loaded(_RUN_CODE, statements)[1]


def test_importing_the_command_line_loads_no_library() -> None:
    modules = _code("import rotaplan.cli")
    assert "rotaplan.cli" in modules
    assert not modules & {"pydantic", "yaml", "holidays", "tabulate", *SOLVER, *EXPORT_LIBRARIES}


def test_schema_loads_the_schema_and_nothing_for_reading_files() -> None:
    code, modules = _command("schema")
    assert code == 0
    assert "rotaplan.config.schema" in modules
    assert not modules & {"yaml", "holidays", "tabulate", *SOLVER, *EXPORT_LIBRARIES}
    assert not modules & {"rotaplan.yamlfile", "rotaplan.problem", "rotaplan.config.messages"}


def test_check_never_loads_the_solver(tmp_path: Path) -> None:
    rota = tmp_path / "rota.json"
    rota.write_text(rota_to_json(hand_rota(load_problem(SMALL_OFFICE))), encoding="utf-8")
    code, modules = _command("check", str(SMALL_OFFICE), str(rota))
    assert code == 0
    assert "rotaplan.check" in modules
    assert not modules & {*SOLVER, *EXPORT_LIBRARIES, "rotaplan.solve", "rotaplan.model"}


def test_strict_solve_that_writes_nothing_loads_no_export_library(tmp_path: Path) -> None:
    out = tmp_path / "out"
    office = FIXTURES / "cli_shortfall.yaml"
    code, modules = _command("solve", str(office), "--out", str(out), "--strict", "--quiet")
    assert code == 3
    assert not out.exists()
    assert "ortools" in modules
    assert not modules & EXPORT_LIBRARIES


def test_explain_loads_the_solver_but_no_export_library() -> None:
    modules = _code("import rotaplan.explain")
    assert "ortools" in modules
    assert not modules & EXPORT_LIBRARIES


def test_export_libraries_load_only_when_files_are_written(tmp_path: Path) -> None:
    modules_before = _code("import rotaplan.export, rotaplan.publish")
    assert "rotaplan.export.xlsx" in modules_before
    assert not modules_before & EXPORT_LIBRARIES
    modules_after = _code(
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pathlib import Path\n"
        "from test_export_common import TINY, load\n"
        "from rotaplan.export import write_exports\n"
        f"write_exports(*load(TINY), Path({str(tmp_path)!r}))\n"
    )
    assert {"xlsxwriter", "icalendar"} <= modules_after


def test_holiday_calendar_is_computed_once_per_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import holidays

    calls: list[str] = []
    original = holidays.country_holidays

    def counted(country: str, **options: Any) -> Any:
        calls.append(country)
        return original(country, **options)

    monkeypatch.setattr(holidays, "country_holidays", counted)
    rotaplan.config.holidays._calendar.cache_clear()
    problem = load_problem(NAMES)  # checks the region, then reads its holidays
    assert calls == ["DE"]
    assert "Christmas Day" in problem.holidays.values()
