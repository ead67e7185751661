"""Placement: where and when a person may work at all."""

from __future__ import annotations

from rotaplan.model.context import BuildContext, Term
from rotaplan.model.variables import Var
from rotaplan.problem import SlotKey


def add_availability(ctx: BuildContext) -> list[Term]:
    """Work only on open blocks of the period on days the person is available (SPEC rule 1).

    Enforced by the variable domain: `Assignments` creates no variable for a
    closed block, a holiday, an absence, a school day or a day outside the
    person's `days` pattern, and no front variable for `front: false` staff.
    """
    del ctx
    return []


def add_one_area_per_block(ctx: BuildContext) -> list[Term]:
    """A person is in at most one area per block."""
    for person in ctx.problem.people:
        by_slot: dict[SlotKey, list[Var]] = {}
        for slot, _area, var in ctx.vars.of_person(person.id):
            by_slot.setdefault(slot.key, []).append(var)
        for variables in by_slot.values():
            if len(variables) > 1:
                ctx.model.add_at_most_one(variables)
    return []
