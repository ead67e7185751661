"""Fairness: counter duty shared in proportion to each person's share, over the period.

Measure (README, "Fairness"): a person's fair part of the counter is the
office's counter minutes times their share of the period over the summed
shares of everyone who may sit at the counter (non-trainees with `front`).
Up to an hour either side of the fair part is free: counter blocks of three
or four hours cannot split a week's counter time more finely, and a band that
wide lets the solver prove optimality in a second instead of searching for
minutes. Beyond the band the cost is convex: each minute in the k-th hour
past the band costs k, up to 8 from the 8th hour on. Convex costs prefer two
people one hour off each to one person two hours off, and they keep working
when everyone is on the same side of their fair part.
"""

from __future__ import annotations

from collections.abc import Callable

from rotaplan.model.context import BuildContext, Expr, PenaltyTerm, Term, ValueOf
from rotaplan.model.helpers import absolute, minutes_of

FAIRNESS_STEP_MINUTES = 60
FAIRNESS_STEPS = 8
FAIRNESS_TOLERANCE_MINUTES = 60


def fair_parts(ctx: BuildContext, counter_minutes: int) -> dict[str, int]:
    """Each eligible person's fair part of `counter_minutes`, rounded half up."""
    eligible = [p for p in ctx.problem.people if p.front_allowed and not p.trainee]
    shares = {person.id: ctx.problem.period_share(person.id) for person in eligible}
    total = sum(shares.values())
    if total == 0:
        return {}
    return {
        staff: (2 * counter_minutes * share + total) // (2 * total)
        for staff, share in shares.items()
    }


def add_fairness(ctx: BuildContext) -> list[Term]:
    """Counter minutes close to each person's fair part over the period (soft).

    Needs `ctx.notes["counter_minutes"]`: the counter minutes every rota fills
    once the seat shortfall is fixed. Cost: `weights.fairness` x the convex
    deviation in minutes described in the module docstring.
    """
    counter_minutes = int(ctx.notes["counter_minutes"])  # type: ignore[call-overload]
    weight = ctx.problem.rules.weights.fairness
    terms: list[Term] = []
    for staff, fair in fair_parts(ctx, counter_minutes).items():
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
        terms.append(PenaltyTerm("fairness", staff, None, weight, amount, _describe(front, fair)))
    return terms


def _describe(front: Expr, fair: int) -> Callable[[ValueOf], str]:
    def describe(value: ValueOf) -> str:
        return f"{value(front) / 60:.1f} h at the counter, fair part {fair / 60:.1f} h"

    return describe
