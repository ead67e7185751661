"""The decision variables: who works where in which block, and named queries on them."""

from __future__ import annotations

from collections import defaultdict
from math import floor

from ortools.sat.python import cp_model

from rotaplan.problem import AREAS, Person, Problem, Slot, SlotKey, StaffId

Var = cp_model.IntVar


class Assignments:
    """`works(person, slot, area)` booleans, created only where a person could work at all.

    A variable exists only for an available person on an open block (rule
    `availability`), in the front only for people allowed there (`front_allowed`)
    and for trainees only where their mentor may sit too, and never for a block
    longer than the person's daily or weekly hours allow. Keeping the domain
    tight this way is both a hard rule and the cheapest speed-up there is.
    """

    def __init__(self, model: cp_model.CpModel, problem: Problem) -> None:
        self.problem = problem
        self._vars: dict[tuple[StaffId, SlotKey, str], Var] = {}
        self._by_slot: dict[tuple[SlotKey, str], list[tuple[Person, Var]]] = defaultdict(list)
        self._by_person: dict[StaffId, list[tuple[Slot, str, Var]]] = defaultdict(list)
        day_cap = floor(problem.rules.max_hours_per_day * 60)
        # Mentors first, so a trainee's front variable can require the mentor's.
        ordered = sorted(problem.people, key=lambda person: person.trainee)
        for person in ordered:
            for slot in problem.slots:
                if not problem.is_available(person.id, slot.date):
                    continue
                if slot.minutes > day_cap or slot.minutes > problem.shares[(person.id, slot.week)]:
                    continue
                for area in AREAS:
                    if area == "front" and not self._may_sit_at_counter(person, slot):
                        continue
                    var = model.new_bool_var(f"works[{person.id},{slot.date},{slot.block},{area}]")
                    self._vars[(person.id, slot.key, area)] = var
                    self._by_slot[(slot.key, area)].append((person, var))
                    self._by_person[person.id].append((slot, area, var))

    def _may_sit_at_counter(self, person: Person, slot: Slot) -> bool:
        if not person.front_allowed:
            return False
        if person.trainee:
            return person.mentor is not None and (person.mentor, slot.key, "front") in self._vars
        return True

    def works(self, staff: StaffId, slot: SlotKey, area: str) -> Var | None:
        """The variable 'staff works `area` in `slot`', or None where that is impossible."""
        return self._vars.get((staff, slot, area))

    def in_slot(self, slot: SlotKey, area: str) -> list[tuple[Person, Var]]:
        """Everyone who could work `area` in `slot`, with their variable."""
        return self._by_slot.get((slot, area), [])

    def of_person(self, staff: StaffId) -> list[tuple[Slot, str, Var]]:
        """Every (slot, area, variable) of one person, in slot order."""
        return self._by_person.get(staff, [])

    def all(self) -> list[Var]:
        """Every variable, in creation order (stable for hints)."""
        return list(self._vars.values())

    def keyed(self) -> dict[tuple[StaffId, SlotKey, str], Var]:
        """Every variable by (staff, slot, area)."""
        return dict(self._vars)
