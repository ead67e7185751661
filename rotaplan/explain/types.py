"""What an explanation is made of: groups of shortfalls, the people who could have
filled them, why they did not, and the fix found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from rotaplan.explain.changes import Change
from rotaplan.problem import StaffId
from rotaplan.rota import Shortfall


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
