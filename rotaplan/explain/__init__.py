"""Why each shortfall is left, in the planner's words, and the smallest change that fills it.

`explain(problem, settings)` solves the office, groups the shortfalls by day
and cause (all blocks of one day short of the same thing), and for each group

1. lists who could have filled the gap (non-trainees holding the skill, and
   allowed at the counter for counter gaps) and why each of them did not:
   read from the problem (absent, school day, day pattern) and from the solved
   rota (already at the counter that day, weekly counter limit, hours share,
   daily hours, needed elsewhere in that block);
2. tries a short, fixed list of single changes, from least to most disruptive,
   and reports the first that fills the whole group without leaving any other
   gap of the same or an earlier shortfall level larger than in the rota.

Each change is applied to the resolved `Problem` (so no office file is
needed) and put to CP-SAT as a yes/no question: is there a rota of the
changed office with no gap in this group and no gap of this level or an
earlier one larger than now? That is one bounded feasibility solve per
change, hinted with the current rota, so the search stays small and
deterministic. This is why `search.py`, unlike `check.py` and `render.py`,
imports OR-Tools (the only module of this package that does).
Every change can also be written into the office file
(`apply_to_office`), which is what a planner would do.

`explain_text` renders the explanation. The library never prints.

Modules: `types` (the explanation's data), `reasons` (why each candidate
did not fill a gap), `changes` (the single changes and how each is made),
`propose` (which changes to try for a group), `search` (trying them with
the solver) and `text` (the planner's words).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from rotaplan.explain.changes import (
    EXTRA_PERSON_HOURS,
    AddPeople,
    Change,
    DemandCut,
    DropAbsence,
    LowerDemand,
    RaiseMaxFrontBlocks,
    RaiseRule,
)
from rotaplan.explain.propose import (
    MAX_CHANGES_PER_GROUP,
    MAX_PERSON_CHANGES,
    _changes,
    lower_demand,
)
from rotaplan.explain.reasons import _candidates, _could_fill, _RotaFacts
from rotaplan.explain.search import CHECK_WORK_SECONDS, _Search, _search
from rotaplan.explain.text import MAX_LISTED_PEOPLE, render
from rotaplan.explain.types import (
    BlockReason,
    Candidate,
    Explanation,
    Gap,
    Group,
    Reason,
    ReasonKind,
)
from rotaplan.model.context import LEVELS
from rotaplan.problem import Demand, Problem
from rotaplan.rota import Rota, Shortfall
from rotaplan.solve import SolveSettings, solve

# Changes tried over the whole explanation, so a bad week stays quick to explain.
MAX_CHECKS = 150


def explain(
    problem: Problem, settings: SolveSettings | None = None, *, rota: Rota | None = None
) -> Explanation:
    """Explain each group of shortfalls of `problem` and search its smallest fix.

    `rota` is the rota `solve(problem, settings)` made, if the caller has it
    already; otherwise the problem is solved here (the same settings give the
    same rota).
    """
    settings = settings or SolveSettings()
    if rota is None:
        rota = solve(problem, settings).rota
    elif rota.fingerprint not in (None, problem.fingerprint):
        raise ValueError("the rota was made for another office file")
    if not rota.shortfalls:
        return Explanation(problem.office_name, rota.status, (), ())
    facts = _RotaFacts(problem, rota)
    grouped = _grouped(problem, rota.shortfalls)
    parts = []
    for level, date, area, what, shortfalls in grouped:
        gaps = tuple(
            Gap(gap, _need(problem.demand[(gap.date, gap.block)], area, what)) for gap in shortfalls
        )
        candidates, counted = _candidates(facts, date, area, what, gaps)
        trainees = tuple(
            person.id
            for person in problem.people
            if person.trainee
            and _could_fill(person, area, what, trainee_ok=True)
            and problem.is_available(person.id, date)
        )
        changes = _changes(facts, date, area, what, gaps, candidates)
        group = Group(level, date, area, what, gaps, candidates, counted, trainees)
        parts.append((group, _Search(tuple(changes))))
    # First a fair part of the budget for each group, so a bad week's first groups leave
    # some for the last; then what is left, in order, for the groups still searching.
    checks_left = MAX_CHECKS
    for fair in (True, False):
        for index, (group, search) in enumerate(parts):
            if search.complete or checks_left <= 0:
                continue
            allowance = max(1, checks_left // (len(parts) - index)) if fair else checks_left
            done = _search(facts, group.level, group.gaps, search, allowance, settings)
            checks_left -= done.tried - search.tried
            parts[index] = (group, done)
    groups = tuple(
        dataclasses.replace(
            group,
            fix=search.fix,
            tried=search.tried,
            undecided=search.undecided,
            complete=search.complete,
        )
        for group, search in parts
    )
    return Explanation(problem.office_name, rota.status, rota.shortfalls, groups)


def explain_text(
    problem: Problem, settings: SolveSettings | None = None, *, rota: Rota | None = None
) -> str:
    """`explain`, rendered for the console: a heading per group, a few lines per person."""
    return render(problem, explain(problem, settings, rota=rota))


def level_of(area: str, what: str) -> str:
    """The shortfall level of a gap in `area` of `what` ("seats", "min" or a skill)."""
    if area == "front":
        return "front_seats" if what == "seats" else "front_skills"
    return "back_min" if what == "min" else "back_skills"


def _grouped(
    problem: Problem, shortfalls: Iterable[Shortfall]
) -> list[tuple[str, dt.date, str, str, list[Shortfall]]]:
    """Shortfalls by (date, area, what), in level, date and block order."""
    slot_order = {slot.key: index for index, slot in enumerate(problem.slots)}
    groups: dict[tuple[dt.date, str, str], list[Shortfall]] = defaultdict(list)
    for gap in shortfalls:
        groups[(gap.date, gap.area, gap.what)].append(gap)
    ordered = []
    for (date, area, what), gaps in groups.items():
        gaps.sort(key=lambda gap: slot_order[(gap.date, gap.block)])
        ordered.append((level_of(area, what), date, area, what, gaps))
    ordered.sort(
        key=lambda item: (
            LEVELS.index(item[0]),
            item[1],
            slot_order[(item[1], item[4][0].block)],
            item[3],
        )
    )
    return ordered


def _need(demand: Demand, area: str, what: str) -> int:
    if area == "front":
        return demand.seats if what == "seats" else demand.front_needs.get(what, 0)
    return demand.back_min if what == "min" else demand.back_needs.get(what, 0)


__all__ = [
    "CHECK_WORK_SECONDS",
    "EXTRA_PERSON_HOURS",
    "MAX_CHANGES_PER_GROUP",
    "MAX_CHECKS",
    "MAX_LISTED_PEOPLE",
    "MAX_PERSON_CHANGES",
    "AddPeople",
    "BlockReason",
    "Candidate",
    "Change",
    "DemandCut",
    "DropAbsence",
    "Explanation",
    "Gap",
    "Group",
    "LowerDemand",
    "RaiseMaxFrontBlocks",
    "RaiseRule",
    "Reason",
    "ReasonKind",
    "explain",
    "explain_text",
    "level_of",
    "lower_demand",
    "render",
]
