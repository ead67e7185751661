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
deterministic. This is why this module, unlike `check.py` and `render.py`,
imports OR-Tools. Every change can also be written into the office file
(`apply_to_office`), which is what a planner would do.

`explain_text` renders the explanation. The library never prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ortools.sat.python import cp_model

from rotaplan.config import (
    WEEKDAYS,
    BackOverride,
    DateRange,
    FrontOverride,
    Office,
    Rules,
    StaffSpec,
)
from rotaplan.model.build import build
from rotaplan.model.context import LEVELS
from rotaplan.problem import DayStatus, Demand, Person, Problem, Slot, SlotKey, StaffId
from rotaplan.render import day_label, hours
from rotaplan.rota import Rota, Shortfall
from rotaplan.solve import SolveSettings, solve

# People listed one by one per group; the rest are summed up in one line.
MAX_LISTED_PEOPLE = 5
# Changes tried per group, and per-person changes of one kind among them.
MAX_CHANGES_PER_GROUP = 20
MAX_PERSON_CHANGES = 8
# Changes tried over the whole explanation, so a bad week stays quick to explain.
MAX_CHECKS = 150
# Deterministic solver seconds per change tried (capped at the --time-limit). Hinted
# with the current rota, nine in ten answers come within 0.07 s even for a tight
# 60-person office over two weeks; the limit mostly bounds the time lost on a change
# the solver cannot settle.
CHECK_WORK_SECONDS = 0.5
# Contract hours of a hypothetical extra person: enough that the open hours of their
# one day, not the contract, limit them (a share is capped at the open hours).
EXTRA_PERSON_HOURS = 40.0

_WEEKDAY_PLURAL = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


class ReasonKind(StrEnum):
    """Why a person who could fill a gap did not (named after the rule where there is one)."""

    ABSENT = "absent"
    SCHOOL = "school"
    OFF = "day_pattern"
    COUNTER_TODAY = "max_front_blocks_per_day"
    COUNTER_WEEK = "max_front_blocks"
    HOURS_SHARE = "max_hours_share"
    HOURS_DAY = "max_hours_per_day"
    ELSEWHERE = "elsewhere"
    COUNTER_FULL = "counter_full"
    FREE = "free"


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
_KIND_SUMMARY = {
    ReasonKind.ABSENT: "absent",
    ReasonKind.SCHOOL: "at school",
    ReasonKind.OFF: "not working that weekday",
    ReasonKind.COUNTER_TODAY: "already at the counter that day",
    ReasonKind.COUNTER_WEEK: "at their weekly counter limit",
    ReasonKind.HOURS_SHARE: "with their hours share used up",
    ReasonKind.HOURS_DAY: "at the daily hours limit",
    ReasonKind.ELSEWHERE: "needed elsewhere",
    ReasonKind.COUNTER_FULL: "free but the counter is full",
    ReasonKind.FREE: "free",
}


@dataclass(frozen=True)
class Reason:
    """Why one person did not fill one block's gap: a kind and the planner's words."""

    kind: ReasonKind
    text: str


@dataclass(frozen=True)
class BlockReason:
    """The reason for one block of a group."""

    block: str
    reason: Reason


@dataclass(frozen=True)
class Candidate:
    """Someone who could have filled the gap, and why they did not, block by block."""

    staff: StaffId
    name: str
    reasons: tuple[BlockReason, ...]

    @property
    def first_kind(self) -> ReasonKind:
        """The kind of the first block's reason (used for ordering and summing up)."""
        return self.reasons[0].reason.kind


@dataclass(frozen=True)
class Gap:
    """One shortfall of a group with the demand it falls short of."""

    shortfall: Shortfall
    need: int

    @property
    def has(self) -> int:
        """How many count towards the need in the rota."""
        return self.need - self.shortfall.missing


@dataclass(frozen=True)
class DropAbsence:
    """Drop one person's absence on one date."""

    staff: StaffId
    name: str
    date: dt.date

    def describe(self) -> str:
        """The change in the planner's words."""
        return f"drop {self.name}'s absence on {day_label(self.date)}"

    def apply(self, problem: Problem) -> Problem | None:
        """The problem with the change made; None if it cannot be derived exactly."""
        if problem.status[(self.staff, self.date)] is not DayStatus.ABSENT:
            return None
        status = dict(problem.status)
        status[(self.staff, self.date)] = DayStatus.AVAILABLE
        week = problem.week_of(self.date)
        share = _share_with(problem, self.staff, week, status)
        if share is None:
            return None
        shares = dict(problem.shares)
        shares[(self.staff, week)] = share
        return dataclasses.replace(problem, status=status, shares=shares)

    def apply_to_office(self, office: Office) -> Office:
        """The office file with the change made."""
        kept: list[dt.date | DateRange] = []
        for entry in _spec(office, self.staff).absent:
            if isinstance(entry, DateRange):
                if entry.start <= self.date <= entry.end:
                    day = dt.timedelta(days=1)
                    if entry.start < self.date:
                        kept.append(_date_range(entry.start, self.date - day))
                    if self.date < entry.end:
                        kept.append(_date_range(self.date + day, entry.end))
                    continue
            elif entry == self.date:
                continue
            kept.append(entry)
        return _with_staff(office, self.staff, {"absent": kept})


@dataclass(frozen=True)
class RaiseMaxFrontBlocks:
    """Raise one person's weekly counter limit."""

    staff: StaffId
    name: str
    old: int
    new: int

    def describe(self) -> str:
        """The change in the planner's words."""
        return f"raise {self.name}'s max_front_blocks from {self.old} to {self.new}"

    def apply(self, problem: Problem) -> Problem | None:
        """The problem with the change made."""
        people = tuple(
            dataclasses.replace(person, max_front_blocks=self.new)
            if person.id == self.staff
            else person
            for person in problem.people
        )
        return dataclasses.replace(problem, people=people)

    def apply_to_office(self, office: Office) -> Office:
        """The office file with the change made."""
        return _with_staff(office, self.staff, {"max_front_blocks": self.new})


@dataclass(frozen=True)
class RaiseRule:
    """Raise an office-wide limit under `rules:`."""

    rule: str  # "max_front_blocks_per_day" or "max_hours_per_day"
    old: float
    new: float

    def describe(self) -> str:
        """The change in the planner's words."""
        return f"raise rules.{self.rule} from {self.old:g} to {self.new:g}"

    def apply(self, problem: Problem) -> Problem | None:
        """The problem with the change made."""
        return dataclasses.replace(problem, rules=self._rules(problem.rules))

    def apply_to_office(self, office: Office) -> Office:
        """The office file with the change made."""
        return office.model_copy(update={"rules": self._rules(office.rules)})

    def _rules(self, rules: Rules) -> Rules:
        new: float | int = int(self.new) if self.rule == "max_front_blocks_per_day" else self.new
        return rules.model_copy(update={self.rule: new})


@dataclass(frozen=True)
class AddPeople:
    """Hypothetical extra staff, working only on one date, holding one skill (or none)."""

    date: dt.date
    area: str
    skill: str | None
    count: int
    ids: tuple[StaffId, ...]  # fresh ids, not on the staff list

    def describe(self) -> str:
        """The change in the planner's words."""
        who = "one more person" if self.count == 1 else f"{self.count} more people"
        skill = f" with skill '{self.skill}'" if self.skill else ""
        place = "the counter" if self.area == "front" else "the back office"
        return f"{who}{skill} for {place} on {day_label(self.date)} (working that day only)"

    def apply(self, problem: Problem) -> Problem | None:
        """The problem with the people added (as `apply_to_office` and `resolve` would)."""
        status = dict(problem.status)
        shares = dict(problem.shares)
        people = list(problem.people)
        someone = problem.people[0].id
        target_week = problem.week_of(self.date)
        open_minutes = sum(slot.minutes for slot in problem.slots if slot.date == self.date)
        for number, staff in enumerate(self.ids, start=1):
            people.append(
                Person(
                    id=staff,
                    name=_extra_name(number),
                    hours=EXTRA_PERSON_HOURS,
                    skills=frozenset([self.skill] if self.skill else []),
                    front_allowed=True,
                    trainee=False,
                    mentor=None,
                    max_front_blocks=None,
                    min_front_blocks=None,
                )
            )
            for date in problem.dates:
                known = problem.status[(someone, date)]
                day_status: DayStatus
                if known in (DayStatus.HOLIDAY, DayStatus.CLOSED):
                    day_status = known
                elif date == self.date:
                    day_status = DayStatus.AVAILABLE
                elif date.weekday() == self.date.weekday():
                    day_status = DayStatus.ABSENT
                else:
                    day_status = DayStatus.OFF
                status[(staff, date)] = day_status
            for week in range(problem.weeks):
                shares[(staff, week)] = (
                    min(math.floor(EXTRA_PERSON_HOURS * 60), open_minutes)
                    if week == target_week
                    else 0
                )
        return dataclasses.replace(problem, people=tuple(people), status=status, shares=shares)

    def apply_to_office(self, office: Office) -> Office:
        """The office file with the people added to `staff:`."""
        weekday = WEEKDAYS[self.date.weekday()]
        others = [
            office.period.start + dt.timedelta(days=7 * week + self.date.weekday())
            for week in range(office.period.weeks)
        ]
        absent = [date for date in others if date != self.date]
        extra = [
            StaffSpec.model_validate(
                {
                    "id": staff,
                    "name": _extra_name(number),
                    "hours": EXTRA_PERSON_HOURS,
                    "skills": [self.skill] if self.skill else [],
                    "days": [weekday],
                    "absent": absent,
                }
            )
            for number, staff in enumerate(self.ids, start=1)
        ]
        return office.model_copy(update={"staff": [*office.staff, *extra]})


@dataclass(frozen=True)
class DemandCut:
    """One block's demand before and after lowering it."""

    block: str
    before: int
    after: int
    demand: Demand  # the block's whole demand after the cut


@dataclass(frozen=True)
class LowerDemand:
    """Lower a seat count, minimum or skill need by what is missing (the last resort)."""

    date: dt.date
    area: str
    what: str
    cuts: tuple[DemandCut, ...]

    def describe(self) -> str:
        """The change in the planner's words."""
        if self.area == "front":
            thing = (
                "the counter seats"
                if self.what == "seats"
                else f"the need for skill '{self.what}' at the counter"
            )
        else:
            thing = (
                "the back-office minimum"
                if self.what == "min"
                else f"the need for skill '{self.what}' in the back office"
            )
        steps = " and ".join(f"{cut.block} from {cut.before} to {cut.after}" for cut in self.cuts)
        return f"lower {thing} on {day_label(self.date)} {steps}"

    def apply(self, problem: Problem) -> Problem | None:
        """The problem with the demand lowered."""
        demand = dict(problem.demand)
        for cut in self.cuts:
            demand[(self.date, cut.block)] = cut.demand
        return dataclasses.replace(problem, demand=demand)

    def apply_to_office(self, office: Office) -> Office:
        """The office file with one override per block added (later overrides win)."""
        if self.area == "front":
            front = [
                FrontOverride.model_validate(
                    {
                        "dates": [self.date],
                        "blocks": [cut.block],
                        "seats": cut.demand.seats,
                        "needs": dict(cut.demand.front_needs),
                    }
                )
                for cut in self.cuts
            ]
            demand = office.front.model_copy(
                update={"overrides": [*office.front.overrides, *front]}
            )
            return office.model_copy(update={"front": demand})
        back = [
            BackOverride.model_validate(
                {
                    "dates": [self.date],
                    "blocks": [cut.block],
                    "min": cut.demand.back_min,
                    "needs": dict(cut.demand.back_needs),
                }
            )
            for cut in self.cuts
        ]
        updated = office.back.model_copy(update={"overrides": [*office.back.overrides, *back]})
        return office.model_copy(update={"back": updated})


Change = DropAbsence | RaiseMaxFrontBlocks | RaiseRule | AddPeople | LowerDemand


@dataclass(frozen=True)
class Group:
    """Shortfalls of one day and one cause, who could have filled them, and the fix found."""

    level: str  # one of LEVELS
    date: dt.date
    area: str
    what: str  # "seats", "min" or a skill
    gaps: tuple[Gap, ...]  # in block order
    candidates: tuple[Candidate, ...]  # in listing order
    counted: tuple[StaffId, ...]  # could fill it and already count in every block of it
    trainees: tuple[StaffId, ...]  # trainees who hold what is missing (never counted)
    fix: Change | None = None  # the first change tried that fills the whole group
    tried: int = 0  # changes put to the solver
    undecided: int = 0  # of those, how many the solver could not settle in its time
    complete: bool = False  # False when the explanation's search budget ran out first

    @property
    def blocks(self) -> tuple[str, ...]:
        """The blocks of the group, in time order."""
        return tuple(gap.shortfall.block for gap in self.gaps)


@dataclass(frozen=True)
class Explanation:
    """Every shortfall of a solved office, grouped and explained."""

    office: str
    status: str  # of the rota the shortfalls come from: "optimal" or "feasible"
    shortfalls: tuple[Shortfall, ...]
    groups: tuple[Group, ...]


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


def render(problem: Problem, explanation: Explanation) -> str:
    """The explanation in the planner's words."""
    if not explanation.shortfalls:
        return f"No shortfalls in {explanation.office}: every seat, minimum and skill is covered."
    count = len(explanation.shortfalls)
    groups = len(explanation.groups)
    lines = [
        f"{explanation.office}: {count} shortfall{'s' * (count != 1)} in "
        f"{groups} group{'s' * (groups != 1)}."
    ]
    if explanation.status != "optimal":
        lines.append(
            "The solver stopped before proving these gaps unavoidable; a longer --time-limit "
            "may close some."
        )
    for group in explanation.groups:
        lines.append("")
        lines.extend(_render_group(problem, group))
    return "\n".join(lines)


def lower_demand(problem: Problem, group: Group) -> LowerDemand:
    """The last-resort change for `group`: its demand lowered by what is missing."""
    return _lower_demand(problem, group.date, group.area, group.what, group.gaps)


def level_of(area: str, what: str) -> str:
    """The shortfall level of a gap in `area` of `what` ("seats", "min" or a skill)."""
    if area == "front":
        return "front_seats" if what == "seats" else "front_skills"
    return "back_min" if what == "min" else "back_skills"


# --- reasons -------------------------------------------------------------------------------


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


# --- changes -------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Search:
    """Where the search for one group's fix stands."""

    changes: tuple[Change, ...]
    fix: Change | None = None
    tried: int = 0
    undecided: int = 0
    position: int = 0  # the next change to try

    @property
    def complete(self) -> bool:
        """True once a fix is found or every change was tried."""
        return self.fix is not None or self.position == len(self.changes)


def _search(
    facts: _RotaFacts,
    level: str,
    gaps: tuple[Gap, ...],
    search: _Search,
    allowance: int,
    settings: SolveSettings,
) -> _Search:
    """Go on trying changes in order, at most `allowance` more; the first that fills wins."""
    baseline = {_key_of(gap): gap.missing for gap in facts.rota.shortfalls}
    tried, undecided, position = search.tried, search.undecided, search.position
    budget = allowance
    while position < len(search.changes) and budget > 0:
        change = search.changes[position]
        changed = change.apply(facts.problem)
        position += 1
        if changed is None:
            continue
        budget -= 1
        tried += 1
        verdict = _fills(changed, facts.rota, baseline, level, gaps, settings)
        if verdict is None:
            undecided += 1
        elif verdict:
            return _Search(search.changes, change, tried, undecided, position)
    return _Search(search.changes, None, tried, undecided, position)


def _fills(
    changed: Problem,
    rota: Rota,
    baseline: Mapping[tuple[dt.date, str, str, str], int],
    level: str,
    gaps: tuple[Gap, ...],
    settings: SolveSettings,
) -> bool | None:
    """Is there a rota of `changed` with no gap in `gaps` and no other gap up to `level` larger?

    None when the solver could not tell within its deterministic time.
    """
    built = build(changed)
    last = LEVELS.index(level)
    targets = {_key_of(gap.shortfall) for gap in gaps}
    for term in built.shortfalls:
        if LEVELS.index(term.level) > last:
            continue
        key = (term.slot.date, term.slot.block, term.area, term.what)
        built.model.add(term.missing <= (0 if key in targets else baseline.get(key, 0)))
    # Every hard rule stays within one week, and in any other week than the group's a
    # change tried at most relaxes a limit, so the rota we have stays valid there: keep
    # it, for a smaller question with the same answer.
    week = changed.week_of(gaps[0].shortfall.date)
    assigned = {(item.staff, (item.date, item.block), item.area) for item in rota.assignments}
    for variable_key, var in built.ctx.vars.keyed().items():
        value = int(variable_key in assigned)
        if changed.week_of(variable_key[1][0]) == week:
            built.model.add_hint(var, value)
        else:
            built.model.add(var == value)
    solver = cp_model.CpSolver()
    work = max(min(CHECK_WORK_SECONDS, settings.time_limit), 0.01)
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = 2 * work + 2  # a safety net only
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.workers
    if settings.workers > 1:
        solver.parameters.interleave_search = True  # keeps multi-worker search deterministic
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


# --- rendering -----------------------------------------------------------------------------


def _render_group(problem: Problem, group: Group) -> list[str]:
    lines = [f"{day_label(group.date)} {', '.join(group.blocks)}: {_heading(group)}"]
    lines.append(f"  {_who_could(group)}:")
    shown = list(group.candidates)
    if len(shown) > MAX_LISTED_PEOPLE + 1:
        shown = shown[:MAX_LISTED_PEOPLE]
    for candidate in shown:
        lines.append(f"    {candidate.name}: {_person_reasons(group, candidate)}")
    rest = group.candidates[len(shown) :]
    if rest:
        kinds = [_KIND_SUMMARY[candidate.first_kind] for candidate in rest]
        if len(set(kinds)) == 1:
            lines.append(f"    and {len(rest)} more, all {kinds[0]}")
        else:
            tally = ", ".join(f"{kinds.count(kind)} {kind}" for kind in dict.fromkeys(kinds))
            lines.append(f"    and {len(rest)} more: {tally}")
    if not group.candidates:
        names = [problem.person(staff).name for staff in group.counted]
        lines.append(
            f"    nobody else: everyone who could is already there ({_names(names, 6)})"
            if names
            else "    nobody on the staff list could"
        )
    if group.trainees:
        names = [problem.person(staff).name for staff in group.trainees]
        lines.append(f"  Trainees never count towards it: {_names(names, 6)}.")
    lines.append(f"  {_fix_line(group)}")
    return lines


def _heading(group: Group) -> str:
    if group.area == "front":
        thing = (
            "counter seats not filled"
            if group.what == "seats"
            else f"too few at the counter with skill '{group.what}'"
        )
    else:
        thing = (
            "back office below its minimum"
            if group.what == "min"
            else f"too few in the back office with skill '{group.what}'"
        )
    counts = ", ".join(
        (f"{gap.shortfall.block} " if len(group.gaps) > 1 else "") + f"{gap.has} of {gap.need}"
        for gap in group.gaps
    )
    return f"{thing} ({counts})"


def _who_could(group: Group) -> str:
    if group.what in ("seats", "min"):
        holding = "non-trainees"
    else:
        holding = f"non-trainees with skill '{group.what}'"
    if group.area == "front":
        return f"Could sit there ({holding} who may work the counter)"
    return f"Could work there ({holding})"


def _person_reasons(group: Group, candidate: Candidate) -> str:
    texts = [item.reason.text for item in candidate.reasons]
    if len(set(texts)) == 1 and len(candidate.reasons) == len(group.gaps):
        return texts[0]
    return "; ".join(f"{item.block}: {item.reason.text}" for item in candidate.reasons)


def _fix_line(group: Group) -> str:
    if group.fix is not None:
        return f"Smallest change that fills it: {group.fix.describe()}."
    if not group.complete:
        searched = f" after {group.tried} tried" if group.tried else ""
        return f"No change found: the explanation's search limit was reached{searched}."
    unsettled = (
        f" ({group.undecided} could not be settled in time; a longer --time-limit may)"
        if group.undecided
        else ""
    )
    return f"No single change tried fills it ({group.tried} tried){unsettled}."


# --- helpers -------------------------------------------------------------------------------


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


def _key_of(gap: Shortfall) -> tuple[dt.date, str, str, str]:
    return (gap.date, gap.block, gap.area, gap.what)


def _need(demand: Demand, area: str, what: str) -> int:
    if area == "front":
        return demand.seats if what == "seats" else demand.front_needs.get(what, 0)
    return demand.back_min if what == "min" else demand.back_needs.get(what, 0)


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


def _date_range(start: dt.date, end: dt.date) -> DateRange:
    return DateRange.model_validate({"from": start, "to": end})


def _extra_name(number: int) -> str:
    return f"Extra colleague {number}"


def _spec(office: Office, staff: StaffId) -> StaffSpec:
    return next(spec for spec in office.staff if spec.id == staff)


def _with_staff(office: Office, staff: StaffId, update: dict[str, object]) -> Office:
    people = [spec.model_copy(update=update) if spec.id == staff else spec for spec in office.staff]
    return office.model_copy(update={"staff": people})


def _share_with(
    problem: Problem, staff: StaffId, week: int, status: Mapping[tuple[StaffId, dt.date], DayStatus]
) -> int | None:
    """A person's share of `week` under a changed `status`, as `resolve` computes it.

    The formula needs the number of opening weekdays in the person's pattern,
    which the problem does not keep: it is read back from the day statuses,
    and where a weekday is a holiday on every date of the period, from the
    shares themselves. None if that still leaves more than one answer.
    """
    person = problem.person(staff)
    known = unknown = 0
    for weekday in range(7):
        seen = [
            problem.status[(staff, date)]
            for date in problem.dates
            if date.weekday() == weekday and date not in problem.holidays
        ]
        if not seen:
            unknown += 1
        elif any(state not in (DayStatus.CLOSED, DayStatus.OFF) for state in seen):
            known += 1
    open_minutes: dict[dt.date, int] = defaultdict(int)
    for slot in problem.slots:
        open_minutes[slot.date] += slot.minutes

    def share(
        days: int, week_index: int, states: Mapping[tuple[StaffId, dt.date], DayStatus]
    ) -> int:
        dates = problem.dates[7 * week_index : 7 * week_index + 7]
        available = [date for date in dates if states[(staff, date)] is DayStatus.AVAILABLE]
        if days == 0:
            return 0
        scaled = Fraction(str(person.hours)) * 60 * len(available) / days
        return min(math.floor(scaled), sum(open_minutes[date] for date in available))

    answers = {
        share(days, week, status)
        for days in range(known, known + unknown + 1)
        if all(
            share(days, index, problem.status) == problem.shares[(staff, index)]
            for index in range(problem.weeks)
        )
    }
    return answers.pop() if len(answers) == 1 else None
