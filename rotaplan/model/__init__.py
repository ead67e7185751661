"""The CP-SAT model of a rota. `RULES` is the table of contents: every rule, in build order."""

from __future__ import annotations

from collections.abc import Callable

from rotaplan.model.context import BuildContext, Term
from rotaplan.model.cover import add_back_min, add_back_skills, add_counter_seats, add_front_skills
from rotaplan.model.fairness import add_fairness
from rotaplan.model.hours import add_hours_below_share
from rotaplan.model.limits import (
    add_max_front_blocks,
    add_max_front_blocks_per_day,
    add_max_hours_per_day,
    add_max_hours_share,
)
from rotaplan.model.placement import add_availability, add_one_area_per_block
from rotaplan.model.trainees import add_trainee_practice, add_trainee_with_mentor

Rule = Callable[[BuildContext], list[Term]]

# Hard rules: every rota keeps them. Cover rules return the shortfall terms
# that the solver minimises level by level.
HARD_RULES: tuple[Rule, ...] = (
    add_availability,
    add_one_area_per_block,
    add_counter_seats,
    add_front_skills,
    add_back_min,
    add_back_skills,
    add_trainee_with_mentor,
    add_max_front_blocks,
    add_max_front_blocks_per_day,
    add_max_hours_per_day,
    add_max_hours_share,
)

# Soft rules: weighed after the shortfalls. `add_fairness` needs
# ctx.counter_minutes, known once the seat shortfall is fixed.
SOFT_RULES: tuple[Rule, ...] = (
    add_hours_below_share,
    add_fairness,
    add_trainee_practice,
)

RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES

__all__ = ["HARD_RULES", "RULES", "SOFT_RULES", "BuildContext", "Rule", "Term"]
