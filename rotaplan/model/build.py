"""Building the model: variables, then every rule of `RULES`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rotaplan.model import HARD_RULES, SOFT_RULES
from rotaplan.model.context import BuildContext, PenaltyTerm, ShortfallTerm
from rotaplan.model.variables import Assignments
from rotaplan.problem import Problem


@dataclass
class BuiltModel:
    """The CP-SAT model with its variables and the ledger of shortfall and penalty terms."""

    ctx: BuildContext
    shortfalls: list[ShortfallTerm] = field(default_factory=list)
    penalties: list[PenaltyTerm] = field(default_factory=list)

    @property
    def model(self) -> cp_model.CpModel:
        """The CP-SAT model."""
        return self.ctx.model

    def add_soft_rules(self, counter_minutes: int) -> None:
        """Add the soft rules once the counter minutes to share out are known."""
        self.ctx.counter_minutes = counter_minutes
        for rule in SOFT_RULES:
            for term in rule(self.ctx):
                if isinstance(term, PenaltyTerm):
                    self.penalties.append(term)

    def least_penalty(self) -> int:
        """The least the soft goals cost in any rota: the sum of each penalty's weight times
        its `least` amount. A floor under CP-SAT's bound, which can be weaker: on 300 people
        over 4 weeks it reported 9,151 after its first soft-goal solve, where these certain
        costs alone come to 10,083."""
        return sum(term.weight * term.least for term in self.penalties)


def build(problem: Problem) -> BuiltModel:
    """Variables and hard rules (with their shortfall terms); soft rules come later."""
    model = cp_model.CpModel()
    ctx = BuildContext(model=model, problem=problem, vars=Assignments(model, problem))
    built = BuiltModel(ctx)
    for rule in HARD_RULES:
        for term in rule(ctx):
            if isinstance(term, ShortfallTerm):
                built.shortfalls.append(term)
    return built
