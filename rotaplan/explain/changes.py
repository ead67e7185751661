"""The single changes an explanation tries, each made both to the resolved
`Problem` (`apply`) and to the office file (`apply_to_office`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rotaplan.config import (
    WEEKDAYS,
    BackOverride,
    DateRange,
    FrontOverride,
    Office,
    Rules,
    StaffSpec,
)
from rotaplan.problem import DayStatus, Demand, Person, Problem, StaffId
from rotaplan.render import day_label

# Contract hours of a hypothetical extra person: enough that the open hours of their
# one day, not the contract, limit them (a share is capped at the open hours).
EXTRA_PERSON_HOURS = 40.0


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
        front = self.area == "front"
        override: type[FrontOverride | BackOverride] = FrontOverride if front else BackOverride
        section: Any = office.front if front else office.back
        added = [
            override.model_validate(
                {"dates": [self.date], "blocks": [cut.block], **_override_fields(cut.demand, front)}
            )
            for cut in self.cuts
        ]
        updated = section.model_copy(update={"overrides": [*section.overrides, *added]})
        return office.model_copy(update={self.area: updated})


Change = DropAbsence | RaiseMaxFrontBlocks | RaiseRule | AddPeople | LowerDemand


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


def _override_fields(demand: Demand, front: bool) -> dict[str, Any]:
    """An override's demand fields for `demand`: the counter's or the back office's."""
    if front:
        return {"seats": demand.seats, "needs": dict(demand.front_needs)}
    return {"min": demand.back_min, "needs": dict(demand.back_needs)}
