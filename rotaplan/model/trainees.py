"""Trainees: at the counter only beside their mentor, and enough counter practice."""

from __future__ import annotations

from collections import defaultdict

from rotaplan.model.context import BuildContext, PenaltyTerm, Term, ValueOf
from rotaplan.model.helpers import amount_below, count_of
from rotaplan.model.variables import Var
from rotaplan.problem import Person


def add_trainee_with_mentor(ctx: BuildContext) -> list[Term]:
    """A trainee sits at the counter only in a block where their mentor sits there too."""
    for person in ctx.problem.people:
        if not person.trainee or person.mentor is None:
            continue
        for slot, area, var in ctx.vars.of_person(person.id):
            if area != "front":
                continue
            mentor = ctx.vars.works(person.mentor, slot.key, "front")
            if mentor is None:  # the variable domain already rules this out
                ctx.model.add(var == 0)
            else:
                ctx.model.add_implication(var, mentor)
    return []


def add_trainee_practice(ctx: BuildContext) -> list[Term]:
    """A trainee gets `min_front_blocks` counter blocks a week (soft).

    Cost: `weights.trainee_practice` per missing counter block per week.
    """
    weight = ctx.problem.rules.weights.trainee_practice
    terms: list[Term] = []
    for person in ctx.problem.people:
        wanted = person.min_front_blocks
        if not person.trainee or not wanted:
            continue
        by_week: dict[int, list[Var]] = defaultdict(list)
        days: dict[int, set[object]] = defaultdict(set)
        for slot, area, var in ctx.vars.of_person(person.id):
            if area == "front":
                by_week[slot.week].append(var)
                days[slot.week].add(slot.date)
        mentor = ctx.problem.person(person.mentor) if person.mentor else None
        for week in range(ctx.problem.weeks):
            blocks = count_of(by_week.get(week, []))
            most = _most_blocks(ctx, person, mentor, len(days[week]))
            missing = amount_below(
                ctx.model, wanted, blocks, f"trainee_practice[{person.id},{week}]"
            )

            def describe(value: ValueOf, blocks: object = blocks, wanted: int = wanted) -> str:
                return f"{value(blocks)} of {wanted} counter blocks wanted"  # type: ignore[arg-type]

            terms.append(
                PenaltyTerm(
                    "trainee_practice",
                    person.id,
                    week,
                    weight,
                    missing,
                    describe,
                    least=max(0, wanted - most),
                )
            )
    return terms


def _most_blocks(ctx: BuildContext, trainee: Person, mentor: Person | None, days: int) -> int:
    """The most counter blocks `trainee` can have in a week with counter blocks on `days`
    days: the daily limit, their own weekly limit, and their mentor's (who sits beside them)."""
    most = days * ctx.problem.rules.max_front_blocks_per_day
    for person in (trainee, mentor):
        if person is not None and person.max_front_blocks is not None:
            most = min(most, person.max_front_blocks)
    return most
