"""Which single changes to try for a group of shortfalls, least disruptive first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping

from rotaplan.explain.changes import (
    AddPeople,
    Change,
    DemandCut,
    DropAbsence,
    LowerDemand,
    RaiseMaxFrontBlocks,
    RaiseRule,
)
from rotaplan.explain.reasons import _RotaFacts
from rotaplan.explain.types import Candidate, Gap, Group, ReasonKind
from rotaplan.problem import Problem, StaffId

# Changes tried per group, and per-person changes of one kind among them.
MAX_CHANGES_PER_GROUP = 20
MAX_PERSON_CHANGES = 8


def lower_demand(problem: Problem, group: Group) -> LowerDemand:
    """The last-resort change for `group`: its demand lowered by what is missing."""
    return _lower_demand(problem, group.date, group.area, group.what, group.gaps)


def _changes(
    facts: _RotaFacts,
    date: dt.date,
    area: str,
    what: str,
    gaps: tuple[Gap, ...],
    candidates: tuple[Candidate, ...],
) -> list[Change]:
    """Single changes worth trying, least disruptive first.

    One person's counter limit, then the office-wide counter limit a day, then
    calling someone back from leave, then longer working days (a legal limit
    in most places), then extra staff for that day, and lowering the demand
    last: that one always fills the gap, as the rota we have already shows.
    """
    problem = facts.problem
    rules = problem.rules

    def having(kind: ReasonKind) -> list[Candidate]:
        return [c for c in candidates if any(r.reason.kind is kind for r in c.reasons)]

    personal: list[Change] = []
    general: list[Change] = []
    if area == "front":
        for candidate in having(ReasonKind.COUNTER_WEEK)[:MAX_PERSON_CHANGES]:
            old = problem.person(candidate.staff).max_front_blocks
            if old is not None:
                personal.append(RaiseMaxFrontBlocks(candidate.staff, candidate.name, old, old + 1))
        if having(ReasonKind.COUNTER_TODAY):
            old_per_day = rules.max_front_blocks_per_day
            personal.append(RaiseRule("max_front_blocks_per_day", old_per_day, old_per_day + 1))
    for candidate in having(ReasonKind.ABSENT)[:MAX_PERSON_CHANGES]:
        personal.append(DropAbsence(candidate.staff, candidate.name, date))
    longest_days = [
        facts.minutes(candidate.staff, date=date) + facts.slot[(date, item.block)].minutes
        for candidate in having(ReasonKind.HOURS_DAY)
        for item in candidate.reasons
        if item.reason.kind is ReasonKind.HOURS_DAY
    ]
    if longest_days and min(longest_days) <= 24 * 60:
        general.append(
            RaiseRule("max_hours_per_day", rules.max_hours_per_day, min(longest_days) / 60)
        )
    general.append(_add_people(facts, date, area, what, gaps))
    general.append(_lower_demand(problem, date, area, what, gaps))
    return personal[: MAX_CHANGES_PER_GROUP - len(general)] + general


def _add_people(
    facts: _RotaFacts, date: dt.date, area: str, what: str, gaps: tuple[Gap, ...]
) -> AddPeople:
    """Enough extra people for the day: one per missing holder, fewer if one can do blocks."""
    rules = facts.problem.rules
    most = max(gap.shortfall.missing for gap in gaps)
    total = sum(gap.shortfall.missing for gap in gaps)
    if area == "front":
        blocks_each = max(1, rules.max_front_blocks_per_day)
    else:
        lengths = sorted(facts.slot[(date, gap.shortfall.block)].minutes for gap in gaps)
        day_cap = math.floor(rules.max_hours_per_day * 60)
        blocks_each = max(1, sum(1 for end in _running(lengths) if end <= day_cap))
    count = max(most, math.ceil(total / blocks_each))
    taken = {person.id for person in facts.problem.people}
    ids: list[StaffId] = []
    number = 1
    while len(ids) < count:
        candidate = f"extra-{number}"
        if candidate not in taken:
            ids.append(candidate)
        number += 1
    skill = None if what in ("seats", "min") else what
    return AddPeople(date, area, skill, count, tuple(ids))


def _lower_demand(
    problem: Problem, date: dt.date, area: str, what: str, gaps: tuple[Gap, ...]
) -> LowerDemand:
    cuts = []
    for gap in gaps:
        demand = problem.demand[(date, gap.shortfall.block)]
        after = gap.need - gap.shortfall.missing
        if area == "front" and what == "seats":
            # Skill needs never exceed the seats (the office file refuses that).
            needs = {skill: min(need, after) for skill, need in demand.front_needs.items()}
            new = dataclasses.replace(demand, seats=after, front_needs=_positive(needs))
        elif area == "front":
            needs = {**demand.front_needs, what: after}
            new = dataclasses.replace(demand, front_needs=_positive(needs))
        elif what == "min":
            new = dataclasses.replace(demand, back_min=after)
        else:
            needs = {**demand.back_needs, what: after}
            new = dataclasses.replace(demand, back_needs=_positive(needs))
        cuts.append(DemandCut(gap.shortfall.block, gap.need, after, new))
    return LowerDemand(date, area, what, tuple(cuts))


def _positive(needs: Mapping[str, int]) -> dict[str, int]:
    return {skill: count for skill, count in needs.items() if count > 0}


def _names(names: list[str], most: int) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" and {len(names) - most} more"


def _running(lengths: list[int]) -> list[int]:
    """Running totals of `lengths`."""
    totals, total = [], 0
    for length in lengths:
        total += length
        totals.append(total)
    return totals
