"""Solve one office in-process and print every stage's progress with its time.

    python benchmarks/trace.py OFFICE [--time-limit S] [--seed N] [--workers N]
                               [--param NAME=VALUE ...]

Prints one line per improvement (stage, objective, bound, seconds since the
solve started), then the import, load and solve times and each stage's result.
This is the tool behind the per-change measurements in RESULTS.md: it shows
where a solve spends its time, which the whole-process table cannot.
"""

from __future__ import annotations

import argparse
import time

STARTED = time.monotonic()

from rotaplan.problem import load_problem  # noqa: E402
from rotaplan.solve import Progress, SolveSettings, solve  # noqa: E402


def _value(text: str) -> object:
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main() -> None:
    """Parse the arguments, solve, print the trace."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("office")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    imported = time.monotonic()
    problem = load_problem(args.office)
    loaded = time.monotonic()

    def progress(report: Progress) -> None:
        print(
            f"  {report.stage:14s} objective {report.objective:>10.0f}  "
            f"bound {report.bound:>10.0f}  {report.elapsed:6.2f} s",
            flush=True,
        )

    parameters = dict(item.split("=", 1) for item in args.param)
    settings = SolveSettings(
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        parameters={name: _value(value) for name, value in parameters.items()},
    )
    result = solve(problem, settings, progress)
    solved = time.monotonic()
    print(
        f"import {imported - STARTED:.2f} s, load {loaded - imported:.2f} s, "
        f"solve {solved - loaded:.2f} s"
    )
    for stage in result.stages:
        print(
            f"  {stage.name:14s} {stage.status:9s} value {stage.value:>10d}  "
            f"bound {stage.bound:>10d}  ({stage.stopped})"
        )


if __name__ == "__main__":
    main()
