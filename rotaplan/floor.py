"""The soft goals' floor: what every rota costs at least, known before the search.

Each penalty term knows what it costs at least from its own person's rules
(`PenaltyTerm.least`: hours a part-timer cannot reach with whole blocks, a
trainee's practice in a theory week). A trainee and their mentor depend on
each other: the trainee sits at the counter only beside the mentor, so the
trainee's practice costs the mentor counter time beyond their fair part, or
hours, and a mentor away on the trainee's days leaves practice that cannot
happen. No term sees that alone. So the mentors' and trainees' part of the
floor is proven by CP-SAT on a relaxation of the whole model: their
assignments, and only the rules that mention nobody else
(`SubModels.relaxation`). Every rota keeps those rules, so what these
people's terms cost there is at least what they cost in any rota, and the
other terms keep their own least.

On 300 people over 4 weeks the floor rises from 10,090 to 10,340 (21 mentors,
one solve of 0.29 units of work, 1.1-1.9 s here), the bound that office
reports, since it has no first solve to prove one (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotaplan.neighbourhood import SearchIndex, linear_sum
from rotaplan.problem import Problem


@dataclass(frozen=True)
class Floor:
    """What some people's soft costs are at least: `least` by each term's own count,
    `proven` on their relaxation (never below `least`)."""

    least: int
    proven: int

    @classmethod
    def of(cls, least: int, proven: int | None) -> Floor:
        """The floor of terms whose own least is `least`, raised to `proven` (the bound a
        solve of their relaxation proved; None if it proved none)."""
        return cls(least, least if proven is None else max(least, proven))


def mentors_and_trainees(problem: Problem) -> tuple[str, ...]:
    """Every trainee with a mentor, and the mentors, in file order."""
    mentors = {p.mentor for p in problem.people if p.trainee and p.mentor is not None}
    return tuple(
        p.id for p in problem.people if p.id in mentors or (p.trainee and p.mentor is not None)
    )


def relaxation_of(
    index: SearchIndex, people: tuple[str, ...]
) -> tuple[int, cp_model.CpModel | None]:
    """What `people`'s soft terms cost at least by their own count, and the relaxation
    whose proven bound may raise that (None if they have no soft terms)."""
    members = set(people)
    terms = [(term, linear) for term, staff, linear in index.costs.terms if staff in members]
    least = sum(term.weight * term.least for term, _linear in terms)
    if not terms:
        return least, None
    free = {var for staff in people for var in index.picker.by_person[staff]}
    relaxed = index.graph.relaxation(free, linear_sum([linear for _term, linear in terms]))
    return least, relaxed.model
