"""Fairness: counter duty shared in proportion to each person's share, over the period.

Measure (README, "Fairness"): a person's fair part of the counter is the
office's counter minutes times their share of the period over the summed
shares of everyone who may sit at the counter (non-trainees with `front`),
but never more than the counter time their own limits allow (`counter_cap`);
what a capped person cannot take is shared among the others the same way.
Up to an hour either side of the fair part is free: counter blocks of three
or four hours cannot split a week's counter time more finely, and a band that
wide lets the solver prove optimality in a second instead of searching for
minutes. Beyond the band the cost is convex: each minute in the k-th hour
past the band costs k, up to 8 from the 8th hour on. Convex costs prefer two
people one hour off each to one person two hours off, and they keep working
when everyone is on the same side of their fair part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise
from math import floor

from ortools.sat.python import cp_model

from rotaplan.model.context import BuildContext, Expr, PenaltyTerm, Term, ValueOf
from rotaplan.model.helpers import absolute, minutes_of
from rotaplan.model.reach import reachable
from rotaplan.problem import Person, Problem

FAIRNESS_STEP_MINUTES = 60
FAIRNESS_STEPS = 8
FAIRNESS_TOLERANCE_MINUTES = 60


def counter_cap(problem: Problem, person: Person) -> int:
    """The most counter minutes `person`'s own limits allow over the period.

    Per week: the blocks they could work (available, not longer than a day's hours
    or the week's share), at most `max_front_blocks_per_day` a day and
    `max_front_blocks` a week, longest first, and never more than the share.
    """
    day_limit = floor(problem.rules.max_hours_per_day * 60)
    total = 0
    for week in range(problem.weeks):
        share = problem.shares[(person.id, week)]
        by_date: dict[object, list[int]] = defaultdict(list)
        for slot in problem.slots:
            if (
                slot.week == week
                and problem.is_available(person.id, slot.date)
                and slot.minutes <= min(day_limit, share)
            ):
                by_date[slot.date].append(slot.minutes)
        per_day = problem.rules.max_front_blocks_per_day
        week_blocks = sorted(
            (m for day in by_date.values() for m in sorted(day, reverse=True)[:per_day]),
            reverse=True,
        )
        if person.max_front_blocks is not None:
            week_blocks = week_blocks[: person.max_front_blocks]
        total += min(sum(week_blocks), share)
    return total


def fair_parts(problem: Problem, counter_minutes: int) -> dict[str, int]:
    """Each eligible person's fair part of `counter_minutes` (rounded half up), filled like
    water: in proportion to shares, capped at `counter_cap`, the rest shared again."""
    eligible = [p for p in problem.people if p.front_allowed and not p.trainee]
    shares = {person.id: problem.period_share(person.id) for person in eligible}
    caps = {person.id: counter_cap(problem, person) for person in eligible}
    capped: dict[str, int] = {}
    while True:
        open_share = sum(share for staff, share in shares.items() if staff not in capped)
        left = counter_minutes - sum(capped.values())
        if open_share == 0:
            break
        newly = {
            staff: caps[staff]
            for staff, share in shares.items()
            if staff not in capped and Fraction(left * share, open_share) > caps[staff]
        }
        if not newly:
            break
        capped.update(newly)
    parts = dict(capped)
    for staff, share in shares.items():
        if staff not in capped:
            parts[staff] = (2 * left * share + open_share) // (2 * open_share) if open_share else 0
    return parts


def add_fairness(ctx: BuildContext) -> list[Term]:
    """Counter minutes close to each person's fair part over the period (soft).

    Needs `ctx.counter_minutes`: the counter minutes every rota fills
    once the seat shortfall is fixed. Cost: `weights.fairness` x the convex
    deviation in minutes described in the module docstring.
    """
    counter_minutes = ctx.counter_minutes
    if counter_minutes is None:
        raise ValueError("fairness needs the counter minutes; build it with add_soft_rules")
    weight = ctx.problem.rules.weights.fairness
    terms: list[Term] = []
    for staff, fair in fair_parts(ctx.problem, counter_minutes).items():
        pairs = [
            (slot.minutes, var) for slot, area, var in ctx.vars.of_person(staff) if area == "front"
        ]
        most = sum(minutes for minutes, _ in pairs)
        front = minutes_of(pairs)
        upper = max(fair, most - fair)
        distance = absolute(ctx.model, front - fair, upper, f"fairness[{staff}]")
        steps: list[Expr] = []
        for step in range(FAIRNESS_STEPS):
            threshold = FAIRNESS_TOLERANCE_MINUTES + step * FAIRNESS_STEP_MINUTES
            if threshold >= upper:
                break
            excess = ctx.model.new_int_var(0, upper - threshold, f"fairness[{staff},{step}]")
            ctx.model.add_max_equality(excess, [0, distance - threshold])
            steps.append(excess)
        if not steps:  # this person can never leave the free band
            continue
        amount = sum(steps[1:], start=steps[0])
        least = _add_reach_cuts(ctx, staff, front, amount, fair)
        terms.append(
            PenaltyTerm(
                "fairness", staff, None, weight, amount, _describe(front, fair), least=least
            )
        )
    return terms


def fairness_cost(front: int, fair: int) -> int:
    """The fairness amount (before the weight) of `front` counter minutes against `fair`."""
    distance = abs(front - fair)
    beyond = distance - FAIRNESS_TOLERANCE_MINUTES
    if beyond <= 0:
        return 0
    # the sum over the steps k whose threshold (tolerance + k x step) lies below the distance
    # of (distance - threshold), in closed form: it is called for every trade the balanced
    # start weighs (about 160,000 times on 300 people over 4 weeks)
    steps = min(FAIRNESS_STEPS, -(-beyond // FAIRNESS_STEP_MINUTES))
    return steps * beyond - FAIRNESS_STEP_MINUTES * steps * (steps - 1) // 2


def _add_reach_cuts(ctx: BuildContext, staff: str, front: Expr, amount: Expr, fair: int) -> int:
    """Tell the solver which counter totals the person can reach at all, and what the cost
    is at least there: the lower convex hull of (reachable total, its cost) as cuts.
    Returns the least cost of any reachable total: every rota pays at least that.

    Redundant in every rota, but the linear relaxation alone lets a part-timer who can
    only take four-hour blocks sit 5.3 hours at no cost; with the cuts it proves
    the true cost without search. Being redundant, they are noted in `ctx.redundant`
    and left out of the neighbourhoods' sub-models.
    """
    problem = ctx.problem
    day_cap = floor(problem.rules.max_hours_per_day * 60)
    person = problem.person(staff)
    totals = {0}
    for week in range(problem.weeks):
        slots = [
            slot
            for slot, area, _var in ctx.vars.of_person(staff)
            if area == "front" and slot.week == week
        ]
        week_totals = reachable(
            slots,
            day_cap=day_cap,
            per_day_blocks=problem.rules.max_front_blocks_per_day,
            most_blocks=person.max_front_blocks,
            most_minutes=problem.shares[(staff, week)],
        )
        totals = {before + more for before in totals for more in week_totals}
    values = sorted(totals)
    first = len(ctx.model.proto.constraints)
    ctx.model.add_linear_expression_in_domain(front, cp_model.Domain.from_values(values))
    points = [(value, fairness_cost(value, fair)) for value in values]
    for (x1, y1), (x2, y2) in pairwise(_lower_hull(points)):
        # amount >= y1 + (y2 - y1) / (x2 - x1) * (front - x1), scaled to integers
        ctx.model.add((x2 - x1) * amount >= (x2 - x1) * y1 + (y2 - y1) * (front - x1))
    least = min(y for _x, y in points)
    ctx.model.add(amount >= least)
    ctx.redundant.update(range(first, len(ctx.model.proto.constraints)))
    return least


def _lower_hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lower convex hull of points sorted by x (Andrew's monotone chain)."""
    hull: list[tuple[int, int]] = []
    for point in points:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            # drop the middle point if it lies on or above the line from hull[-2] to point
            if (x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(point)
    return hull


def _describe(front: Expr, fair: int) -> Callable[[ValueOf], str]:
    def describe(value: ValueOf) -> str:
        return f"{value(front) / 60:.1f} h at the counter, fair part {fair / 60:.1f} h"

    return describe
