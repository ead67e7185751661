"""The command line: parse, call the library, print, map errors to exit codes.

Exit codes: 0 done; 1 `check` found violations; 2 bad input (or an output
folder that would be overwritten); 3 `solve --strict` with shortfalls left;
4 internal error (a rota of ours broke a rule); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rotaplan.errors import (
    CheckFailedError,
    InputError,
    Mistake,
    NoRotaError,
    OutputExistsError,
    RotaplanError,
)

if TYPE_CHECKING:
    from rotaplan.problem import Problem
    from rotaplan.rota import Rota
    from rotaplan.solve import Result, SolveSettings

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_SHORTFALLS = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
PROGRESS_AFTER_SECONDS = 1.0
STARTED = time.monotonic()  # when the command line was loaded (see --timings)


def _say(text: str = "") -> None:
    print(text)


def _warn(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _parameters(pairs: list[str]) -> dict[str, Any]:
    """`--param name=value` pairs; values read as JSON where they parse (numbers, true/false)."""
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise InputError(
                [
                    Mistake(
                        "--param",
                        None,
                        pair,
                        "expected NAME=VALUE",
                        "e.g. --param linearization_level=2",
                    )
                ]
            )
        try:
            parsed[name] = json.loads(raw)
        except json.JSONDecodeError:
            parsed[name] = raw
    return parsed


def _command_solve(args: argparse.Namespace) -> int:
    from rotaplan.check import check
    from rotaplan.problem import load_problem
    from rotaplan.publish import check_output_folder, publish_rota
    from rotaplan.render import full_report
    from rotaplan.solve import Progress, SolveSettings, solve

    problem = load_problem(args.office)
    out = Path(args.out)
    check_output_folder(out, force=args.force)  # refuse before a long solve, not after
    timings = Path(args.timings) if args.timings else None
    if timings is not None:
        _check_timings_file(timings, out)
    settings = SolveSettings(
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        parameters=_parameters(args.param or []),
    )

    def progress(report: Progress) -> None:
        if report.elapsed < PROGRESS_AFTER_SECONDS or args.quiet:
            return
        try:
            _warn(
                f"  {report.elapsed:6.1f} s  {report.stage:<12} best {report.objective:g}  "
                f"bound {report.bound:g}"
            )
        except OSError:
            # stderr closed (`2>&1 | head`): progress is a courtesy; the solve goes on.
            args.quiet = True

    result = solve(problem, settings, progress)
    solved = time.monotonic()
    report = check(problem, result.rota)
    if not report.ok():
        lines = "\n".join(f"  {v.rule}: {v.message}" for v in report.violations)
        raise CheckFailedError(
            "the rota the solver made breaks hard rules (a bug in rotaplan; nothing was "
            f"written):\n{lines}"
        )
    if args.strict and result.rota.shortfalls:
        _say(_shortfall_explanation(problem, result.rota, settings))
        _warn(
            f"{len(result.rota.shortfalls)} shortfall(s) remain; with --strict nothing was written."
        )
        return EXIT_SHORTFALLS
    written = publish_rota(problem, result.rota, out, force=args.force, workers=args.workers)
    if timings is not None:
        _write_timings(timings, result, solved)
    if not args.quiet:
        _say(full_report(problem, result.rota))
    interrupted = " (interrupted: the best complete rota so far)" if result.interrupted else ""
    _say(
        f"\nWrote {len(written)} files to {out}/ (rota.json, planner exports, staff/ calendars) "
        f"in {result.seconds:.1f} s{interrupted}."
    )
    return EXIT_OK


def _check_timings_file(timings: Path, out: Path) -> None:
    """Refuse a --timings path that is a folder or lies in the --out folder (which is
    replaced as a whole, and must hold only what rotaplan writes), before solving."""
    if timings.is_dir():
        raise OutputExistsError(
            f"--timings {timings} is a folder; nothing was written. Name a file, "
            "e.g. --timings timings.json."
        )
    target = out.resolve()
    if target == timings.resolve() or target in timings.resolve().parents:
        raise OutputExistsError(
            f"--timings {timings} is inside the --out folder {out}/; nothing was written. "
            "Name a file outside it, e.g. --timings timings.json."
        )


def _write_timings(path: Path, result: Result, solved: float) -> None:
    """When the run reached each point, as `time.monotonic()` readings, for benchmarks:
    the command line loaded, the first complete rota, the solve done (`proven` too if every
    stage was proven optimal, else null) and every file written. Kept out of rota.json,
    which must not change from run to run."""
    from rotaplan.files import write_atomic
    from rotaplan.solve import Status

    stamps = {
        "clock": "time.monotonic",
        "loaded": STARTED,
        "first_rota": result.first_rota_at,
        "solved": solved,
        "proven": solved if result.status == Status.OPTIMAL else None,
        "written": time.monotonic(),
    }
    write_atomic(path, json.dumps(stamps, indent=2) + "\n")


def _shortfall_explanation(problem: Problem, rota: Rota, settings: SolveSettings) -> str:
    """The explanation `--strict` prints, for the rota just made (not solved again)."""
    from rotaplan.explain import explain_text

    return explain_text(problem, settings, rota=rota)


def _command_check(args: argparse.Namespace) -> int:
    from rotaplan.check import check
    from rotaplan.problem import load_problem
    from rotaplan.render import penalty_breakdown, soft_weights
    from rotaplan.rota import read_rota

    problem = load_problem(args.office)
    rota = read_rota(args.rota)
    report = check(problem, rota)
    if report.violations:
        _say(f"{len(report.violations)} broken rule(s):")
        for violation in report.violations:
            _say(f"  [{violation.rule}] {violation.message}")
    else:
        _say("All hard rules hold.")
    _say("\nSoft goals of this rota (cost per rule)")
    _say(penalty_breakdown(report.penalties, soft_weights(problem)))
    return EXIT_VIOLATIONS if report.violations else EXIT_OK


def _command_explain(args: argparse.Namespace) -> int:
    from rotaplan.explain import explain_text
    from rotaplan.problem import load_problem
    from rotaplan.solve import SolveSettings

    problem = load_problem(args.office)
    settings = SolveSettings(time_limit=args.time_limit, seed=args.seed, workers=args.workers)
    _say(explain_text(problem, settings))
    return EXIT_OK


def _command_schema(args: argparse.Namespace) -> int:
    from rotaplan.config import office_json_schema

    del args
    _say(json.dumps(office_json_schema(), indent=2))
    return EXIT_OK


def _above_zero(convert: Callable[[str], float], what: str, rule: str) -> Callable[[str], float]:
    """An argparse type: `convert` the text, which must name `what` above zero (and finite);
    `rule` says so in the error."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"{text} must be {rule}")
        return value

    return parse


def _solver_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--time-limit",
        type=_above_zero(float, "a number of seconds", "more than 0 seconds, e.g. 20"),
        default=20.0,
        metavar="S",
        help="solver budget in seconds of deterministic work (default 20)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--workers",
        type=_above_zero(int, "a whole number", "at least 1, e.g. 2"),
        default=2,
        help=(
            "cores to use (default 2: the soft goals run two searches side by side and "
            "two processes write the calendars; 1 for a one-core machine). The rota "
            "depends on this number and the seed, never on the machine"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `rotaplan`."""
    parser = argparse.ArgumentParser(
        prog="rotaplan",
        description="Weekly front-office / back-office staff rotas.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks (for developers)")
    commands = parser.add_subparsers(dest="command", required=True)

    solve = commands.add_parser("solve", help="make a rota and write rota.json plus exports")
    solve.add_argument("office", help="the office file (YAML)")
    solve.add_argument("--out", default="rota", help="output folder (default ./rota)")
    _solver_flags(solve)
    solve.add_argument(
        "--strict", action="store_true", help="exit 3 and write nothing if shortfalls remain"
    )
    solve.add_argument("--force", action="store_true", help="replace a rota already in --out")
    solve.add_argument("--quiet", action="store_true", help="print only the summary line")
    solve.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="extra CP-SAT parameter (repeatable)"
    )
    solve.add_argument(
        "--timings",
        metavar="FILE",
        help="also write when the first rota, the solve and the files were done (JSON)",
    )
    solve.set_defaults(handler=_command_solve)

    check = commands.add_parser("check", help="check a rota against every hard rule")
    check.add_argument("office", help="the office file (YAML)")
    check.add_argument("rota", help="the rota file (rota.json)")
    check.set_defaults(handler=_command_check)

    explain = commands.add_parser("explain", help="why each shortfall cannot be avoided")
    explain.add_argument("office", help="the office file (YAML)")
    _solver_flags(explain)
    explain.set_defaults(handler=_command_explain)

    schema = commands.add_parser("schema", help="print the JSON Schema of the office file")
    schema.set_defaults(handler=_command_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as error:
        if args.debug:
            raise
        for mistake in error.mistakes:
            _warn(str(mistake))
        return EXIT_BAD_INPUT
    except OutputExistsError as error:
        if args.debug:
            raise
        _warn(str(error))
        return EXIT_BAD_INPUT
    except CheckFailedError as error:
        if args.debug:
            raise
        _warn(str(error))
        return EXIT_INTERNAL
    except NoRotaError as error:
        if args.debug:
            raise
        _warn(f"No rota: {error}")
        return EXIT_INTERNAL
    except RotaplanError as error:
        if args.debug:
            raise
        _warn(str(error))
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        if args.debug:
            raise
        _warn("Stopped. Nothing was written.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`rotaplan schema | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
