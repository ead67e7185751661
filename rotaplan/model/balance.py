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

Some costs no trade inside one block can undo: a mentor capped at a few
counter blocks a week who sits them where their trainee does not work, a team
lead capped at one block a week in a three-hour block where a four-hour one
would be fair, a person who alone holds a skill at the counter. For those a
person's counter block moves to another block they work (`_shift`): someone
from the back office takes the seat they leave, someone at the counter gives
up the one they take, and a trainee of theirs who wants practice joins them.

Trades are taken greedily, block by block, best first, then the moves person
by person, while they lower the soft cost (fairness is convex, so single
trades go a long way). The solver re-checks the result with every rule
before using it as a start (`rotaplan.solve`).
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
# A fairness change larger than any real one: no one may make that swap.
_NEVER = 2**40


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
    # fairness_change by (person, their counter minutes, the change in minutes)
    _changes: dict[tuple[StaffId, int, int], int] = field(default_factory=dict)
    # `ranked` by (block, joining), until the next move
    _ranked: dict[tuple[SlotKey, bool], list[tuple[int, int, Person]]] = field(default_factory=dict)

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
        self._ranked.clear()
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
        return not any(self.sits(trainee, slot, "front") for trainee in trainees)

    def sits(self, person: Person, slot: Slot, area: str) -> bool:
        """Whether `person` works in `area` in `slot` (a look-up, not a search of the lists)."""
        var = self.assignments.works(person.id, slot.key, area)
        return var is not None and bool(self.values[var.index])

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
        key = (person.id, now, minutes)
        change = self._changes.get(key)
        if change is None:
            weight = self.problem.rules.weights.fairness
            change = weight * (fairness_cost(now + minutes, fair) - fairness_cost(now, fair))
            self._changes[key] = change
        return change

    def ranked(self, slot: Slot, joining: bool) -> list[tuple[int, int, Person]]:
        """(fairness change, place in the list, person) of every non-trainee in `slot`'s back
        office if `joining` its counter, else at its counter, least change first (ties in
        list order). Kept until the next move: `_shift` asks for the same blocks for one
        person after another (300 people over 4 weeks: 12,284 questions, 2,752 lists)."""
        key = (slot.key, joining)
        found = self._ranked.get(key)
        if found is None:
            pool = self.back[slot.key] if joining else self.front[slot.key]
            minutes = slot.minutes if joining else -slot.minutes
            found = sorted(
                (
                    (self.fairness_change(person, minutes), rank, person)
                    for rank, person in enumerate(pool)
                    if not person.trainee
                ),
                key=lambda item: item[:2],
            )
            self._ranked[key] = found
        return found

    def practice_wanted(self, trainee: Person, slot: Slot) -> bool:
        """Whether `trainee` is short of counter practice in `slot`'s week."""
        wanted = trainee.min_front_blocks or 0
        return self.blocks_week[(trainee.id, slot.week)] < wanted

    def learner(self, mentor: Person, slot: Slot) -> Person | None:
        """A trainee of `mentor`'s in the back office in `slot` who wants practice and may
        join the counter there."""
        for trainee in self.trainees_of.get(mentor.id, ()):
            if (
                self.sits(trainee, slot, "back")
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
        floors = _swap_floors(rota)
        for person in rota.problem.people:
            while not person.trainee and _shift(rota, person, floors):
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


def _swap_floors(rota: _Rota) -> dict[tuple[SlotKey, bool], int]:
    """Per (block, joining): the least fairness change of anyone who may join its counter
    from its back office (True) or leave it for the back office (False), skills aside.
    Worked out once a round: `_shift` skips the moves they show cannot lower the cost, and
    a move they miss after other moves of the round is found in the next round."""
    floors: dict[tuple[SlotKey, bool], int] = {}
    for slot in rota.problem.slots:
        key = slot.key
        joins = [
            rota.fairness_change(person, slot.minutes)
            for person in rota.back[key]
            if not person.trainee and rota.may_join_counter(person, slot)
        ]
        leaves = [
            rota.fairness_change(person, -slot.minutes)
            for person in rota.front[key]
            if not person.trainee and rota.may_leave_counter(person, slot)
        ]
        floors[(key, True)] = min(joins, default=_NEVER)
        floors[(key, False)] = min(leaves, default=_NEVER)
    return floors


def _shift(rota: _Rota, mover: Person, floors: dict[tuple[SlotKey, bool], int]) -> bool:
    """Move one of `mover`'s counter blocks to another block they work, where it lowers the
    soft cost most; False if no such move lowers it.

    The mover leaves the counter in one block and someone from its back office takes the
    seat; in the other block the mover joins the counter and someone there goes to the
    back office (and a trainee of the mover's who wants practice joins them). Two people's
    counter time changes by a block each, the mover's by the blocks' difference: what a
    trade inside one block cannot do when the right people never share a block. On 300
    people over 4 weeks the trades left mentors near their fair parts with 34 more
    practice blocks missed than in the best rota known, leads capped at one block a week
    in three-hour blocks where four-hour ones were fair, and people who alone hold a skill
    at the counter stuck above their fair parts (benchmarks/RESULTS.md).
    """
    slots = rota.problem.slots
    works = rota.assignments.works
    values = rota.values
    practice = rota.problem.rules.weights.trainee_practice
    sources: list[tuple[int, Slot]] = []
    targets: list[tuple[int, Slot, int]] = []
    for rank, slot in enumerate(slots):
        front = works(mover.id, slot.key, "front")
        if front is None:
            continue
        if values[front.index]:
            if rota.may_leave_counter(mover, slot):
                sources.append((rank, slot))
            continue
        back = works(mover.id, slot.key, "back")
        if back is not None and values[back.index]:
            gain = practice if rota.learner(mover, slot) is not None else 0
            targets.append((rank, slot, gain))
    # (the least the move can change the cost by, source, target, what the mover's own
    # fairness and their trainee's practice change by)
    candidates: list[tuple[int, int, int, int]] = []
    lengths = {target.minutes for _rank, target, _gain in targets}
    for source_rank, source in sources:
        joined = floors[(source.key, True)]
        # the mover's own fairness change depends only on the two blocks' lengths
        moved = {length: rota.fairness_change(mover, length - source.minutes) for length in lengths}
        for target_rank, target, gain in targets:
            own = moved[target.minutes] - gain
            least = joined + floors[(target.key, False)] + own
            if least < 0 and (target.date == source.date or rota.may_join_counter(mover, target)):
                candidates.append((least, source_rank, target_rank, own))
    best: tuple[int, int, int] | None = None
    swaps: dict[tuple[int, bool], tuple[int, int, Person] | None] = {}

    def swap(rank: int, joining: bool) -> tuple[int, int, Person] | None:
        if (rank, joining) not in swaps:
            swaps[(rank, joining)] = _best_swap(rota, mover, slots[rank], joining=joining)
        return swaps[(rank, joining)]

    for least, source_rank, target_rank, own in sorted(candidates):
        if least >= (best[0] if best else 0):
            break  # no candidate left can beat the best one
        joiner, leaver = swap(source_rank, True), swap(target_rank, False)
        if joiner is None or leaver is None:
            continue
        change = joiner[0] + leaver[0] + own
        if change < (best[0] if best else 0):
            best = (change, source_rank, target_rank)
    if best is None:
        return False
    return _apply_shift(rota, mover, slots[best[1]], slots[best[2]])


def _best_swap(
    rota: _Rota, mover: Person, slot: Slot, *, joining: bool
) -> tuple[int, int, Person] | None:
    """(fairness change, rank, person) of the best non-trainee to join the counter in `slot`
    as `mover` leaves it (`joining`), or to leave it as `mover` joins; None if nobody may."""
    for change, rank, person in rota.ranked(slot, joining):
        if person is mover:
            continue
        if joining:
            allowed = rota.may_join_counter(person, slot) and rota.skills_kept(mover, person, slot)
        else:
            allowed = rota.may_leave_counter(person, slot) and rota.skills_kept(person, mover, slot)
        if allowed:
            return change, rank, person
    return None


def _apply_shift(rota: _Rota, mover: Person, source: Slot, target: Slot) -> bool:
    """Make the move `_shift` chose, checking each step on the rota as it is then; undone,
    and False, unless every step is allowed and the soft cost goes down."""
    done: list[tuple[Person, Slot, str]] = []
    change = 0

    def step(person: Person, slot: Slot, to: str) -> None:
        nonlocal change
        change += rota.fairness_change(person, slot.minutes if to == "front" else -slot.minutes)
        rota.move(person, slot, to)
        done.append((person, slot, "back" if to == "front" else "front"))

    def undo() -> bool:
        for person, slot, back_to in reversed(done):
            rota.move(person, slot, back_to)
        return False

    joiner = _best_swap(rota, mover, source, joining=True)
    if joiner is None:
        return False
    step(mover, source, "back")
    step(joiner[2], source, "front")
    leaver = _best_swap(rota, mover, target, joining=False)
    if leaver is None or not rota.may_join_counter(mover, target):
        return undo()
    step(leaver[2], target, "back")
    step(mover, target, "front")
    trainee = rota.learner(mover, target)
    if trainee is not None:
        step(trainee, target, "front")
        change -= rota.problem.rules.weights.trainee_practice
    if change >= 0:
        return undo()
    return True
