"""What every rule builder receives and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rotaplan.model.variables import Assignments
from rotaplan.problem import Problem, Slot, StaffId

Expr = cp_model.LinearExpr | int
ValueOf = Callable[[Expr], int]

# The shortfall levels, minimised one after the other in this order (SPEC).
LEVELS: tuple[str, ...] = ("front_seats", "front_skills", "back_min", "back_skills")


@dataclass(frozen=True)
class ShortfallTerm:
    """A gap variable of one cover rule in one slot: `missing >= need - covered`."""

    level: str
    slot: Slot
    area: str
    what: str
    need: int
    covered: Expr  # how many count towards the need
    missing: cp_model.IntVar


@dataclass(frozen=True)
class PenaltyTerm:
    """One soft cost: `weight * amount`, `amount` an expression equal to the exact cost unit.

    `least` is what `amount` is in every rota at least, known without solving (a person
    who cannot reach their hours target with whole blocks, say).
    """

    rule: str
    staff: StaffId | None
    week: int | None
    weight: int
    amount: Expr
    describe: Callable[[ValueOf], str]
    least: int = 0


Term = ShortfallTerm | PenaltyTerm


@dataclass
class BuildContext:
    """The model under construction, the problem and the variables."""

    model: cp_model.CpModel
    problem: Problem
    vars: Assignments
    # The counter minutes every rota fills once the seat shortfall is fixed (set before
    # the soft rules are built; fairness shares them out).
    counter_minutes: int | None = None
    # Constraints (by index in the model) that every rota keeps anyway: cuts added for
    # the proof. The neighbourhoods' sub-models leave them out (rotaplan.neighbourhood).
    redundant: set[int] = field(default_factory=set)
