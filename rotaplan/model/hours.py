"""Hours: each person close to their share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from math import ceil, floor

from rotaplan.model.context import BuildContext, Expr, PenaltyTerm, Term, ValueOf
from rotaplan.model.helpers import amount_below, minutes_of
from rotaplan.model.reach import most_minutes
from rotaplan.model.variables import Var
from rotaplan.problem import Slot


def hours_target(share: int, tolerance: float) -> int:
    """The minutes a person should at least work: ceil((1 - tolerance) x share)."""
    return ceil(share * (1 - Fraction(str(tolerance))))


def add_hours_below_share(ctx: BuildContext) -> list[Term]:
    """Each person works at least (1 - `rules.hours_tolerance`) x share a week (soft).

    The most a person can work in a week is the largest total of whole blocks within their
    share and the daily cap (rotaplan/model/reach.py); below that the cost is certain.

    Cost: `weights.hours` per minute below that target, per person and week.
    """
    rules = ctx.problem.rules
    day_cap = floor(rules.max_hours_per_day * 60)
    terms: list[Term] = []
    for person in ctx.problem.people:
        by_week: dict[int, list[tuple[Slot, Var]]] = defaultdict(list)
        for slot, _area, var in ctx.vars.of_person(person.id):
            by_week[slot.week].append((slot, var))
        for week in range(ctx.problem.weeks):
            share = ctx.problem.shares[(person.id, week)]
            target = hours_target(share, rules.hours_tolerance)
            if target == 0:
                continue
            pairs = by_week.get(week, [])
            worked = minutes_of([(slot.minutes, var) for slot, var in pairs])
            most = most_minutes(
                {slot.key: slot for slot, _var in pairs}.values(), day_cap=day_cap, share=share
            )
            below = amount_below(
                ctx.model, target, worked, f"hours_below_share[{person.id},{week}]"
            )
            terms.append(
                PenaltyTerm(
                    "hours_below_share",
                    person.id,
                    week,
                    rules.weights.hours,
                    below,
                    _describe_hours(worked, share, target),
                    least=max(0, target - most),
                )
            )
    return terms


def _describe_hours(worked: Expr, share: int, target: int) -> Callable[[ValueOf], str]:
    def describe(value: ValueOf) -> str:
        return (
            f"{value(worked) / 60:.1f} h of a {share / 60:.1f} h share (target {target / 60:.1f} h)"
        )

    return describe
