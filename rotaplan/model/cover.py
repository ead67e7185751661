"""Cover: counter seats, counter skills, back-office minimum and back-office skills.

Each rule returns one `ShortfallTerm` per gap that could occur; the solver
minimises the levels one after the other (front seats, front skills, back
minimum, back skills). Trainees never count towards any of them.
"""

from __future__ import annotations

from rotaplan.model.context import BuildContext, ShortfallTerm, Term
from rotaplan.model.helpers import count_of
from rotaplan.model.variables import Var
from rotaplan.problem import SlotKey


def _counted(
    ctx: BuildContext, slot_key: SlotKey, area: str, skill: str | None = None
) -> list[Var]:
    return [
        var
        for person, var in ctx.vars.in_slot(slot_key, area)
        if not person.trainee and (skill is None or person.has_skill(skill))
    ]


def add_counter_seats(ctx: BuildContext) -> list[Term]:
    """Exactly `front.seats` non-trainees at the counter, minus a listed shortfall."""
    terms: list[Term] = []
    for slot in ctx.problem.slots:
        seats = ctx.problem.demand[slot.key].seats
        seated = count_of(_counted(ctx, slot.key, "front"))
        missing = ctx.model.new_int_var(0, seats, f"missing[{slot.date},{slot.block},front,seats]")
        ctx.model.add(seated + missing == seats)
        terms.append(ShortfallTerm("front_seats", slot, "front", "seats", seats, seated, missing))
    return terms


def add_front_skills(ctx: BuildContext) -> list[Term]:
    """At least `front.needs[skill]` seated non-trainees holding each skill, or a shortfall."""
    return _skill_terms(ctx, "front", "front_skills")


def add_back_min(ctx: BuildContext) -> list[Term]:
    """At least `back.min` non-trainees in the back office, or a shortfall."""
    terms: list[Term] = []
    for slot in ctx.problem.slots:
        need = ctx.problem.demand[slot.key].back_min
        if need == 0:
            continue
        present = count_of(_counted(ctx, slot.key, "back"))
        missing = ctx.model.new_int_var(0, need, f"missing[{slot.date},{slot.block},back,min]")
        ctx.model.add(present + missing >= need)
        terms.append(ShortfallTerm("back_min", slot, "back", "min", need, present, missing))
    return terms


def add_back_skills(ctx: BuildContext) -> list[Term]:
    """At least `back.needs[skill]` back-office non-trainees holding each skill, or a shortfall."""
    return _skill_terms(ctx, "back", "back_skills")


def _skill_terms(ctx: BuildContext, area: str, level: str) -> list[Term]:
    terms: list[Term] = []
    for slot in ctx.problem.slots:
        demand = ctx.problem.demand[slot.key]
        needs = demand.front_needs if area == "front" else demand.back_needs
        for skill, need in sorted(needs.items()):
            holders = count_of(_counted(ctx, slot.key, area, skill))
            missing = ctx.model.new_int_var(
                0, need, f"missing[{slot.date},{slot.block},{area},{skill}]"
            )
            ctx.model.add(holders + missing >= need)
            terms.append(ShortfallTerm(level, slot, area, skill, need, holders, missing))
    return terms
