"""A fairer start for the soft goals: counter blocks traded between people.

The shortfall stages care only about cover, so their rota hands out the
counter unevenly: on a generated 300-person office over 4 weeks the first
soft-goal rota cost 368,833, 91 % of it fairness, and neighbourhoods needed
30 seconds to bring it near the bound. Most of that is undone by trades
inside one block: someone above their fair part goes to the back office and
someone below it who was in the back office takes their seat. A trade keeps
every hour total, every seat and the back-office head count; it is made only
where it keeps each skill need as covered as before, the newcomer's counter
limits (per day and per week), and no trainee left at the counter without
their mentor. A trainee short of practice moves from the back office to the
counter beside their mentor, and a trade that brings a mentor to the counter
counts the practice it makes possible.

Trades are taken greedily, block by block, best first, while they lower the
soft cost (fairness is convex, so single trades go a long way). The solver
re-checks the result with every rule before using it as a start
(`rotaplan.solve`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rotaplan.model.fairness import fairness_cost
from rotaplan.model.variables import Assignments
from rotaplan.problem import Person, Problem, Slot, SlotKey, StaffId

# Rounds over every block; each round that trades anything lowers the cost, so this only
# bounds the time on very large offices.
MOST_ROUNDS = 20


@dataclass
class _Rota:
    """Who is where, with the counts the trade rules need."""

    problem: Problem
    assignments: Assignments
    values: dict[int, int]
    fair: dict[StaffId, int]
    front: dict[SlotKey, list[Person]] = field(default_factory=lambda: defaultdict(list))
    back: dict[SlotKey, list[Person]] = field(default_factory=lambda: defaultdict(list))
    counter_minutes: Counter[StaffId] = field(default_factory=Counter)
    blocks_week: Counter[tuple[StaffId, int]] = field(default_factory=Counter)
    blocks_day: Counter[tuple[StaffId, object]] = field(default_factory=Counter)
    trainees_of: dict[StaffId, list[Person]] = field(default_factory=lambda: defaultdict(list))
    # (slot, area) -> skill -> how many non-trainees there hold it
    holders: dict[tuple[SlotKey, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def __post_init__(self) -> None:
        for person in self.problem.people:
            if person.trainee and person.mentor is not None:
                self.trainees_of[person.mentor].append(person)
        for slot in self.problem.slots:
            for area, seated in (("front", self.front), ("back", self.back)):
                for person, var in self.assignments.in_slot(slot.key, area):
                    if self.values[var.index]:
                        seated[slot.key].append(person)
                        self._count(person, slot, area, 1)

    def _count(self, person: Person, slot: Slot, area: str, step: int) -> None:
        if not person.trainee:
            self.holders[(slot.key, area)].update(dict.fromkeys(person.skills, step))
        if area == "front":
            self.counter_minutes[person.id] += step * slot.minutes
            self.blocks_week[(person.id, slot.week)] += step
            self.blocks_day[(person.id, slot.date)] += step

    def move(self, person: Person, slot: Slot, to: str) -> None:
        """Move `person` between the back office and the counter in `slot`."""
        source, target = (self.back, self.front) if to == "front" else (self.front, self.back)
        source[slot.key].remove(person)
        target[slot.key].append(person)
        self._count(person, slot, "back" if to == "front" else "front", -1)
        self._count(person, slot, to, 1)
        for area in ("front", "back"):
            var = self.assignments.works(person.id, slot.key, area)
            assert var is not None
            self.values[var.index] = int(area == to)

    def may_join_counter(self, person: Person, slot: Slot) -> bool:
        """Whether `person`, in the back office in `slot`, may move to its counter."""
        if self.assignments.works(person.id, slot.key, "front") is None:
            return False
        if self.blocks_day[(person.id, slot.date)] >= self.problem.rules.max_front_blocks_per_day:
            return False
        most = person.max_front_blocks
        return most is None or self.blocks_week[(person.id, slot.week)] < most

    def may_leave_counter(self, person: Person, slot: Slot) -> bool:
        """Whether `person`, at the counter in `slot`, may move to its back office."""
        if self.assignments.works(person.id, slot.key, "back") is None:
            return False
        trainees = self.trainees_of.get(person.id, ())
        return not any(trainee in self.front[slot.key] for trainee in trainees)

    def skills_kept(self, leaving: Person, joining: Person, slot: Slot) -> bool:
        """Whether `leaving` the counter for the back office and `joining` it from there leaves
        every skill need in `slot` at least as covered as before."""
        demand = self.problem.demand[slot.key]
        for needs, area, gone, come in (
            (demand.front_needs, "front", leaving, joining),
            (demand.back_needs, "back", joining, leaving),
        ):
            holders = self.holders[(slot.key, area)]
            for skill, need in needs.items():
                if gone.has_skill(skill) and not come.has_skill(skill) and holders[skill] <= need:
                    return False
        return True

    def fairness_change(self, person: Person, minutes: int) -> int:
        """The fairness cost change of `minutes` more counter time for `person`."""
        fair = self.fair.get(person.id)
        if fair is None:
            return 0
        now = self.counter_minutes[person.id]
        weight = self.problem.rules.weights.fairness
        return weight * (fairness_cost(now + minutes, fair) - fairness_cost(now, fair))

    def practice_wanted(self, trainee: Person, slot: Slot) -> bool:
        """Whether `trainee` is short of counter practice in `slot`'s week."""
        wanted = trainee.min_front_blocks or 0
        return self.blocks_week[(trainee.id, slot.week)] < wanted

    def learner(self, mentor: Person, slot: Slot) -> Person | None:
        """A trainee of `mentor`'s in the back office in `slot` who wants practice and may
        join the counter there."""
        for trainee in self.trainees_of.get(mentor.id, ()):
            if (
                trainee in self.back[slot.key]
                and self.practice_wanted(trainee, slot)
                and self.may_join_counter(trainee, slot)
            ):
                return trainee
        return None


def balanced(
    assignments: Assignments, values: dict[int, int], fair: dict[StaffId, int]
) -> dict[int, int]:
    """`values` (variable index -> 0/1) with counter blocks traded towards the fair parts
    `fair` (minutes by person) and trainees moved to the counter beside their mentor."""
    rota = _Rota(assignments.problem, assignments, dict(values), fair)
    for _round in range(MOST_ROUNDS):
        traded = False
        for slot in assignments.problem.slots:
            traded |= _practise(rota, slot)
            while _trade(rota, slot):
                traded = True
        if not traded:
            break
    return rota.values


def _practise(rota: _Rota, slot: Slot) -> bool:
    """Move every trainee who wants practice and whose mentor is at the counter in `slot`
    from the back office to the counter."""
    moved = False
    for mentor in list(rota.front[slot.key]):
        trainee = rota.learner(mentor, slot)
        while trainee is not None:
            rota.move(trainee, slot, "front")
            moved = True
            trainee = rota.learner(mentor, slot)
    return moved


def _trade(rota: _Rota, slot: Slot) -> bool:
    """Make the best trade in `slot` that lowers the soft cost; False if there is none."""
    minutes = slot.minutes
    practice = rota.problem.rules.weights.trainee_practice
    leaving = sorted(
        (
            (rota.fairness_change(person, -minutes), index, person)
            for index, person in enumerate(rota.front[slot.key])
            if not person.trainee and rota.may_leave_counter(person, slot)
        ),
        key=lambda item: item[:2],
    )
    joining = []
    for index, person in enumerate(rota.back[slot.key]):
        if person.trainee or not rota.may_join_counter(person, slot):
            continue
        change = rota.fairness_change(person, minutes)
        if rota.learner(person, slot) is not None:
            change -= practice
        joining.append((change, index, person))
    joining.sort(key=lambda item: item[:2])
    best: tuple[int, Person, Person] | None = None
    for out_change, _i, out in leaving:
        for in_change, _j, comer in joining:
            change = out_change + in_change
            if change >= (best[0] if best else 0):
                break
            if rota.skills_kept(out, comer, slot):
                best = (change, out, comer)
                break
    if best is None:
        return False
    _change, out, comer = best
    rota.move(out, slot, "back")
    rota.move(comer, slot, "front")
    trainee = rota.learner(comer, slot)
    if trainee is not None:
        rota.move(trainee, slot, "front")
    return True
