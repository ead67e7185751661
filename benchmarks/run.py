"""Benchmark `rotaplan solve` on a fixed set of generated offices and write RESULTS.md.

Each run is a fresh process, `python -m rotaplan solve FILE --out DIR
--time-limit N`, measured for whole-process wall time and peak memory, and
its rota.json is read for status, objective, bound and the solver stages.

    python benchmarks/run.py --set small --runs 3          # 10p, 30p, 60p, tight 30p
    python benchmarks/run.py --runs 3                      # adds 120p x 2w, 300p x 4w
    python benchmarks/run.py --set all --runs 1            # adds 400p x 8w (slow)
    python benchmarks/run.py --set small --dry-run         # generate and load only

See benchmarks/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs the solve in a child process and reports the child's wall time and peak
# memory. A fresh wrapper per run matters: RUSAGE_CHILDREN's ru_maxrss is the
# largest of all children a process has waited for, so one long-lived parent
# would report the biggest run so far, not this one.
MEASURE = """
import json, resource, subprocess, sys, time
out, command = sys.argv[1], sys.argv[2:]
spawned = time.monotonic()
started = time.perf_counter()
done = subprocess.run(command, capture_output=True, text=True)
wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KiB
with open(out, "w") as handle:
    json.dump({"wall": wall, "spawned": spawned, "peak_bytes": peak * scale,
               "returncode": done.returncode,
               "stderr": done.stderr[-2000:], "stdout": done.stdout[-2000:]}, handle)
"""


@dataclass(frozen=True)
class Case:
    """One generated office of the benchmark set."""

    name: str
    people: int
    weeks: int
    tight: bool = False
    seed: int = 1


SMALL: list[Case] = [
    Case("10p-1w", 10, 1),
    Case("30p-1w", 30, 1),
    Case("60p-1w", 60, 1),
    Case("tight-30p-1w", 30, 1, tight=True),
]
DEFAULT: list[Case] = [*SMALL, Case("120p-2w", 120, 2), Case("300p-4w", 300, 4)]
ALL: list[Case] = [*DEFAULT, Case("400p-8w", 400, 8)]
SETS: dict[str, list[Case]] = {"small": SMALL, "default": DEFAULT, "all": ALL}


@dataclass
class Run:
    """One measured solve."""

    wall: float
    peak_mb: float
    returncode: int
    status: str | None = None
    objective: int | None = None
    bound: int | None = None
    shortfalls: int | None = None  # total missing over all shortfall lines
    stages: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    first_rota: float | None = None  # seconds from the start of the process
    proven: float | None = None  # seconds until every stage was proven, if they were

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(1, objective), or None when either is unknown."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))


@dataclass
class CaseResult:
    """All runs of one case, with the size of its problem."""

    case: Case
    slots: int
    staff: int
    runs: list[Run]


def load_generator() -> ModuleType:
    """benchmarks/generate.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("benchmark_generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def problem_size(path: Path) -> tuple[int, int]:
    """(people, open blocks) of an office file, loaded the way the solver loads it."""
    from rotaplan.problem import load_problem

    problem = load_problem(path)
    return len(problem.people), len(problem.slots)


def solve_once(office: Path, out: Path, time_limit: float, workers: int, seed: int = 0) -> Run:
    """Solve in a fresh process; measure it and read its rota.json and timings (the
    monotonic clock is the machine's, so the child's readings compare with the spawn)."""
    timings_file = out.parent / f"{out.name}.timings.json"
    command = [
        sys.executable,
        "-m",
        "rotaplan",
        "solve",
        str(office),
        "--out",
        str(out),
        "--time-limit",
        f"{time_limit:g}",
        "--workers",
        str(workers),
        "--seed",
        str(seed),
        "--quiet",
        "--timings",
        str(timings_file),
    ]
    report = out.parent / f"{out.name}.measure.json"
    subprocess.run([sys.executable, "-c", MEASURE, str(report), *command], check=True)
    measured = json.loads(report.read_text(encoding="utf-8"))
    run = Run(
        wall=measured["wall"],
        peak_mb=measured["peak_bytes"] / 2**20,
        returncode=measured["returncode"],
    )
    rota_file = out / "rota.json"
    if measured["returncode"] != 0 or not rota_file.exists():
        lines = (measured["stderr"] or measured["stdout"]).strip().splitlines()
        run.error = lines[-1] if lines else f"exit code {measured['returncode']}"
        return run
    rota = json.loads(rota_file.read_text(encoding="utf-8"))
    run.status = rota.get("status")
    run.objective = rota.get("objective")
    run.bound = rota.get("bound")
    run.shortfalls = sum(int(item.get("missing", 0)) for item in rota.get("shortfalls", []))
    run.stages = list(rota.get("stages", []))
    timings = json.loads(timings_file.read_text(encoding="utf-8"))
    spawned = measured["spawned"]
    if timings.get("first_rota") is not None:
        run.first_rota = timings["first_rota"] - spawned
    if timings.get("proven") is not None:
        run.proven = timings["proven"] - spawned
    return run


def median(values: list[float]) -> float | None:
    """Median of the known values, None if there are none."""
    return statistics.median(values) if values else None


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 0
    try:
        ortools = metadata.version("ortools")
    except metadata.PackageNotFoundError:
        ortools = "not installed"
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPU": cpu,
        "cores (nproc)": str(cores),
        "RAM": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "OR-Tools": ortools,
        "rotaplan code at start": code_state(),
        "load average at start (1/5/15 min)": load,
    }


def code_state() -> str:
    """The rotaplan commit, and whether rotaplan/ has changes not yet committed."""

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], capture_output=True, text=True, cwd=ROOT)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "rotaplan")
    return commit + (" with uncommitted changes in rotaplan/" if changed else "")


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _integer(values: list[int]) -> str:
    if not values:
        return "-"
    middle = statistics.median(values)
    return str(int(middle)) if middle == int(middle) else f"{middle:.1f}"


def _status(runs: list[Run]) -> str:
    counts = Counter(run.status or "error" for run in runs)
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{count}x {status}" for status, count in counts.most_common())


def _stages(runs: list[Run]) -> str:
    """Stages proven optimal (median over runs), and what stopped the others in any run."""
    solved = [run for run in runs if run.stages]
    if not solved:
        return "-"
    proven = statistics.median_low(
        [sum(1 for stage in run.stages if stage.get("status") == "optimal") for run in solved]
    )
    stops = sorted(
        {
            str(stage.get("stopped"))
            for run in solved
            for stage in run.stages
            if stage.get("status") != "optimal"
        }
    )
    return f"{proven}/{len(solved[0].stages)}" + (f" ({', '.join(stops)})" if stops else "")


def _proven(runs: list[Run]) -> str:
    """Median seconds to the proof of every stage, over the runs that got there ('-' for
    none; with the count when only some did)."""
    proven = [run.proven for run in runs if run.proven is not None]
    text = _number(median(proven), 2)
    return text if len(proven) in (0, len(runs)) else f"{text} ({len(proven)}/{len(runs)})"


def _repeatable(runs: list[Run]) -> str:
    """'yes' if every run gave the same status, objective, bound and shortfall."""
    outcomes = {(run.status, run.objective, run.bound, run.shortfalls) for run in runs}
    if not runs or any(run.status is None for run in runs):
        return "-"
    return "yes" if len(outcomes) == 1 else "no"


def results_table(results: list[CaseResult]) -> list[str]:
    """The main Markdown table: one row per case, medians over its runs."""
    lines = [
        "| case | people | weeks | blocks | runs | first rota s | proven s | wall s (median) "
        "| wall s (range) | peak MiB | status | objective | bound | gap | shortfall "
        "| stages proven | same each run |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: "
        "| ---: | ---: | --- | --- |",
    ]
    for result in results:
        runs = result.runs
        ok = [run for run in runs if run.status]
        walls = [run.wall for run in runs]
        gaps = [run.gap for run in ok if run.gap is not None]
        lines.append(
            "| "
            + " | ".join(
                [
                    result.case.name,
                    str(result.staff),
                    str(result.case.weeks),
                    str(result.slots),
                    str(len(runs)),
                    _number(median([r.first_rota for r in ok if r.first_rota is not None]), 2),
                    _proven(ok),
                    _number(median(walls), 2),
                    f"{min(walls):.2f}-{max(walls):.2f}",
                    _number(median([run.peak_mb for run in runs]), 0),
                    _status(runs),
                    _integer([run.objective for run in ok if run.objective is not None]),
                    _integer([run.bound for run in ok if run.bound is not None]),
                    "-" if not gaps else f"{100 * statistics.median(gaps):.1f} %",
                    _integer([run.shortfalls for run in ok if run.shortfalls is not None]),
                    _stages(runs),
                    _repeatable(runs),
                ]
            )
            + " |"
        )
    return lines


def stage_details(results: list[CaseResult]) -> list[str]:
    """Per case, the stages of its median-time run: value, bound and why each stopped."""
    lines = [
        "| case | stage | status | value | bound | stopped |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for result in results:
        solved = sorted((run for run in result.runs if run.stages), key=lambda run: run.wall)
        if not solved:
            continue
        for stage in solved[len(solved) // 2].stages:
            lines.append(
                f"| {result.case.name} | {stage.get('name')} | {stage.get('status')} "
                f"| {stage.get('value')} | {stage.get('bound')} | {stage.get('stopped')} |"
            )
    return lines


def errors(results: list[CaseResult]) -> list[str]:
    """Runs that made no rota, with the last line of their output."""
    return [
        f"- {result.case.name}, run {index + 1}: exit code {run.returncode}: {run.error}"
        for result in results
        for index, run in enumerate(result.runs)
        if run.error
    ]


def write_results(
    path: Path,
    results: list[CaseResult],
    command: str,
    args: argparse.Namespace,
    info: dict[str, str],
) -> None:
    """RESULTS.md: command, machine, the table, the stages and any errors."""
    code_at_end = code_state()
    if code_at_end != info["rotaplan code at start"]:
        info = {**info, "rotaplan code at end": f"{code_at_end} (changed during the runs!)"}
    lines = [
        "# rotaplan benchmark results",
        "",
        f"Made on {dt.date.today().isoformat()} by:",
        "",
        "```",
        command,
        "```",
        "",
        f"Every run is a fresh `python -m rotaplan solve FILE --out DIR --time-limit "
        f"{args.time_limit:g} --workers {args.workers} --seed "
        f"{'K` process, K = 0, 1, ... for the runs of a case' if args.vary_seed else '0` process'}"
        "; times and memory are for the "
        "whole process (start-up, loading, model building, solving, writing the exports). "
        "Offices come from `benchmarks/generate.py` with the seed shown in the case list "
        "below. Columns are explained in `benchmarks/README.md`.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        "",
        "## Results (medians over runs)",
        "",
        *results_table(results),
        "",
        "## Stages of the median run",
        "",
        *stage_details(results),
        "",
        "## Cases",
        "",
        *[
            f"- {result.case.name}: `python benchmarks/generate.py --people "
            f"{result.case.people} --weeks {result.case.weeks} --seed {result.case.seed}"
            f"{' --tight' if result.case.tight else ''}`"
            for result in results
        ],
    ]
    failed = errors(results)
    if failed:
        lines += ["", "## Runs without a rota", "", *failed]
    kept = kept_notes(path)
    if kept:
        lines += ["", kept.rstrip()]
    from rotaplan.files import write_atomic  # the results file is never left half-written

    write_atomic(path, "\n".join(lines) + "\n")


KEPT_HEADING = "## What each change bought"


def kept_notes(path: Path) -> str:
    """The hand-written section of an existing results file, kept across runs."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(KEPT_HEADING)
    return text[start:] if start >= 0 else ""


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark harness."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="default", help="which cases")
    parser.add_argument("--only", action="append", metavar="CASE", help="run just these cases")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="--time-limit per solve (default 10)"
    )
    parser.add_argument("--workers", type=int, default=2, help="--workers per solve (default 2)")
    parser.add_argument(
        "--out", type=Path, default=HERE / "RESULTS.md", help="results file (default here)"
    )
    parser.add_argument("--keep", type=Path, help="keep offices and rotas in this folder")
    parser.add_argument(
        "--vary-seed",
        action="store_true",
        help="solver seed K for run K (0, 1, ...): medians over seeds instead of repeats",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="generate and load the offices, solve nothing"
    )
    args = parser.parse_args(argv)
    cases = [case for case in SETS[args.set] if not args.only or case.name in args.only]
    if not cases:
        parser.error(f"no case matches; choose from {', '.join(c.name for c in ALL)}")
    generate = load_generator()
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    info = machine()

    with tempfile.TemporaryDirectory(prefix="rotaplan-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        results: list[CaseResult] = []
        for case in cases:
            office = work / f"{case.name}.yaml"
            office.write_text(
                generate.generate_yaml(case.people, case.weeks, case.seed, case.tight),
                encoding="utf-8",
            )
            staff, slots = problem_size(office)
            print(f"{case.name}: {staff} people, {slots} open blocks", flush=True)
            runs: list[Run] = []
            for index in range(0 if args.dry_run else args.runs):
                run = solve_once(
                    office,
                    work / f"{case.name}-run{index + 1}",
                    args.time_limit,
                    args.workers,
                    index if args.vary_seed else 0,
                )
                runs.append(run)
                print(
                    f"  run {index + 1}: {run.wall:.2f} s, {run.peak_mb:.0f} MiB, "
                    f"{run.status or 'error: ' + run.error}, objective {run.objective}, "
                    f"bound {run.bound}, shortfall {run.shortfalls}",
                    flush=True,
                )
            results.append(CaseResult(case, slots, staff, runs))
        if args.dry_run:
            print("dry run: offices generated and loaded; nothing solved, nothing written")
            return 0
        write_results(args.out, results, command, args, info)
        print(f"wrote {args.out}")
    return 0 if not errors(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
