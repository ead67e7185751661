"""Solving: shortfall levels one after the other, then the soft goals.

Stages: `front_seats` (fewest missing seats, then fewest missing counter
minutes), `front_skills`, `back_min`, `back_skills`, then `soft_goals`. After
each stage its value is fixed (proven minimal when the stage is optimal) and
the solution is handed to the next stage as a hint.

Reproducibility: CP-SAT repeats itself when it stops on a proof or on its
deterministic work limit, never on a wall-clock limit. The time limit is
therefore given to CP-SAT as deterministic time (about a second of work on
a typical machine, independent of load); a wall-clock stop at four times the
limit is only a safety net, and a rota that hit it says so in its `stages`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from google.protobuf import text_format
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from rotaplan.errors import InputError, Mistake, NoRotaError
from rotaplan.floor import Floor, mentors_and_trainees, relaxation_of
from rotaplan.interrupt import Interrupted, run_solver, start_solver, wait
from rotaplan.model.balance import balanced
from rotaplan.model.build import BuiltModel, build
from rotaplan.model.context import LEVELS, Expr, ShortfallTerm
from rotaplan.model.fairness import fair_parts
from rotaplan.model.start import filled, lengthened, moved
from rotaplan.neighbourhood import Improvement, SearchIndex, improve, solution_values
from rotaplan.problem import AREAS, Problem
from rotaplan.race import Race
from rotaplan.rota import Assignment, Penalty, Rota, Shortfall

SOFT_STAGE = "soft_goals"
# Share of the whole budget one shortfall stage may use; the soft goals get the rest.
SHORTFALL_STAGE_BUDGET = 0.25
# Share of the budget for one try at a rota without any gap (proves every level at once).
# Where it succeeds it needs little: 0.06 units of work at most on the benchmark offices up to
# 120 people over 2 weeks; 300 people over 4 weeks never succeed, not even in 4 units, and
# the work is better spent on the soft goals (seeds 0-2: 10515 / 11035 / 11146 with 0.05 ->
# 10505 / 10881 / 10942; benchmarks/RESULTS.md).
NO_SHORTFALL_TRIAL_BUDGET = 0.0125
# Wall-clock safety net, as a multiple of the time limit (plus a fixed margin for presolve).
# A net only: 300 people over 4 weeks take 2.5-3.5 wall seconds per unit of work on the
# benchmark machines, and at 3 one run in three stopped on the clock (benchmarks/RESULTS.md).
WALL_CLOCK_FACTOR = 4.0
WALL_CLOCK_MARGIN = 5.0
DEFAULT_LINEARIZATION_LEVEL = 2
# From this many assignment variables on, hints cover every variable (see hint_current_solution).
COMPLETE_HINT_FROM_VARIABLES = 5000
# A stage's budget (`_search`): a first full solve (10 %; the soft goals' searches at the
# objective's lower bound), neighbourhoods (up to 85 % of the rest, fewer once they stop
# improving), then a closing full solve at the lower bound with what is left.
FIRST_SOLVE_SHARE = 0.1
# A shortfall level's first solve gets more: small offices prove their levels in it, and a
# restart from its rota costs more than the search it saves (tight 30-person week, seeds
# 0-4: median 5.3 s with 30 %, 10.0 s with 10 %).
LEVEL_FIRST_SOLVE_SHARE = 0.3
# From this many assignment variables on, a stage with a start of its own (the soft goals'
# traded rota) goes to the neighbourhoods at once. The first full solve is there for its
# bound, and on large offices the floor of certain costs is higher: 120 people over 2 weeks,
# first solve 6.7 s wall for a bound of 2457 against a floor of 2481, the optimum
# (benchmarks/RESULTS.md). A 60-person week (about 1,000 variables) needs the solve's 786
# against a floor of 583.
FIRST_SOLVE_UP_TO_VARIABLES = 3000
NEIGHBOURHOOD_SHARE = 0.85
# The neighbourhoods hand over to the closing solve after this share of their work
# without a better rota.
NEIGHBOURHOOD_PATIENCE = 0.2
# In a race (`_race`) the neighbourhoods hand over sooner: their closing solve is what proves
# the stage, and the other core is no longer waiting for them (60 people, seeds 0-7, two
# workers: 6.7, 8.1, 12.3, 2.8, 4.0, 2.1, 2.5, 1.5 s with 0.2 -> 6.5, 7.0, 8.4, 2.7, 3.3,
# 1.9, 2.9, 1.5 s; benchmarks/RESULTS.md), and never less than RACE_PATIENCE_LEAST units.
# 0.025 and 0.3 (0.38 units at `--time-limit 20`) against 0.05 and 1.0: 60 people, seeds
# 0-7, side by side, 10.1 / 7.4 / 11.8 / 4.1 / 5.2 / 3.7 / 4.1 / 2.2 s of solving ->
# 6.9 / 9.3 / 7.0 / 4.1 / 4.8 / 3.2 / 3.9 / 2.1 s (seeds 0 and 2 again: 10.2 / 12.5 ->
# 8.5 / 6.4 s); the tight week and 30 people within noise.
RACE_PATIENCE = 0.025
RACE_PATIENCE_LEAST = 0.3
# Neighbourhoods only when the first solve left a gap of at least this share of its value
# (and more than 1): nearer the bound, what is left is a proof.
NEIGHBOURHOOD_MIN_GAP = 0.02
# Neighbourhoods that are still improving keep the whole budget while their rota is more than
# this share of its value away from the bound, and always on a large office that skipped
# the first solve (300 people over 4 weeks, seeds 0-2: 10777 / 10962 / 10841 in about 66 s
# with this share -> 10553 / 10962 / 10770 in about 57 s; benchmarks/RESULTS.md).
FAR_GAP = 0.1
# The neighbourhoods of `_search` (offices too large for a race, and every office's shortfall
# levels) solve their sub-models with one presolve pass and no probing: a sub-model is small,
# and on large offices the search gets further on the same work. `trace.py --workers 2`,
# solve time or rota at the work limit or wall clock: 300 people over 4 weeks, seeds 0-2,
# 10488 / 11491 / 11093 -> 10422 / 10763 / 10707; 200 over 3 weeks, seeds 0-1, 49.4 s /
# unproven (4714 against 4697) -> 43.2 / 34.1 s; 120 over 2 weeks, seeds 0-4, median 22.4 ->
# 23.8 s (14.1, 22.9, 18.0, 27.5, 22.4 -> 23.8, 31.7, 17.3, 18.5, 24.7). Not in the race's
# neighbourhoods: 60 people, seeds 0-2, 11.7 / 14.2 / 9.1 s -> 41.5 / 25.3 / 23.2 s there
# (benchmarks/RESULTS.md).
LIGHT_PRESOLVE = True
# Work for the mentors' and trainees' floor (rotaplan/floor.py).
FLOOR_WORK = 0.5


class Status(StrEnum):
    """How good the rota is known to be."""

    OPTIMAL = "optimal"  # every stage proven optimal
    FEASIBLE = "feasible"  # a limit or an interruption ended some stage before its proof


@dataclass(frozen=True)
class SolveSettings:
    """Solver settings from the command line; `parameters` are extra CP-SAT parameters by name."""

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2  # see _Stages.workers and _race
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    """A progress report: the current stage, its best value and bound, seconds since start."""

    stage: str
    objective: float
    bound: float
    elapsed: float


@dataclass(frozen=True)
class StageResult:
    """What one stage achieved and why it stopped."""

    name: str
    status: str  # "optimal" or "feasible"
    value: int
    bound: int
    stopped: str  # "proof", "already zero", "work limit", "wall clock", "interrupted"

    def to_dict(self) -> dict[str, Any]:
        """JSON form for rota.json."""
        return {
            "name": self.name,
            "status": self.status,
            "value": self.value,
            "bound": self.bound,
            "stopped": self.stopped,
        }


@dataclass(frozen=True)
class Result:
    """The rota with how it was found (wall time is not part of the rota)."""

    rota: Rota
    status: Status
    stages: tuple[StageResult, ...]
    seconds: float
    interrupted: bool
    # time.monotonic() when the first complete rota was found (its shortfalls aside): the
    # first solution of the first solve, or the end of that solve without a progress callback
    first_rota_at: float | None = None


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each better solution, and ends the search on one that meets `floor`: a cost
    every rota pays (`_Stages.least`), which CP-SAT itself may not know and would go on
    trying to beat. With one worker the solutions come in a fixed order, so stopping at one
    keeps the run reproducible."""

    def __init__(
        self,
        stage: str,
        started: float,
        progress: Callable[[Progress], None] | None,
        floor: int,
        found: Callable[[], None] = lambda: None,
        race: Race | None = None,
    ) -> None:
        super().__init__()
        self._stage = stage
        self._started = started
        self._progress = progress
        self._floor = floor
        self._found = found
        self._race = race

    def on_solution_callback(self) -> None:
        self._found()
        if self._progress is not None:
            self._progress(
                Progress(
                    self._stage,
                    self.objective_value,
                    self.best_objective_bound,
                    time.monotonic() - self._started,
                )
            )
        value = round(self.objective_value)
        met = self._race is not None and self._race.offer(value)
        if met or (self._floor > 0 and value <= self._floor):
            self.stop_search()


class _Stages:
    """Runs the stages on one model, keeping the budget and the best solution so far."""

    def __init__(
        self,
        built: BuiltModel,
        settings: SolveSettings,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.built = built
        self.settings = settings
        self.progress = progress
        self.started = time.monotonic()
        self.work_left = settings.time_limit
        # Threads per CP-SAT solve: with two or more workers the soft goals race two searches
        # (`_race`) and the other neighbourhoods solve two sub-models at once
        # (`improve(parallel=...)`), and each solve gets half. One solve with two interleaved
        # workers proved the 60-person week's counter seats in 5.4 s where one worker needs
        # 0.06 s.
        self.workers = max(1, settings.workers // 2)
        self.wall_limit = settings.time_limit * WALL_CLOCK_FACTOR + WALL_CLOCK_MARGIN
        self.first_rota_at: float | None = None  # see Result.first_rota_at
        self._solver: cp_model.CpSolver | None = None
        self.results: list[StageResult] = []
        self.ctrl_c = Interrupted()
        # A lower bound on the current stage's objective known before solving: CP-SAT's own
        # bound can be weaker (rotaplan.model.build.BuiltModel.least_penalty).
        self.least = 0
        # What the neighbourhoods read off the model, kept for later stages (SearchIndex).
        self.index: SearchIndex | None = None

    @property
    def solver(self) -> cp_model.CpSolver | None:
        """The solver holding the current rota (None before the first)."""
        return self._solver

    @solver.setter
    def solver(self, solver: cp_model.CpSolver | None) -> None:
        if solver is not None:
            self.found_rota()
        self._solver = solver

    def found_rota(self) -> None:
        """Note the time of the first complete rota."""
        if self.first_rota_at is None:
            self.first_rota_at = time.monotonic()

    def configure(
        self,
        solver: cp_model.CpSolver,
        work: float,
        *,
        bound_first: bool = False,
        light_presolve: bool = False,
    ) -> None:
        """Set a solver's parameters: budget, seed, workers, then the user's extras. With
        `bound_first`, CP-SAT searches at the objective's lower bound (unless the user set
        `use_objective_lb_search` with --param); with `light_presolve`, presolve makes one
        pass without probing (LIGHT_PRESOLVE)."""
        params = solver.parameters
        params.max_deterministic_time = max(work, 0.01)
        params.max_time_in_seconds = max(self.wall_limit - self.elapsed(), 0.01)
        params.random_seed = self.settings.seed
        params.num_workers = self.workers
        # Full linearisation: proves the shortfall levels of tight weeks in milliseconds where
        # the default level needs minutes (benchmarks/RESULTS.md).
        params.linearization_level = DEFAULT_LINEARIZATION_LEVEL
        if self.workers > 1:
            params.interleave_search = True  # keeps multi-worker search deterministic
        if bound_first:
            params.use_objective_lb_search = True
        if light_presolve:
            params.max_presolve_iterations = 1
            params.cp_model_probing_level = 0
        _apply_parameters(params, self.settings.parameters)

    def run(
        self,
        name: str,
        objective: Expr,
        work: float,
        *,
        bound_first: bool = False,
        race: Race | None = None,
    ) -> StageResult:
        """Minimise `objective` with up to `work` deterministic seconds; the objective stays
        set for a further search (`fix` ends the stage). With `bound_first`, CP-SAT searches
        at the objective's lower bound (unless the user set `use_objective_lb_search` with
        --param). With a `race`, the objective is already set, each better bound is told to
        the race, and the rota found is not hinted: the race's other search reads the model
        meanwhile.
        """
        model = self.built.model
        if race is None:
            model.minimize(objective)
        solver = cp_model.CpSolver()
        self.configure(solver, work, bound_first=bound_first)
        if race is not None:
            solver.best_bound_callback = race.raise_bound
        reporter = (
            _Reporter(name, self.started, self.progress, self.least, self.found_rota)
            if self.progress is not None or self.least > 0
            else None
        )
        status = run_solver(solver, model, self.ctrl_c, reporter)
        self.work_left -= solver.deterministic_time
        if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
            raise NoRotaError(
                f"stage {name}: the model has no solution ({solver.status_name(status)}); "
                "this is a bug in rotaplan, please report it with the office file"
            )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if self.solver is None:
                if self.interrupted:
                    raise KeyboardInterrupt  # Ctrl-C before any rota exists: nothing to write
                self.solver = self.empty_rota()  # read with every variable already
            else:
                # No better solution this stage: keep the last rota and read its values.
                self.solver = _evaluate(self.built, self.solver, self.settings)
            stopped = self.why_stopped(solver, work)
            value = int(self.solver.value(objective))
            result = self.unproven(name, value, 0, stopped)
        elif status == cp_model.OPTIMAL:
            value = round(solver.objective_value)
            result = StageResult(name, "optimal", value, value, "proof")
            self.solver = solver
        else:
            value = round(solver.objective_value)
            bound = round(solver.best_objective_bound)
            result = self.unproven(name, value, bound, self.why_stopped(solver, work))
            self.solver = solver
        if race is None:
            self.hint_current_solution()
        return result

    def empty_rota(self) -> cp_model.CpSolver:
        """The rota where nobody works, for a first stage whose budget ran out before CP-SAT
        found any rota (a large office with a small --time-limit): every hard rule holds in
        it and every seat and minimum is a gap, which the later stages and the back-office
        fill then work down."""
        nobody = {var.index: 0 for var in self.built.ctx.vars.all()}
        try:
            return _evaluate_values(self.built, nobody, self.settings)
        except NoRotaError:
            raise NoRotaError(
                "no rota was found within the time limit; raise --time-limit and try again"
            ) from None

    def start_soft_floor(self) -> Callable[[], int]:
        """Start working out what every rota's soft goals cost at least; the function
        returned waits for it. That is each term's own least; on an office large enough
        to skip the first solve (FIRST_SOLVE_UP_TO_VARIABLES), whose bound this floor is,
        the mentors' and trainees' terms are raised together to the bound CP-SAT proves
        on their relaxation (rotaplan/floor.py), in a solve that runs while the caller
        makes the start (300 people over 4 weeks: 0.9 s of floor beside 0.9 s of
        trades). A smaller office's first solve proves a higher bound by itself (60
        people: 786 against 583, mentors or not). Needs the soft rules added; keeps the
        index it reads for the neighbourhoods."""
        least = self.built.least_penalty()
        people = mentors_and_trainees(self.built.ctx.problem)
        large = len(self.built.ctx.vars.all()) >= FIRST_SOLVE_UP_TO_VARIABLES
        if not people or not large or self.interrupted:
            return lambda: least
        self.index = SearchIndex.of(self.built, self.index)
        own, relaxed = relaxation_of(self.index, people)
        if relaxed is None:
            return lambda: least
        solver = cp_model.CpSolver()
        self.configure(solver, FLOOR_WORK)
        status = start_solver(solver, relaxed, self.ctrl_c)

        def floor() -> int:
            raised = Floor.of(own, _proven(solver, status()))
            self.work_left -= solver.deterministic_time
            return least + raised.proven - raised.least

        return floor

    def unproven(self, name: str, value: int, bound: int, stopped: str) -> StageResult:
        """The result of a solve that ended before its proof; `least` may still prove it."""
        bound = max(bound, self.least)
        if value <= bound:
            return StageResult(name, "optimal", value, value, "proof")
        return StageResult(name, "feasible", value, bound, stopped)

    def fix(self, objective: Expr, result: StageResult) -> None:
        """Keep a finished stage's value in every later stage and record the stage."""
        model = self.built.model
        model.clear_objective()
        if result.status == "optimal":
            model.add(objective == result.value)
        else:
            model.add(objective <= result.value)
        self.results.append(result)
        if self.progress is not None:
            self.progress(Progress(result.name, result.value, result.bound, self.elapsed()))

    def try_no_shortfalls(self, work: float) -> bool:
        """One feasibility solve with every gap at zero; if it succeeds, all levels are proven.

        Most weeks have no unavoidable gap. Proving four zero levels one by one cost 18 s
        on 300 people over 4 weeks; one solve that finds a rota without gaps proves them
        all. If it fails within `work`, the levels are solved one by one as usual.
        """
        model = self.built.model
        missing = [term.missing for term in self.built.shortfalls]
        if not missing:
            return False
        trial = model.clone()
        trial.add(cp_model.LinearExpr.sum(missing) == 0)
        solver = cp_model.CpSolver()
        self.configure(solver, work)
        large = len(self.built.ctx.vars.all()) >= FIRST_SOLVE_UP_TO_VARIABLES
        solving = start_solver(solver, trial, self.ctrl_c)
        try:
            if large and self.index is None:
                # A large office's search reads the model into its index on the main path
                # (`_search`); what the model has now is read here, beside the trial's solve
                # of its copy (300 people over 4 weeks: 0.5 s of reading beside 0.7 s).
                self.index = SearchIndex.of(self.built)
        finally:  # no solve is left running, whatever happens
            status = solving()
        self.work_left -= solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if self.interrupted:
                raise KeyboardInterrupt  # Ctrl-C before any rota exists: nothing to write
            return False
        for term in self.built.shortfalls:
            model.add(term.missing == 0)
        self.solver = solver  # same variable indices as the model
        self.hint_current_solution()
        for level in LEVELS:
            self.results.append(StageResult(level, "optimal", 0, 0, "already zero"))
        return True

    def fill_back_office(self) -> None:
        """Add back-office blocks to the current rota wherever hours allow, move back-office
        blocks from blocks with people to spare to blocks short of their minimum, and hint it.

        Keeps every hard rule and every fixed level (cover only counts up, and a move leaves
        its block at its minimum and skill needs); most back-office gaps of the shortfall
        stages' rota close this way without a solve (300 people over 4 weeks: all of them),
        and the soft goals start near everyone's share (rotaplan/model/start.py).
        """
        assignments = self.built.ctx.vars
        more = self.changed_rota(
            lambda values: lengthened(assignments, moved(assignments, filled(assignments, values)))
        )
        if more is not None:
            self.solver = more
            self.hint_current_solution()

    def balanced_rota(self) -> cp_model.CpSolver | None:
        """The current rota with counter blocks traded towards everyone's fair part
        (rotaplan/model/balance.py), read by a solver; None if no trade helps.

        It is not hinted: the first soft-goal solve proves small offices fastest from the
        shortfall stages' rota (benchmarks/RESULTS.md); the neighbourhoods start from
        whichever is better.
        """
        ctx = self.built.ctx
        if ctx.counter_minutes is None:
            return None
        fair = fair_parts(ctx.problem, ctx.counter_minutes)
        return self.changed_rota(lambda values: balanced(ctx.vars, values, fair))

    def changed_rota(
        self, change: Callable[[dict[int, int]], dict[int, int]]
    ) -> cp_model.CpSolver | None:
        """The current rota after `change` (assignment values by variable index in and out),
        read by a solver on the whole model; None if there is no rota yet, nothing changed,
        or the model refuses the result. The start heuristics keep every rule by
        construction; the re-check makes a missed rule cost a better start, never a rule.
        """
        if self.solver is None or self.interrupted:
            return None
        current = _assignment_values(self.built, self.solver)
        changed = change(current)
        if changed == current:
            return None
        try:
            return _evaluate_values(self.built, changed, self.settings)
        except NoRotaError:
            return None

    def fix_known_zero(self, name: str, terms: list[ShortfallTerm]) -> bool:
        """Fix a level to zero without solving if the current solution already has no gap."""
        if self.solver is None:
            return False
        solver = self.solver
        if any(term.need - solver.value(term.covered) > 0 for term in terms):
            return False
        for term in terms:
            self.built.model.add(term.missing == 0)
        self.results.append(StageResult(name, "optimal", 0, 0, "already zero"))
        return True

    def hint_current_solution(self) -> None:
        """Hint the current rota for the next stage.

        Small models get the assignments only; large ones get every variable.
        Measured on generated offices (`benchmarks/generate.py`): at 60 people a
        week the soft stage proved optimal in 21 s from the assignments and
        needed 50 s from a complete hint (the search stays near the hint); at
        300 people over 4 weeks CP-SAT spent 40 s repairing an incomplete hint
        that it accepts at once when complete. Soft-rule variables added since
        the last solve get their values by propagation with the rota fixed.
        """
        assert self.solver is not None
        model = self.built.model
        complete = len(self.built.ctx.vars.all()) >= COMPLETE_HINT_FROM_VARIABLES
        if complete and len(self.solver.response_proto.solution) < len(model.proto.variables):
            self.solver = _evaluate(self.built, self.solver, self.settings)
        _hint(self.built, model, self.solver.response_proto.solution)

    def elapsed(self) -> float:
        """Wall seconds since the solve started."""
        return time.monotonic() - self.started

    @property
    def interrupted(self) -> bool:
        """True once Ctrl-C stopped a solve."""
        return self.ctrl_c.happened

    def why_stopped(self, solver: cp_model.CpSolver, work: float) -> str:
        """Why an unproven solve ended: an interruption, the wall clock, or its work limit."""
        if self.interrupted:
            return "interrupted"
        if solver.deterministic_time < 0.98 * work and self.elapsed() >= 0.98 * self.wall_limit:
            return "wall clock"
        return "work limit"


def _hint(
    built: BuiltModel, model: cp_model.CpModel, solution: Sequence[int] | Mapping[int, int]
) -> None:
    """Hint `model` (the built model or a clone of it) with `solution` (values by variable
    index): the assignments only, or every variable from COMPLETE_HINT_FROM_VARIABLES
    assignment variables on (see `_Stages.hint_current_solution`)."""
    model.clear_hints()
    assignments = built.ctx.vars.all()
    if len(assignments) < COMPLETE_HINT_FROM_VARIABLES:
        for var in assignments:
            model.add_hint(var, bool(solution[var.index]))
        return
    count = len(model.proto.variables)
    hint = model.proto.solution_hint  # written whole: add_hint one by one took 0.15 s
    hint.vars.extend(range(count))
    hint.values.extend([solution[index] for index in range(count)])


def _apply_parameters(params: Any, extra: Mapping[str, Any]) -> None:
    """Merge extra CP-SAT parameters given by name; an unknown name or bad value is an InputError.

    Values are checked on the protocol-buffer form (enum values by name or number),
    then merged into the solver's parameters as text format.
    """
    if not extra:
        return
    message = sat_parameters_pb2.SatParameters()
    for name, value in extra.items():
        field = message.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            raise InputError(
                [
                    Mistake(
                        "--param",
                        None,
                        name,
                        "not a CP-SAT parameter",
                        "see sat_parameters.proto in OR-Tools for the names",
                    )
                ]
            )
        try:
            if field.enum_type is not None and isinstance(value, str):
                value = field.enum_type.values_by_name[value].number
            setattr(message, name, value)
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(
                [Mistake("--param", None, name, f"bad value {value!r} ({error})", "")]
            ) from None
    params.merge_text_format(text_format.MessageToString(message))


def solve(
    problem: Problem,
    settings: SolveSettings | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Make the rota: shortfalls level by level, then soft goals. Never prints."""
    settings = settings or SolveSettings()
    built = build(problem)
    stages = _Stages(built, settings, progress)
    no_gaps = stages.try_no_shortfalls(settings.time_limit * NO_SHORTFALL_TRIAL_BUDGET)

    for level in LEVELS:
        if stages.interrupted or no_gaps:
            break
        terms = [term for term in built.shortfalls if term.level == level]
        if not terms:
            stages.results.append(StageResult(level, "optimal", 0, 0, "already zero"))
            continue
        if level.startswith("back"):
            stages.fill_back_office()
        if stages.fix_known_zero(level, terms):
            continue
        work = min(stages.work_left, settings.time_limit * SHORTFALL_STAGE_BUDGET)
        level_objective = _level_objective(level, terms)
        stages.fix(level_objective, _search(stages, level, level_objective, work))

    solver = stages.solver
    if solver is None:  # every level was empty: nothing is demanded at all
        solver = _solve_plain(built, settings)
        stages.solver = solver

    counter_minutes = sum(
        term.slot.minutes * (term.need - solver.value(term.missing))
        for term in built.shortfalls
        if term.level == "front_seats"
    )
    built.add_soft_rules(counter_minutes)
    stages.fill_back_office()
    stages.hint_current_solution()
    floor = stages.start_soft_floor()
    try:
        balanced_start = stages.balanced_rota()
    finally:  # no solve is left running, whatever happens
        stages.least = floor()
    objective: Expr = sum(
        (term.weight * term.amount for term in built.penalties if term.weight), start=0
    )
    if stages.interrupted or isinstance(objective, int):
        if not stages.interrupted:
            stages.results.append(StageResult(SOFT_STAGE, "optimal", 0, 0, "already zero"))
        stages.solver = _evaluate(built, stages.solver, settings)
    else:
        stages.results.append(
            _search(stages, SOFT_STAGE, objective, stages.work_left, balanced_start)
        )

    final = stages.solver
    assert final is not None
    results = tuple(stages.results)
    status = (
        Status.OPTIMAL
        if all(result.status == "optimal" for result in results) and not stages.interrupted
        else Status.FEASIBLE
    )
    soft_result = next((r for r in results if r.name == SOFT_STAGE), None)
    rota = Rota(
        office=problem.office_name,
        start=problem.start,
        end=problem.end,
        status=status.value,
        objective=soft_result.value if soft_result else None,
        bound=soft_result.bound if soft_result else None,
        assignments=_assignments(built, final),
        shortfalls=_shortfalls(built, final),
        penalties=_penalties(built, final),
        fingerprint=problem.fingerprint,
        settings={
            "time_limit": settings.time_limit,
            "seed": settings.seed,
            "workers": settings.workers,
            **({"parameters": dict(settings.parameters)} if settings.parameters else {}),
        },
        stages=tuple(result.to_dict() for result in results),
    )
    return Result(
        rota=rota,
        status=status,
        stages=results,
        seconds=time.monotonic() - stages.started,
        interrupted=stages.interrupted,
        first_rota_at=stages.first_rota_at,
    )


def _search(
    stages: _Stages,
    name: str,
    objective: Expr,
    budget: float,
    alternative: cp_model.CpSolver | None = None,
) -> StageResult:
    """Minimise `objective` with up to `budget` work: a full solve, then neighbourhoods if
    unproven, then a closing full solve. The objective is left unfixed. The neighbourhoods
    start from the first solve's rota or from `alternative`'s, whichever costs less; a
    large office with an `alternative` starts from it without the first solve
    (FIRST_SOLVE_UP_TO_VARIABLES) and has no closing solve either: its neighbourhoods go
    on, with the next seed each time they stall, until the budget ends or the rota meets
    the floor (`_Stages.least`), which proves it, as it does on any stage.

    A shortfall level's first solve uses CP-SAT's default search, which proves small levels
    at once; the soft goals' first solve searches at the objective's lower bound
    (`use_objective_lb_search`): it is there for the bound, which the neighbourhoods cannot
    raise, and it often proves the stage by itself (60 people, seeds 0-7: median 6.4 ->
    2.8 s; benchmarks/RESULTS.md). The neighbourhoods improve the rota until they stall;
    the closing solve starts from the best rota and searches at the lower bound too, which
    raised the bound to the optimum where the default search did not (a tight 30-person
    week: proven in 9 s instead of unproven after 28 s).
    """
    built = stages.built
    budget = max(budget, 0.05)
    spent = stages.work_left

    def adopt(bound: int, stopped: str) -> StageResult:
        """Go on from `alternative`'s rota; proven if it meets `bound` or the floor."""
        assert alternative is not None
        built.model.minimize(objective)
        stages.solver = alternative
        stages.hint_current_solution()
        return stages.unproven(name, int(alternative.value(objective)), bound, stopped)

    start = None if alternative is None else int(alternative.value(objective))
    # A start at the floor needs no search. On a large office the traded start is far better
    # than what the first solve finds, and the floor a better bound than the one it proves
    # (see FIRST_SOLVE_UP_TO_VARIABLES).
    skipped = start is not None and (
        start <= stages.least or len(built.ctx.vars.all()) >= FIRST_SOLVE_UP_TO_VARIABLES
    )
    if not skipped and name == SOFT_STAGE and stages.settings.workers > 1:
        return _race(stages, objective, budget, alternative)
    if skipped:
        first = adopt(0, "work limit")
    else:
        soft = name == SOFT_STAGE
        share = FIRST_SOLVE_SHARE if soft else LEVEL_FIRST_SOLVE_SHARE
        first = stages.run(name, objective, budget * share, bound_first=soft)
    if first.status == "optimal" or stages.interrupted:
        return first

    if start is not None and start < first.value:
        first = adopt(first.bound, first.stopped)
        if first.status == "optimal":
            return first
    solver = stages.solver
    assert solver is not None

    def left() -> float:
        return budget - (spent - stages.work_left)

    if left() < 0.1:
        return first
    gap = first.value - first.bound
    if gap <= 1 or gap < NEIGHBOURHOOD_MIN_GAP * first.value:
        # Close to the bound: proving is the work left, which neighbourhoods cannot do.
        return _close(stages, name, objective, first, left())

    def report(value: int) -> None:
        if stages.progress is not None:
            stages.progress(Progress("neighbourhoods", value, first.bound, stages.elapsed()))

    def stop() -> bool:
        """End the search on the wall clock, or when Ctrl-C stopped a sub-solve."""
        return stages.interrupted or stages.elapsed() >= stages.wall_limit

    def solve_with(solver: cp_model.CpSolver, model: cp_model.CpModel) -> Any:
        return run_solver(solver, model, stages.ctrl_c)

    # Read off the model once for both calls below; what earlier stages read is kept.
    index = stages.index = SearchIndex.of(built, stages.index)
    # Soft goals whose bound came from a first solve: once the rota is as near that bound as
    # NEIGHBOURHOOD_MIN_GAP, the closing solve finishes faster than more neighbourhoods
    # (60 people, seeds 0-3: 9.5 / 5.0 / 6.7 / 5.3 s -> 5.2 / 4.8 / 7.9 / 5.4 s; seed 0 took
    # 6.6 s of neighbourhoods for the last 3 points of 789). Not for the levels: the tight
    # week's seed 1 went from 5.0 to 14.7 s.
    close_at = (
        first.bound + max(1, int(NEIGHBOURHOOD_MIN_GAP * first.bound))
        if name == SOFT_STAGE and not skipped
        else None
    )

    def neighbourhoods(
        start: dict[int, int], value: int, work: float, rounds: int = 0
    ) -> Improvement:
        found = improve(
            built,
            start,
            value,
            first.bound,
            work,
            stages.settings.seed + rounds,
            lambda sub: stages.configure(sub, 0.0, light_presolve=LIGHT_PRESOLVE),
            solve_with,
            stop,
            report,
            patience=max(NEIGHBOURHOOD_PATIENCE * work, 1.0),
            index=index,
            close_at=close_at,
            parallel=stages.settings.workers // stages.workers,
            wait=lambda event: wait(event, stages.ctrl_c),
        )
        stages.work_left -= found.work
        return found

    count = len(built.model.proto.variables)
    better = neighbourhoods(
        solution_values(solver, count), first.value, left() * NEIGHBOURHOOD_SHARE
    )
    if (
        not better.stalled
        and (skipped or better.objective - first.bound > FAR_GAP * better.objective)
        and left() > 0.1
        and not stop()
    ):
        # Still improving and far from the bound, or on a large office whose bound is the
        # floor: the closing solve would not close the gap (300 people over 4 weeks: not
        # once), more neighbourhoods do.
        better = neighbourhoods(better.values, better.objective, left())
    rounds = 0
    while (
        skipped
        and better.stalled
        and better.objective > first.bound
        and left() > 0.1
        and not stop()
    ):
        # A large office whose neighbourhoods stall goes on with neighbourhoods drawn with
        # the next seed rather than the closing full solve, which is slow there and has
        # nothing to prove against the floor (120 people over 2 weeks, seed 1: stalled 5
        # above the floor, and the closing solve ran 69 s into the wall-clock net without
        # a better rota; with more neighbourhoods proven in 36 s; benchmarks/RESULTS.md).
        rounds += 1
        better = neighbourhoods(better.values, better.objective, left(), rounds)
    values, value = better.values, better.objective
    stages.solver = _evaluate_values(built, values, stages.settings)
    stages.hint_current_solution()
    if value <= first.bound:  # meets the bound the first solve proved
        return StageResult(name, "optimal", value, value, "proof")
    if stages.interrupted or stages.elapsed() >= stages.wall_limit or left() < 0.05:
        stopped = (
            "interrupted"
            if stages.interrupted
            else ("wall clock" if stages.elapsed() >= stages.wall_limit else "work limit")
        )
        return StageResult(name, "feasible", value, first.bound, stopped)
    return _close(stages, name, objective, first, left())


@dataclass(frozen=True)
class _Track:
    """Where the race's second search ended: its rota, the bound its closing solve proved,
    the work it used and why it stopped."""

    values: dict[int, int]
    value: int
    solver: cp_model.CpSolver | None  # the closing solve, if it found a better rota
    bound: int
    work: float
    stopped: str


def _race(
    stages: _Stages, objective: Expr, budget: float, alternative: cp_model.CpSolver | None
) -> StageResult:
    """The soft goals with two searches side by side (`--workers 2` or more): here the
    lower-bound first solve with FIRST_SOLVE_SHARE of `budget`, and in a second thread the
    neighbourhoods from `alternative` (else the current rota) and then a closing solve at
    the bound with the rest. The search one after the other spends most of its wall time
    waiting for one of them: the first solve reaches the optimum's bound early and then
    looks for rotas, or the neighbourhoods find the optimum and go on until their patience
    ends (rotaplan/race.py says why the result does not depend on timing).

    The first solve's own proof wins; otherwise the better rota of the two (the second's
    on a tie), proven if it meets the best bound either found or the floor. A first solve
    that ends unproven leaves its core to `_bound_again` (60 people, seed 2, whose first
    bound stays at 617: 10.3 -> 5.9 s of solving).
    """
    built = stages.built
    model = built.model
    model.minimize(objective)
    start = (  # a rota with every variable
        alternative if alternative is not None else _evaluate(built, stages.solver, stages.settings)
    )
    count = len(model.proto.variables)
    values = solution_values(start, count)
    value = int(start.value(objective))
    race = Race(stages.least)
    outcome: dict[str, Any] = {}
    done = threading.Event()
    first_work = budget * FIRST_SOLVE_SHARE

    def second() -> None:
        try:
            outcome["track"] = _second_track(stages, values, value, budget - first_work, race)
        except BaseException as error:  # handed to the main thread below
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=second, name="neighbourhoods", daemon=True).start()
    try:
        first = stages.run(SOFT_STAGE, objective, first_work, bound_first=True, race=race)
        if first.status == "optimal" or stages.interrupted:
            race.cancel()
        elif not race.over():
            _bound_again(stages, first_work, race)
    except BaseException:
        race.cancel()
        raise
    finally:
        wait(done, stages.ctrl_c)
    if "error" in outcome:
        raise outcome["error"]
    track: _Track = outcome["track"]
    stages.work_left -= track.work
    if first.status == "optimal":
        stages.hint_current_solution()
        return first
    if track.value <= first.value:
        stages.solver = (
            track.solver
            if track.solver is not None
            else _evaluate_values(built, track.values, stages.settings)
        )
    stages.hint_current_solution()
    best = min(first.value, track.value)
    # Every bound either search proved; the race's own is the same whatever the timing unless
    # a search was ended early, which only happens once `best` meets it.
    bound = max(first.bound, track.bound, race.bound)
    if best <= bound:
        return StageResult(SOFT_STAGE, "optimal", best, best, "proof")
    stopped = "interrupted" if stages.interrupted else track.stopped
    return StageResult(SOFT_STAGE, "feasible", best, bound, stopped)


def _bound_again(stages: _Stages, work: float, race: Race) -> None:
    """A lower-bound solve of the model with the next seed and up to `work`, for the race's
    bound only (its rotas are not used)."""
    solver = cp_model.CpSolver()
    stages.configure(solver, work, bound_first=True)
    solver.parameters.random_seed = stages.settings.seed + 1
    solver.best_bound_callback = race.raise_bound
    race.bounding(solver)
    try:
        status = run_solver(solver, stages.built.model, stages.ctrl_c)
    finally:
        race.bounding(None)
    stages.work_left -= solver.deterministic_time
    bound = _proven(solver, status)
    if bound is not None:
        race.raise_bound(bound)


def _second_track(
    stages: _Stages,
    start: dict[int, int],
    value: int,
    work: float,
    race: Race,
) -> _Track:
    """The race's second search: neighbourhoods from `start`, then a closing solve from
    their rota on a copy of the model. Runs in its own thread: it reads the model, whose
    objective is set, and changes nothing of `stages`."""
    index = SearchIndex.of(stages.built, stages.index)

    def solve_with(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Any = None) -> Any:
        race.running(solver)
        try:
            return run_solver(solver, model, stages.ctrl_c, callback)
        finally:
            race.running(None)

    def stop() -> bool:
        return stages.interrupted or stages.elapsed() >= stages.wall_limit or race.over()

    def report(found: int) -> None:
        race.offer(found)
        if stages.progress is not None:
            stages.progress(Progress("neighbourhoods", found, race.bound, stages.elapsed()))

    neighbourhood_work = work * NEIGHBOURHOOD_SHARE
    found = improve(
        stages.built,
        start,
        value,
        stages.least,
        neighbourhood_work,
        stages.settings.seed,
        lambda sub: stages.configure(sub, 0.0),
        solve_with,
        stop,
        report,
        patience=max(RACE_PATIENCE * neighbourhood_work, RACE_PATIENCE_LEAST),
        index=index,
    )
    left = work - found.work
    if stop() or left < 0.05:
        stopped = "interrupted" if stages.interrupted else "work limit"
        return _Track(found.values, found.objective, None, 0, found.work, stopped)
    closing = stages.built.model.clone()
    _hint(stages.built, closing, found.values)
    solver = cp_model.CpSolver()
    stages.configure(solver, left, bound_first=True)
    solver.best_bound_callback = race.raise_bound  # its proof also ends `_bound_again`
    reporter = _Reporter(
        SOFT_STAGE, stages.started, stages.progress, stages.least, stages.found_rota, race
    )
    status = solve_with(solver, closing, reporter)
    used = found.work + solver.deterministic_time
    bound = _proven(solver, status)
    if bound is None:
        stopped = stages.why_stopped(solver, left)
        return _Track(found.values, found.objective, None, 0, used, stopped)
    closed = round(solver.objective_value)
    race.raise_bound(bound)
    better = solver if closed < found.objective else None
    stopped = "proof" if status == cp_model.OPTIMAL else stages.why_stopped(solver, left)
    return _Track(found.values, min(closed, found.objective), better, bound, used, stopped)


def _proven(solver: cp_model.CpSolver, status: Any) -> int | None:
    """The lower bound a finished solve proved on its objective: the optimum, else its best
    bound (objectives are whole numbers, so 785.2 means 786); None if it found no rota."""
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if status == cp_model.FEASIBLE:
        return math.ceil(solver.best_objective_bound - 1e-6)
    return None


def _close(
    stages: _Stages, name: str, objective: Expr, first: StageResult, work: float
) -> StageResult:
    """The closing full solve of `_search`: from the best rota, at the objective's bound."""
    closing = stages.run(name, objective, max(work, 0.05), bound_first=True)
    bound = max(first.bound, closing.bound)
    if closing.status == "optimal" or closing.value <= bound:
        return StageResult(name, "optimal", closing.value, closing.value, "proof")
    return StageResult(name, "feasible", closing.value, bound, closing.stopped)


def _level_objective(level: str, terms: list[ShortfallTerm]) -> Expr:
    missing = cp_model.LinearExpr.sum([term.missing for term in terms])
    if level != "front_seats":
        return missing
    # Fewest missing seats first; among those, fewest missing counter minutes, so
    # the counter minutes to share out fairly are the same in every later stage.
    minutes = cp_model.LinearExpr.weighted_sum(
        [term.missing for term in terms], [term.slot.minutes for term in terms]
    )
    most_minutes = sum(term.need * term.slot.minutes for term in terms)
    return missing * (most_minutes + 1) + minutes


def _solve_plain(built: BuiltModel, settings: SolveSettings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = max(settings.time_limit, 0.01)
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = 1
    status = run_solver(solver, built.model, Interrupted())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoRotaError("no rota was found within the time limit; raise --time-limit")
    return solver


def _evaluate(
    built: BuiltModel, solver: cp_model.CpSolver | None, settings: SolveSettings
) -> cp_model.CpSolver:
    """Re-solve with every assignment fixed, to read the exact soft costs of that rota."""
    assert solver is not None
    return _evaluate_values(built, _assignment_values(built, solver), settings)


def _assignment_values(built: BuiltModel, solver: cp_model.CpSolver) -> dict[int, int]:
    """Every assignment variable's value in `solver`'s solution, by variable index."""
    return {var.index: int(solver.boolean_value(var)) for var in built.ctx.vars.all()}


def _evaluate_values(
    built: BuiltModel, values: dict[int, int], settings: SolveSettings
) -> cp_model.CpSolver:
    """Re-solve with every assignment fixed to `values` (by variable index)."""
    copy = built.model.clone()
    copy.clear_objective()
    copy.clear_hints()
    for var in built.ctx.vars.all():
        domain = copy.proto.variables[var.index].domain
        domain[0] = values[var.index]
        domain[1] = values[var.index]
    evaluator = cp_model.CpSolver()
    evaluator.parameters.num_workers = 1
    evaluator.parameters.random_seed = settings.seed
    status = run_solver(evaluator, copy, Interrupted())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoRotaError("the rota found could not be evaluated; this is a bug in rotaplan")
    return evaluator


def _assignments(built: BuiltModel, solver: cp_model.CpSolver) -> tuple[Assignment, ...]:
    problem = built.ctx.problem
    result = []
    for slot in problem.slots:
        for area in AREAS:
            for person, var in built.ctx.vars.in_slot(slot.key, area):
                if solver.boolean_value(var):
                    result.append(
                        Assignment(
                            staff=person.id,
                            date=slot.date,
                            block=slot.block,
                            area=area,
                            start=slot.start.isoformat(),
                            end=slot.end.isoformat(),
                        )
                    )
    order = {person.id: index for index, person in enumerate(problem.people)}
    slot_order = {slot.key: index for index, slot in enumerate(problem.slots)}
    return tuple(
        sorted(
            result,
            key=lambda item: (
                slot_order[(item.date, item.block)],
                AREAS.index(item.area),
                order[item.staff],
            ),
        )
    )


def _shortfalls(built: BuiltModel, solver: cp_model.CpSolver) -> tuple[Shortfall, ...]:
    gaps = []
    for term in built.shortfalls:
        missing = term.need - int(solver.value(term.covered))
        if missing > 0:
            gaps.append(Shortfall(term.slot.date, term.slot.block, term.area, term.what, missing))
    return tuple(gaps)


def _penalties(built: BuiltModel, solver: cp_model.CpSolver) -> tuple[Penalty, ...]:
    def value_of(expr: Expr) -> int:
        return int(solver.value(expr))

    penalties = []
    for term in built.penalties:
        cost = term.weight * value_of(term.amount)
        if cost > 0:
            penalties.append(
                Penalty(term.rule, term.staff, cost, term.describe(value_of), term.week)
            )
    return tuple(penalties)
