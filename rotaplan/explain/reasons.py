"""Why each person who could have filled a gap did not: read from the problem
(absent, school day, day pattern) and from the solved rota (counter limits,
hours, needed elsewhere)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from rotaplan.explain.types import BlockReason, Candidate, Gap, Reason, ReasonKind
from rotaplan.problem import DayStatus, Person, Problem, Slot, SlotKey, StaffId
from rotaplan.render import day_label, hours
from rotaplan.rota import Rota

_WEEKDAY_PLURAL = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


# Listing order: reasons that come from the rota first (they are the interesting ones),
# the calendar ones (which collapse into "and 7 more, all absent") last.
_KIND_ORDER = (
    ReasonKind.ELSEWHERE,
    ReasonKind.COUNTER_TODAY,
    ReasonKind.COUNTER_WEEK,
    ReasonKind.HOURS_SHARE,
    ReasonKind.HOURS_DAY,
    ReasonKind.COUNTER_FULL,
    ReasonKind.FREE,
    ReasonKind.ABSENT,
    ReasonKind.SCHOOL,
    ReasonKind.OFF,
)


class _RotaFacts:
    """The solved rota, indexed for the questions the reasons ask."""

    def __init__(self, problem: Problem, rota: Rota) -> None:
        self.problem = problem
        self.rota = rota
        self.slot = {slot.key: slot for slot in problem.slots}
        self.area: dict[tuple[StaffId, SlotKey], str] = {}
        self.by_person: dict[StaffId, list[tuple[Slot, str]]] = defaultdict(list)
        self.in_slot: dict[tuple[SlotKey, str], list[Person]] = defaultdict(list)
        for item in rota.assignments:
            slot = self.slot[(item.date, item.block)]
            self.area[(item.staff, slot.key)] = item.area
            self.by_person[item.staff].append((slot, item.area))
            self.in_slot[(slot.key, item.area)].append(problem.person(item.staff))

    def counted(self, slot: SlotKey, area: str, skill: str | None = None) -> list[Person]:
        """Non-trainees in `area` during `slot` (holding `skill`, if given)."""
        return [
            person
            for person in self.in_slot.get((slot, area), [])
            if not person.trainee and (skill is None or person.has_skill(skill))
        ]

    def minutes(
        self, staff: StaffId, *, week: int | None = None, date: dt.date | None = None
    ) -> int:
        """Minutes `staff` works in a week or on a date."""
        return sum(
            slot.minutes
            for slot, _area in self.by_person.get(staff, [])
            if (week is None or slot.week == week) and (date is None or slot.date == date)
        )

    def counter_blocks(self, staff: StaffId, week: int) -> list[Slot]:
        """The counter blocks of `staff` in `week`."""
        return [
            slot
            for slot, area in self.by_person.get(staff, [])
            if area == "front" and slot.week == week
        ]


def _could_fill(person: Person, area: str, what: str, *, trainee_ok: bool = False) -> bool:
    if person.trainee and not trainee_ok:
        return False
    if area == "front" and not person.front_allowed:
        return False
    return what in ("seats", "min") or person.has_skill(what)


def _candidates(
    facts: _RotaFacts, date: dt.date, area: str, what: str, gaps: tuple[Gap, ...]
) -> tuple[tuple[Candidate, ...], tuple[StaffId, ...]]:
    candidates = []
    counted = []
    for person in facts.problem.people:
        if not _could_fill(person, area, what):
            continue
        reasons = []
        for gap in gaps:
            slot = facts.slot[(date, gap.shortfall.block)]
            reason = _reason(facts, person, slot, area, what)
            if reason is not None:
                reasons.append(BlockReason(slot.block, reason))
        if reasons:
            candidates.append(Candidate(person.id, person.name, tuple(reasons)))
        else:
            counted.append(person.id)
    candidates.sort(key=lambda candidate: _KIND_ORDER.index(candidate.first_kind))
    return tuple(candidates), tuple(counted)


def _reason(facts: _RotaFacts, person: Person, slot: Slot, area: str, what: str) -> Reason | None:
    """Why `person` does not count towards `area`/`what` in `slot`; None if they do.

    The first reason that holds wins: the calendar, then the counter limits,
    then hours (only if they would have to work one block more), then where
    they are instead.
    """
    del what  # `person` holds it: only people who could fill the gap are asked
    status = facts.problem.status[(person.id, slot.date)]
    if status is DayStatus.ABSENT:
        return Reason(ReasonKind.ABSENT, "absent")
    if status is DayStatus.SCHOOL:
        return Reason(ReasonKind.SCHOOL, "school day")
    if status is not DayStatus.AVAILABLE:
        plural = _WEEKDAY_PLURAL[slot.date.weekday()]
        return Reason(ReasonKind.OFF, f"does not work on {plural} (day pattern)")
    here = facts.area.get((person.id, slot.key))
    if here == area:
        return None
    if area == "front":
        limit = _counter_limit(facts, person, slot)
        if limit is not None:
            return limit
    if here is None:
        return _hours_limit(facts, person, slot) or _free(facts, slot, area)
    return Reason(ReasonKind.ELSEWHERE, _elsewhere(facts, person, slot, here))


def _counter_limit(facts: _RotaFacts, person: Person, slot: Slot) -> Reason | None:
    """`max_front_blocks_per_day` or `max_front_blocks`, if one more counter block breaks it."""
    blocks = [b for b in facts.counter_blocks(person.id, slot.week) if b.key != slot.key]
    today = [b.block for b in blocks if b.date == slot.date]
    per_day = facts.problem.rules.max_front_blocks_per_day
    if len(today) >= per_day:
        return Reason(
            ReasonKind.COUNTER_TODAY,
            f"at the counter in the {', '.join(today)} that day already "
            f"(max_front_blocks_per_day {per_day})"
            if today
            else "may not sit at the counter at all (max_front_blocks_per_day 0)",
        )
    weekly = person.max_front_blocks
    if weekly is not None and len(blocks) >= weekly:
        used = ", ".join(f"{day_label(b.date)} {b.block}" for b in blocks)
        return Reason(
            ReasonKind.COUNTER_WEEK,
            f"weekly counter limit used up: {used} (max_front_blocks {weekly})"
            if blocks
            else "no counter blocks this week (max_front_blocks 0)",
        )
    return None


def _hours_limit(facts: _RotaFacts, person: Person, slot: Slot) -> Reason | None:
    """The hours share of the week or `max_hours_per_day`, if one more block breaks it."""
    share = facts.problem.shares[(person.id, slot.week)]
    planned = facts.minutes(person.id, week=slot.week)
    if planned + slot.minutes > share:
        return Reason(
            ReasonKind.HOURS_SHARE,
            f"hours share used up: {hours(planned)} of {hours(share)} h this week, "
            f"the block needs {hours(slot.minutes)} h"
            if planned
            else f"hours share this week ({hours(share)} h) is shorter than the block "
            f"({hours(slot.minutes)} h)",
        )
    today = facts.minutes(person.id, date=slot.date)
    limit = facts.problem.rules.max_hours_per_day
    if today + slot.minutes > math.floor(limit * 60):
        return Reason(
            ReasonKind.HOURS_DAY,
            f"would work {hours(today + slot.minutes)} h that day, over max_hours_per_day {limit:g}"
            if today
            else f"the block is longer than max_hours_per_day {limit:g}",
        )
    return None


def _free(facts: _RotaFacts, slot: Slot, area: str) -> Reason:
    """A person with room in every limit who is free in the block."""
    seated = facts.counted(slot.key, "front")
    if area == "front" and len(seated) >= facts.problem.demand[slot.key].seats:
        return Reason(
            ReasonKind.COUNTER_FULL,
            f"free then, but all {len(seated)} counter seats are taken by people needed there",
        )
    unproven = "" if facts.rota.status == "optimal" else " (the solver stopped before its proof)"
    return Reason(ReasonKind.FREE, "free then" + unproven)


def _elsewhere(facts: _RotaFacts, person: Person, slot: Slot, here: str) -> str:
    """Where the person works in the block instead, and why they are needed there."""
    demand = facts.problem.demand[slot.key]
    needed = []
    if here == "back":
        text = "in the back office then"
        if demand.back_min and len(facts.counted(slot.key, "back")) <= demand.back_min:
            needed.append(f"at its minimum of {demand.back_min}")
        needs = demand.back_needs
    else:
        text = "at the counter then"
        needed.append(f"holding one of its {demand.seats} seats")
        needs = demand.front_needs
    for skill, need in sorted(needs.items()):
        if person.has_skill(skill) and len(facts.counted(slot.key, here, skill)) <= need:
            needed.append(
                f"the only one with '{skill}'" if need == 1 else f"one of {need} with '{skill}'"
            )
    return ", ".join([text, *needed])
