"""Large-neighbourhood search: re-optimise a few people or days at a time.

CP-SAT with one worker proves a small office quickly but improves a large
one slowly: on 300 people over 4 weeks its first soft-goal solution was the
hint itself after 40 seconds. Re-solving small neighbourhoods with every
other assignment fixed moves much faster. Five kinds: everyone on one or
two days; people far above their fair part of the counter with people far
below it (the trade fairness needs); the costliest people with others drawn
at random; people drawn at random; one person whose hours or practice in a
week cost more than they must, with the people at the counter in the blocks
they could sit in, for that week only (cheap steps that close the last
half-hour gaps and give trainees their practice). Each kind is tried once,
then drawn in proportion to what it gained per unit of work lately. A
trainee is always freed with their mentor, since they only sit at the
counter together. The run stays deterministic: the neighbourhoods come from
a seeded random generator and every sub-solve stops on deterministic work,
never on the clock.

With two cores and no race beside it, two sub-solves run at once
(`improve(parallel=2)`): each step is drawn from the rota with every step
but the last PIPELINE_LAG taken in, away from the people of the steps still
running, and is taken in, in step order, where its changes still keep every
rule they share with the steps it did not see. So no core waits for the
other, and the rota depends only on the seed and the work limits.

The shortfall stages use the same search (`rotaplan.solve._search`): on
300 people over 4 weeks, day neighbourhoods close the back-office gaps a
full solve needed 8 s for.
"""

from __future__ import annotations

import random
import threading
from collections import ChainMap, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from rotaplan.model.build import BuiltModel
from rotaplan.model.context import PenaltyTerm
from rotaplan.model.fairness import fair_parts

# Work (deterministic seconds) one neighbourhood may use; small keeps many tries per budget.
STEP_WORK = 0.2
# The first neighbourhood frees this share of the people, or fewer: about
# START_FREE_VARIABLES assignment variables. Sizes grow after proofs, shrink after time-outs.
START_SHARE = 0.3
START_FREE_VARIABLES = 1000
# Kinds of neighbourhood (see `improve`), drawn by what each gained per unit of work lately.
DAYS, TRADE, COSTLY, ANYONE, AROUND = range(5)
KINDS = 5
# Weight of the latest step in a kind's smoothed gain rate: the kinds that pay change as
# the rota improves, and following them sooner paid on 300 people over 4 weeks (seeds 0-9,
# `trace.py --workers 2`: median 10511, worst 10872 with 0.3; 10494 and 10651 with 0.5;
# 0.15 worse at seeds 0-4; benchmarks/RESULTS.md).
RATE_MEMORY = 0.5
RATE_FLOOR = 0.1  # a kind is drawn at least this often relative to the best one
MIN_PEOPLE = 3
# How often `around` frees a mentor's group for the whole period (`Picker.group`) rather
# than one week, when the person drawn has a mentor or trainees.
GROUP_SHARE = 0.5
# Work charged per step on top of the solver's own count, for cutting out the sub-model
# (Python) and presolving it, which CP-SAT's deterministic time leaves out. Measured on 300
# people over 4 weeks (22,000 variables): 40 ms to cut out a sub-model, 0.1 s wall for a
# sub-solve that proves in 0.02 s of work. Charging by the sub-model's own size instead
# (0.01 + 2e-5 a variable) measured no better and slower (benchmarks/RESULTS.md).
STEP_OVERHEAD = 0.01
STEP_OVERHEAD_PER_VARIABLE = 2e-6
# A helper variable moves with the freed assignments if a constraint links them that
# mentions at most this many helper variables (see SubModels).
EXPAND_LIMIT = 20


# People (or, for `Picker.days`, dates) in the neighbourhoods of steps still running.
Busy = frozenset[Any]


@dataclass(frozen=True)
class Improvement:
    """The best values found, their objective, and how much work the search used."""

    values: dict[int, int]  # proto variable index -> value, for every variable
    objective: int
    work: float
    steps: int
    improved: int
    stalled: bool  # ended by `patience`, not by the work limit or the bound


def solution_values(solver: cp_model.CpSolver, count: int) -> dict[int, int]:
    """Every variable's value in the solver's last solution."""
    solution = solver.response_proto.solution
    return {index: int(solution[index]) for index in range(count)}


def improve(
    built: BuiltModel,
    start: dict[int, int],
    value: int,
    bound: int,
    work: float,
    seed: int,
    configure: Callable[[cp_model.CpSolver], None],
    solve_with: Callable[[cp_model.CpSolver, cp_model.CpModel], Any],
    stop: Callable[[], bool],
    report: Callable[[int], None] | None = None,
    patience: float | None = None,
    index: SearchIndex | None = None,
    close_at: int | None = None,
    parallel: int = 1,
    wait: Callable[[threading.Event], Any] = threading.Event.wait,
) -> Improvement:
    """Re-optimise neighbourhoods of the rota `start` (every variable's value by proto index,
    objective `value`) for up to `work`
    deterministic seconds, or until the objective meets the proven `bound`.

    The model's objective must be set; `configure` sets each
    sub-solver's parameters (seed, workers, extra parameters) before its limit;
    `solve_with(solver, model)` runs a sub-solve; `stop()` is asked before each step
    whether to end the search (wall clock past its limit, or Ctrl-C). With
    `patience`, the search also ends once that much work went by without a better rota.
    `index` is what `SearchIndex.of(built)` reads off the model, kept between searches
    on the same model (it takes 1 s on 300 people over 4 weeks). With `close_at`, the
    search also ends once the objective is at most that.

    With `parallel` above 1, that many sub-solves run at once, each in its own thread
    (`wait(event)` waits for one to end; the caller's, so that Ctrl-C reaches it), as a
    pipeline: step n is drawn from the rota with every step up to n - 1 - PIPELINE_LAG
    taken in, and its rota is taken in, in step order, where its changes leave every rule
    they share with the steps it did not see intact (`SubModels.merged_gain`). What each
    step sees and keeps depends only on the seed and the work limits, never on which
    sub-solve ends first, so the search stays deterministic.
    """
    index = index or SearchIndex.of(built)
    search = _Search(built, index, start, value, seed, configure, report, close_at, bound)
    if parallel <= 1:
        while search.going(work, patience, stop):
            step = search.draw(work)
            search.take(step, solve_with(step.solver, step.part.model))
    else:
        _pipeline(search, work, patience, stop, solve_with, parallel, wait)
    return search.result()


# How many of the steps before it a step of a pipelined search does not see: at most
# `parallel` steps run at once, and the step PIPELINE_LAG + 1 before must have ended.
PIPELINE_LAG = 2


def _pipeline(
    search: _Search,
    work: float,
    patience: float | None,
    stop: Callable[[], bool],
    solve_with: Callable[[cp_model.CpSolver, cp_model.CpModel], Any],
    parallel: int,
    wait: Callable[[threading.Event], Any],
) -> None:
    """`improve`'s steps, up to `parallel` sub-solves at a time, each in its own thread."""
    pending: deque[_Running] = deque()  # drawn, not taken in yet, in step order
    ended = threading.Event()  # set whenever a sub-solve ends

    def run(running: _Running) -> None:
        try:
            running.status = solve_with(running.step.solver, running.step.part.model)
        except BaseException as error:  # handed to the searching thread in `take_oldest`
            running.error = error
        finally:
            running.done.set()
            ended.set()

    def take_oldest() -> None:
        running = pending.popleft()
        wait(running.done)
        if running.error is not None:
            raise running.error
        search.take(running.step, running.status)

    try:
        while True:
            while len(pending) > PIPELINE_LAG:
                take_oldest()
            if not search.going(work, patience, stop):
                if not pending:
                    break
                # The running steps' limits were reserved in full; what they leave unused
                # may buy another step, and a better rota among them puts off `patience`.
                take_oldest()
                continue
            # Drawn before a core is free: what a step sees is fixed by then, and cutting out
            # its sub-model (about 30 ms at 300 people over 4 weeks) then overlaps the running
            # sub-solves instead of keeping a core waiting.
            step = search.draw(work, [waiting.step for waiting in pending])
            while True:
                ended.clear()
                if sum(not running.done.is_set() for running in pending) < parallel:
                    break
                wait(ended)
            running = _Running(step)
            pending.append(running)
            threading.Thread(target=run, args=(running,), name="neighbourhood", daemon=True).start()
    finally:
        for running in pending:  # only after an error: no sub-solve is left running
            wait(running.done)


class _Running:
    """A pipelined step: its sub-solve's status once `done` is set, or what it raised."""

    def __init__(self, step: _Step) -> None:
        self.step = step
        self.done = threading.Event()
        self.status: Any = None
        self.error: BaseException | None = None


@dataclass(frozen=True)
class _Step:
    """One neighbourhood: its kind, sub-model and solver, the work limit it was given, and
    what it starts from (the objective, its moving variables' values, and how many steps
    were taken in by then)."""

    kind: int
    part: SubModel
    solver: cp_model.CpSolver
    limit: float
    objective: int
    before: dict[int, int]
    seen: int
    people: Busy  # whom it frees (none for everyone on some days)
    dates: Busy  # the days it frees everyone on


class _Search:
    """The state of `improve`: the best rota, the kinds' gain rates, the neighbourhood size
    and the work used, changed only by `draw` (in step order) and `take`."""

    def __init__(
        self,
        built: BuiltModel,
        index: SearchIndex,
        start: dict[int, int],
        value: int,
        seed: int,
        configure: Callable[[cp_model.CpSolver], None],
        report: Callable[[int], None] | None,
        close_at: int | None,
        bound: int,
    ) -> None:
        self.rng = random.Random(seed)
        self.picker, self.graph, self.costs = index.picker, index.graph, index.costs
        self.configure = configure
        self.report = report
        self.best = dict(start)
        self.objective = value
        self.costly = self.costs.costliest(self.best)
        self.above = self.costs.above_floor(self.best)
        self.size = self.picker.start_size()
        variables = len(built.model.proto.variables)
        self.overhead = STEP_OVERHEAD + STEP_OVERHEAD_PER_VARIABLE * variables
        self.used = self.last_better = 0.0
        self.reserved = 0.0  # the limits of steps drawn and not taken in yet
        self.steps = self.improved = 0
        self.stalled = False
        self.rates: list[float | None] = [None] * KINDS  # gain per unit of work, smoothed
        self.target = bound if close_at is None else max(bound, close_at)
        self.taken: list[dict[int, int]] = []  # what each step taken in changed, in order

    def going(self, work: float, patience: float | None, stop: Callable[[], bool]) -> bool:
        """Whether to draw another step: work is left, the rota is above the target, and
        neither `stop()` nor `patience` ends the search (then `stalled`)."""
        self.stalled = False
        if not (
            self.used + self.reserved < work - 0.01
            and self.picker.people
            and self.objective > self.target
            and not stop()
        ):
            return False
        if patience is not None and self.used - self.last_better > patience:
            self.stalled = True
            return False
        return True

    def draw(self, work: float, running: list[_Step] | None = None) -> _Step:
        """The next neighbourhood of the best rota, with its sub-model and solver; none of
        the people (or, for everyone on some days, the dates) of the steps still `running`
        are drawn where others are left, so that steps side by side do not repeat each
        other's work."""
        picker, rng = self.picker, self.rng
        busy: Busy = frozenset(staff for step in running or () for staff in step.people)
        busy_dates: Busy = frozenset(date for step in running or () for date in step.dates)
        self.steps += 1
        usable = [
            kind
            for kind, ready in enumerate(
                (len(picker.dates) > 1, True, bool(self.costly), True, bool(self.above))
            )
            if ready
        ]
        kind = _next_kind(rng, usable, self.rates)
        people: Busy = frozenset()
        if kind == DAYS:
            free = picker.days(rng, busy_dates)
            dates: Busy = frozenset(picker.date_of[var] for var in free)
        else:
            if kind == TRADE:
                free = picker.trade(rng, self.best, self.size, busy)
            elif kind == COSTLY:
                free = picker.costly(rng, self.costly, self.size, busy)
            elif kind == AROUND:
                above = [pair for pair in self.above if pair[0] not in busy] or self.above
                free = picker.around(rng, self.best, rng.choice(above), self.size, busy)
            else:
                free = picker.anyone(rng, self.size, busy)
            people = frozenset(picker.owner[var] for var in free)
            dates = frozenset()
        part = self.graph.sub_model(free, self.best)
        solver = cp_model.CpSolver()
        self.configure(solver)
        if self.steps % 2 == 0:
            # Every other step without the LP: cheaper steps and more of them. Neither
            # setting won on every benchmark office; alternating kept the better of both.
            solver.parameters.linearization_level = 0
        limit = min(STEP_WORK, work - self.used - self.reserved - self.overhead)
        solver.parameters.max_deterministic_time = max(limit, 0.01)
        self.reserved += max(limit, 0.01) + self.overhead
        before = {var: self.best[var] for var in part.moving}
        return _Step(
            kind, part, solver, limit, self.objective, before, len(self.taken), people, dates
        )

    def take(self, step: _Step, status: Any) -> None:
        """Take in a step's sub-solve: its work, the size and rate it teaches, and its rota
        where it is better and fits with what was taken in since the step was drawn."""
        solver = step.solver
        step_used = solver.deterministic_time + self.overhead
        self.used += step_used
        self.reserved -= max(step.limit, 0.01) + self.overhead
        if status == cp_model.OPTIMAL:
            self.size = min(len(self.picker.people), self.size * 1.25)
        elif status != cp_model.FEASIBLE or solver.deterministic_time >= 0.98 * step.limit:
            self.size = max(MIN_PEOPLE, self.size * 0.8)
        gain = 0
        changes: dict[int, int] = {}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            gain = max(0, step.objective - round(solver.objective_value))
        if gain:
            changes = step.part.changes(solver, step.before)
            since: dict[int, int] = {}
            for taken in self.taken[step.seen :]:
                since.update(taken)
            if since:  # steps taken in since this one was drawn: what is its rota worth now?
                gain = max(0, self.graph.merged_gain(changes, since, self.best) or 0)
            if gain > 0:
                self.best.update(changes)
                self.objective -= gain
                self.costly = self.costs.costliest(self.best)
                self.above = self.costs.above_floor(self.best)
                self.improved += 1
                self.last_better = self.used
                if self.report is not None:
                    self.report(self.objective)
            else:
                changes = {}
        self.taken.append(changes)
        rate = gain / step_used
        before = self.rates[step.kind]
        self.rates[step.kind] = (
            rate if before is None else (1 - RATE_MEMORY) * before + RATE_MEMORY * rate
        )

    def result(self) -> Improvement:
        """The best rota found and what the search spent on it."""
        return Improvement(
            self.best, self.objective, self.used, self.steps, self.improved, self.stalled
        )


@dataclass(frozen=True)
class SearchIndex:
    """What the search reads off a model once: who can be freed together, the
    constraints each variable is in, and each person's costs."""

    picker: Picker
    graph: SubModels
    costs: _PersonCosts

    @classmethod
    def of(cls, built: BuiltModel, before: SearchIndex | None = None) -> SearchIndex:
        """The index of `built`'s model as it is now (objective set); with `before`, an
        index of the same model at an earlier stage, its constraints are not read again."""
        graph = (
            SubModels(built.model, {var.index for var in built.ctx.vars.all()}, built.ctx.redundant)
            if before is None
            else before.graph.extend(built.model)
        )
        return cls(Picker(built), graph, _PersonCosts(built))


def _next_kind(rng: random.Random, usable: list[int], rates: list[float | None]) -> int:
    """The kind of the next neighbourhood: each usable kind once, then drawn in proportion
    to what it gained per unit of work lately (never below RATE_FLOOR of the best kind's),
    so the search spends its budget where the rota improves fastest."""
    for kind in usable:
        if rates[kind] is None:
            return kind
    known = [rates[kind] or 0.0 for kind in usable]
    top = max(known)
    if top <= 0:
        return rng.choice(usable)
    return rng.choices(usable, [max(rate, RATE_FLOOR * top) for rate in known])[0]


class _PersonCosts:
    """Each person's soft costs in a rota given as values by variable index."""

    def __init__(self, built: BuiltModel) -> None:
        self.order = {person.id: index for index, person in enumerate(built.ctx.problem.people)}
        self.terms: list[tuple[PenaltyTerm, str, _Linear]] = []
        scratch = cp_model.CpModel()  # reads each cost's linear form off its objective
        for term in built.penalties:
            if term.staff is None or not term.weight:
                continue
            scratch.minimize(term.weight * term.amount)
            form = scratch.proto.objective
            linear = _Linear(list(form.vars), list(form.coeffs), int(form.offset))
            self.terms.append((term, term.staff, linear))

    def _costs(self, values: dict[int, int]) -> Iterator[tuple[PenaltyTerm, str, int]]:
        """Every term with its person and its weighted cost in `values`."""
        for term, staff, linear in self.terms:
            yield term, staff, linear.value(values)

    def costliest(self, values: dict[int, int]) -> list[str]:
        """People with a soft cost, costliest first (ties in file order)."""
        cost: dict[str, int] = defaultdict(int)
        for _term, staff, amount in self._costs(values):
            cost[staff] += amount
        return sorted((s for s in cost if cost[s] > 0), key=lambda s: (-cost[s], self.order[s]))

    def above_floor(self, values: dict[int, int]) -> list[tuple[str, int]]:
        """(person, week) where a person's hours or practice of that week cost more than
        every rota makes them pay (`PenaltyTerm.least`). Fairness, over the whole period,
        is left to the trades: freeing someone for a week drawn at random for it made the
        search worse (benchmarks/RESULTS.md)."""
        return [
            (staff, term.week)
            for term, staff, amount in self._costs(values)
            if term.week is not None and amount > term.weight * term.least
        ]


class Picker:
    """Chooses the assignment variables (by proto index) that one neighbourhood frees."""

    def __init__(self, built: BuiltModel) -> None:
        problem = built.ctx.problem
        self.by_person: dict[str, list[int]] = defaultdict(list)
        self.by_week: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_date: dict[object, list[int]] = defaultdict(list)
        self.owner: dict[int, str] = {}  # variable index -> person
        self.date_of: dict[int, object] = {}  # variable index -> date
        # slot key -> who could sit at the counter there, with the variable's index
        self.seated: dict[object, list[tuple[str, int]]] = defaultdict(list)
        # (person, week) -> the slots where the person could sit at the counter
        self.counter_slots: dict[tuple[str, int], list[object]] = defaultdict(list)
        self.front: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for person in problem.people:
            for slot, area, var in built.ctx.vars.of_person(person.id):
                self.by_person[person.id].append(var.index)
                self.by_week[(person.id, slot.week)].append(var.index)
                self.by_date[slot.date].append(var.index)
                self.owner[var.index] = person.id
                self.date_of[var.index] = slot.date
                if area == "front":
                    self.seated[slot.key].append((person.id, var.index))
                    self.counter_slots[(person.id, slot.week)].append(slot.key)
                    self.front[person.id].append((var.index, slot.minutes))
        self.people = [person.id for person in problem.people if self.by_person[person.id]]
        self.dates = sorted(self.by_date, key=str)
        # A trainee sits at the counter only beside their mentor: free them together.
        self.partners: dict[str, set[str]] = defaultdict(set)
        for person in problem.people:
            if person.trainee and person.mentor is not None:
                self.partners[person.id].add(person.mentor)
                self.partners[person.mentor].add(person.id)
        counter_minutes = built.ctx.counter_minutes
        self.fair = fair_parts(problem, counter_minutes) if counter_minutes is not None else {}

    def start_size(self) -> float:
        """How many people the first neighbourhood frees."""
        if not self.people:
            return 0.0
        per_person = sum(len(self.by_person[staff]) for staff in self.people) / len(self.people)
        return max(
            float(MIN_PEOPLE),
            min(START_SHARE * len(self.people), START_FREE_VARIABLES / per_person),
        )

    def days(self, rng: random.Random, busy: Busy = frozenset()) -> set[int]:
        """Everyone on one or two dates (not dates in `busy` while others are left)."""
        dates = [date for date in self.dates if date not in busy] or self.dates
        free: set[int] = set()
        for date in rng.sample(dates, k=min(len(dates), 1 + rng.randrange(2))):
            free.update(self.by_date[date])
        return free

    def anyone(self, rng: random.Random, size: float, busy: Busy = frozenset()) -> set[int]:
        """`size` people drawn at random (none in `busy`), for the whole period."""
        people = [staff for staff in self.people if staff not in busy]
        return self._free(rng.sample(people, k=min(len(people), round(size))))

    def costly(
        self, rng: random.Random, costly: list[str], size: float, busy: Busy = frozenset()
    ) -> set[int]:
        """The people who cost most now, with as many others drawn at random to trade with
        (none in `busy`)."""
        chosen = [staff for staff in costly if staff not in busy][: max(1, round(size) // 2)]
        taken = set(chosen) | busy
        others = [staff for staff in self.people if staff not in taken]
        chosen += rng.sample(others, k=min(len(others), round(size) - len(chosen)))
        return self._free(chosen)

    def trade(
        self, rng: random.Random, values: dict[int, int], size: float, busy: Busy = frozenset()
    ) -> set[int]:
        """People far above their fair part of the counter with people far below it, so that
        counter duty can move from the ones to the others; drawn from the most extreme
        (none in `busy`)."""
        deviation = {
            staff: sum(minutes for index, minutes in self.front[staff] if values[index]) - fair
            for staff, fair in self.fair.items()
            if staff not in busy
        }
        over = sorted((s for s in deviation if deviation[s] > 0), key=lambda s: -deviation[s])
        under = sorted((s for s in deviation if deviation[s] < 0), key=lambda s: deviation[s])
        half = max(1, round(size) // 2)
        chosen = rng.sample(over[: 3 * half], k=min(half, len(over))) + rng.sample(
            under[: 3 * half], k=min(half, len(under))
        )
        if not chosen:
            return self.anyone(rng, size, busy)
        return self._free(chosen)

    def around(
        self,
        rng: random.Random,
        values: dict[int, int],
        above: tuple[str, int],
        size: float,
        busy: Busy = frozenset(),
    ) -> set[int]:
        """One person whose cost is above their floor in one week, with their mentor or
        trainees and people drawn from those at the counter in the blocks the person could
        sit in, all for that week: the person can then take or give up a counter seat, and
        a mentor can sit beside a trainee, in exchange with someone else. Small and quick
        to solve; on 300 people over 4 weeks the other kinds left half-hour gaps in
        people's hours that freeing one person for one week closes. A person with a mentor
        or trainees gets, GROUP_SHARE of the time, the whole period instead (`group`)."""
        staff, week = above
        partners = sorted(self.partners.get(staff, ()))
        chosen = [staff, *partners]
        if partners and rng.random() < GROUP_SHARE:
            return self.group(rng, values, chosen, week, size, busy)
        sitting = self._pool(values, [staff], week, set(chosen) | busy, at_counter=True)
        chosen += rng.sample(sitting, k=min(len(sitting), max(1, round(size))))
        free: set[int] = set()
        for one in chosen:
            free.update(self.by_week[(one, week)])
        return free

    def group(
        self,
        rng: random.Random,
        values: dict[int, int],
        group: list[str],
        week: int,
        size: float,
        busy: Busy = frozenset(),
    ) -> set[int]:
        """The person drawn with their mentor or trainees (`group`, one of whom pays more than
        their floor in `week`) for the whole period; with them, for that week, people drawn
        from those at the counter in the blocks the group could sit in, and for each other
        week people drawn from those who could sit at the counter in those blocks and do not.

        The mentor can then sit beside a trainee for one more block in `week`, someone at
        the counter there going to the back office, and give up a counter block in another
        week to someone who takes it, so that the mentor's counter time over the period
        stays near their fair part. A week alone cannot: on 300 people over 4 weeks the
        rota of seed 0 ended with three groups one practice block above their own floor
        each, which neither `around` for one week nor the start's block moves fixed
        (benchmarks/RESULTS.md)."""
        members = set(group)
        free: set[int] = set()
        for one in group:
            free.update(self.by_person[one])

        def drawn(number: int, at_counter: bool, count: int) -> list[str]:
            pool = self._pool(values, group, number, members | busy, at_counter=at_counter)
            return rng.sample(pool, k=min(len(pool), count))

        half = max(1, round(size) // 2)
        for other in drawn(week, True, half):
            free.update(self.by_week[(other, week)])
        others = sorted({number for one, number in self.by_week if one in members} - {week})
        for number in others:
            for other in drawn(number, False, max(1, half // len(others))):
                free.update(self.by_week[(other, number)])
        return free

    def _pool(
        self,
        values: dict[int, int],
        people: list[str],
        week: int,
        outside: set[str],
        *,
        at_counter: bool,
    ) -> list[str]:
        """Everyone but `outside` who could sit at the counter in a block of `week` where one
        of `people` could, and sits there in `values` (`at_counter`) or does not; sorted."""
        return sorted(
            {
                other
                for one in people
                for key in self.counter_slots[(one, week)]
                for other, index in self.seated[key]
                if bool(values[index]) == at_counter and other not in outside
            }
        )

    def _free(self, chosen: list[str]) -> set[int]:
        free: set[int] = set()
        for staff in chosen:
            for one in (staff, *sorted(self.partners.get(staff, ()))):
                free.update(self.by_person[one])
        return free


class SubModels:
    """Which variables each constraint of a model mentions, to cut out sub-models.

    A neighbourhood's sub-model keeps the constraints that mention a variable
    allowed to move, and fixes every other variable at its current value; every
    dropped constraint then mentions fixed variables only, which the current rota
    satisfies. The variables allowed to move are the freed assignments and the
    helper variables (costs, distances, gaps) reached from them through
    constraints with at most EXPAND_LIMIT helper variables; larger ones (a
    level's sum over every slot) are kept, but their other variables stay fixed.

    The sub-model has the moving variables only (`SubModel`): a fixed variable's value
    is folded into the constraints that mention it. Each constraint is read off the
    protocol buffer once, here, into plain lists, which the folding then walks.

    Constraints in `leave_out` (the fairness cuts of `BuildContext.redundant`, which
    every rota keeps anyway) are never part of a sub-model. With them, a sub-solve on
    300 people over 4 weeks spent 0.4 of its 1.0 wall seconds in presolve, which CP-SAT's
    deterministic time hardly counts; without them the same work budget buys more steps
    (120 people over 2 weeks: proven in 8.9 s instead of 49 s; benchmarks/RESULTS.md).
    """

    def __init__(
        self, model: cp_model.CpModel, assignments: set[int], leave_out: set[int] | None = None
    ) -> None:
        self.assignments = assignments
        # read when `extend` reads a constraint: the set may grow as stages add rules
        self.leave_out = leave_out if leave_out is not None else set()
        self.helpers: list[list[int]] = []  # per constraint, its non-assignment variables
        self.mentions: list[list[int]] = []
        self.forms: list[_Form] = []
        self.domains: list[list[int]] = []
        self.extend(model)

    def extend(self, model: cp_model.CpModel) -> SubModels:
        """Read what `model` gained since this index was made (variables and constraints are
        only ever appended, never changed) and its objective as it is now. Each stage adds
        constraints to the same model, and reading 25,000 constraints takes about a second
        at 300 people over 4 weeks."""
        proto = model.proto
        variables = proto.variables
        for number in range(len(self.domains), len(variables)):
            self.domains.append(list(variables[number].domain))
            self.mentions.append([])
        for number in range(len(self.forms), len(proto.constraints)):
            form = _form(proto.constraints[number])
            self.forms.append(form)
            indices = {ref if ref >= 0 else -ref - 1 for ref in form.references()}
            self.helpers.append(sorted(indices - self.assignments))
            if number in self.leave_out:
                continue
            for index in indices:
                self.mentions[index].append(number)
        objective = proto.objective
        self.objective = _Linear(list(objective.vars), list(objective.coeffs), 0)
        self.objective_coeffs = dict(zip(objective.vars, objective.coeffs, strict=True))
        self.objective_offset = objective.offset
        self.scaling = objective.scaling_factor
        return self

    def sub_model(self, free: set[int], values: dict[int, int]) -> SubModel:
        """The sub-model with only the assignments in `free` (and what they reach) able to
        move, hinted at `values`."""
        moving = set(free)
        queue = list(free)
        kept: set[int] = set()
        while queue:
            index = queue.pop()
            for number in self.mentions[index]:
                if number in kept:
                    continue
                kept.add(number)
                helpers = self.helpers[number]
                if len(helpers) > EXPAND_LIMIT:
                    continue
                for other in helpers:
                    if other not in moving:
                        moving.add(other)
                        queue.append(other)
        sub = self._cut_out(sorted(moving), kept, values, self.objective, self.objective_offset)
        if self.scaling:
            sub.model.proto.objective.scaling_factor = self.scaling
        return sub

    def merged_gain(
        self, changes: dict[int, int], since: dict[int, int], values: dict[int, int]
    ) -> int | None:
        """What the objective falls by when `changes` (new values by variable, found from
        a rota before `since` was applied) join the rota `values`; None if a constraint
        that mentions a variable of each breaks. A constraint that mentions only one of the
        two holds as it did in that one's rota, so the rota with both keeps every rule."""
        touched = {number for var in since for number in self.mentions[var]}
        shared = {number for var in changes for number in self.mentions[var] if number in touched}
        combined = ChainMap(changes, values)
        if not all(self.forms[number].holds(combined) for number in sorted(shared)):
            return None
        coeffs = self.objective_coeffs
        fall: int = sum(coeffs.get(var, 0) * (values[var] - new) for var, new in changes.items())
        scaling: float = self.scaling or 1.0
        return round(fall * scaling)

    def relaxation(self, free: set[int], objective: _Linear) -> SubModel:
        """A model whose optimum is a lower bound on `objective` in every rota: the
        assignments in `free`, the helper variables reached from them and from
        `objective`, and only the constraints none of whose assignments lies outside
        `free`. Every rota satisfies each kept constraint, so its values restricted
        to these variables are a solution; the dropped constraints (a seat shared
        with people outside `free`, say) only ever raise the cost."""
        moving = set(free) | set(objective.variables)
        queue = list(moving)
        kept: set[int] = set()
        refused: set[int] = set()
        while queue:
            index = queue.pop()
            for number in self.mentions[index]:
                if number in kept or number in refused:
                    continue
                mentioned = {
                    ref if ref >= 0 else -ref - 1 for ref in self.forms[number].references()
                }
                if not (mentioned & self.assignments) <= free:
                    refused.add(number)
                    continue
                kept.add(number)
                for other in self.helpers[number]:
                    if other not in moving:
                        moving.add(other)
                        queue.append(other)
        return self._cut_out(sorted(moving), kept, {}, objective, 0)

    def _cut_out(
        self,
        order: list[int],
        kept: set[int],
        values: dict[int, int],
        objective: _Linear,
        offset: float,
    ) -> SubModel:
        """The model over the variables `order` with the constraints `kept`, every other
        variable they mention fixed at `values`, minimising `objective` plus `offset`, hinted
        at `values` where they are known."""
        renumber = {old: new for new, old in enumerate(order)}
        sub = cp_model.CpModel()
        proto = sub.proto
        for old in order:
            proto.variables.add().domain.extend(self.domains[old])
        constants: dict[int, int] = {}

        def literal(ref: int) -> int:
            """The sub-model's reference for `ref`; a fixed variable becomes a constant."""
            index = ref if ref >= 0 else -ref - 1
            new = renumber.get(index)
            if new is None:
                new = constants.get(index)
                if new is None:
                    new = len(proto.variables)
                    proto.variables.add().domain.extend((values[index], values[index]))
                    constants[index] = new
            return new if ref >= 0 else -new - 1

        for number in sorted(kept):
            form = self.forms[number]
            copy = proto.constraints.add()
            copy.enforcement_literal.extend(literal(ref) for ref in form.enforcement)
            if form.linear is not None:
                shift = form.linear.fold(copy.linear, renumber, values, offset_field=False)
                copy.linear.domain.extend(
                    bound if abs(bound) >= _UNBOUNDED else bound - shift for bound in form.domain
                )
            elif form.kind == "lin_max":
                target, *expressions = form.expressions
                target.fold(copy.lin_max.target, renumber, values)
                for expression in expressions:
                    expression.fold(copy.lin_max.exprs.add(), renumber, values)
            else:
                getattr(copy, form.kind).literals.extend(literal(ref) for ref in form.literals)
        goal = proto.objective
        fixed = objective.fold(goal, renumber, values, offset_field=False)
        goal.offset = offset + objective.offset + fixed
        if values:
            proto.solution_hint.vars.extend(range(len(order)))
            proto.solution_hint.values.extend(values[old] for old in order)
        return SubModel(sub, order)


@dataclass(frozen=True)
class SubModel:
    """A neighbourhood's model over its moving variables: variable `k` of `model` is
    variable `moving[k]` of the whole model; every other variable is fixed, its value
    folded into the constraints and the objective (a linear term into the bounds or
    the offset, a clause's literal into a constant variable). The objective value is
    the whole model's."""

    model: cp_model.CpModel
    moving: list[int]

    def changes(self, solver: cp_model.CpSolver, before: dict[int, int]) -> dict[int, int]:
        """The moving variables whose value in `solver`'s last solution differs from
        `before` (their values by variable index), with that value."""
        solution = solver.response_proto.solution
        found = {old: int(solution[new]) for new, old in enumerate(self.moving)}
        return {old: number for old, number in found.items() if number != before[old]}


# Domain ends beyond this are CP-SAT's "unbounded" and stay as they are when shifted.
_UNBOUNDED = 2**62


@dataclass(frozen=True)
class _Linear:
    """A linear expression as plain lists (`vars` are variable indices, never negated)."""

    variables: list[int]
    coeffs: list[int]
    offset: int

    def __post_init__(self) -> None:
        if any(var < 0 for var in self.variables):
            raise ValueError("no sub-models for linear terms of negated literals yet")

    def value(self, values: Mapping[int, int]) -> int:
        """The expression's value at `values`."""
        return self.offset + sum(
            coeff * values[var] for var, coeff in zip(self.variables, self.coeffs, strict=True)
        )

    def fold(
        self,
        target: Any,
        renumber: dict[int, int],
        values: dict[int, int],
        offset_field: bool = True,
    ) -> int:
        """Write the moving terms, renumbered, into `target` (a proto with `vars` and
        `coeffs`); the fixed terms' value goes to its `offset` (with `offset_field`) and
        is returned."""
        fixed = 0
        new_vars: list[int] = []
        new_coeffs: list[int] = []
        for var, coeff in zip(self.variables, self.coeffs, strict=True):
            new = renumber.get(var)
            if new is None:
                fixed += coeff * values[var]
            else:
                new_vars.append(new)
                new_coeffs.append(coeff)
        target.vars.extend(new_vars)
        target.coeffs.extend(new_coeffs)
        if offset_field:
            target.offset = self.offset + fixed
        return fixed


def linear_sum(parts: list[_Linear]) -> _Linear:
    """The sum of linear expressions, each variable once."""
    coeffs: dict[int, int] = defaultdict(int)
    for part in parts:
        for var, coeff in zip(part.variables, part.coeffs, strict=True):
            coeffs[var] += coeff
    return _Linear(list(coeffs), list(coeffs.values()), sum(part.offset for part in parts))


@dataclass(frozen=True)
class _Form:
    """One constraint read off the protocol buffer."""

    kind: str
    enforcement: list[int]
    linear: _Linear | None = None
    domain: tuple[int, ...] = ()
    expressions: tuple[_Linear, ...] = ()  # lin_max: target, then the expressions
    literals: tuple[int, ...] = ()

    def references(self) -> list[int]:
        """Every variable reference (negative for a negated literal)."""
        refs = list(self.enforcement)
        if self.linear is not None:
            refs += self.linear.variables
        for expression in self.expressions:
            refs += expression.variables
        refs += self.literals
        return refs

    def holds(self, values: Mapping[int, int]) -> bool:
        """Whether the constraint holds at `values` (every variable it mentions has one)."""

        def true(ref: int) -> bool:
            return bool(values[ref]) if ref >= 0 else not values[-ref - 1]

        if not all(true(ref) for ref in self.enforcement):
            return True
        if self.linear is not None:
            activity = self.linear.value(values)
            ends = self.domain
            return any(ends[k] <= activity <= ends[k + 1] for k in range(0, len(ends), 2))
        if self.kind == "lin_max":
            target, *expressions = self.expressions
            return target.value(values) == max(part.value(values) for part in expressions)
        count = sum(true(ref) for ref in self.literals)
        if self.kind == "bool_or":
            return count >= 1
        if self.kind == "bool_and":
            return count == len(self.literals)
        if self.kind == "at_most_one":
            return count <= 1
        return count == 1  # exactly_one


def _form(constraint: Any) -> _Form:
    """`constraint` as plain lists; linear terms must name variables, never negations."""
    enforcement = list(constraint.enforcement_literal)
    if constraint.has_linear():
        linear = constraint.linear
        return _Form(
            "linear",
            enforcement,
            _Linear(list(linear.vars), list(linear.coeffs), 0),
            tuple(linear.domain),
        )
    if constraint.has_lin_max():
        parts = (constraint.lin_max.target, *constraint.lin_max.exprs)
        return _Form(
            "lin_max",
            enforcement,
            expressions=tuple(
                _Linear(list(part.vars), list(part.coeffs), int(part.offset)) for part in parts
            ),
        )
    for kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
        if getattr(constraint, f"has_{kind}")():
            return _Form(kind, enforcement, literals=tuple(getattr(constraint, kind).literals))
    raise ValueError(f"no sub-models for this constraint yet: {constraint}")
