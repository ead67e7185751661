"""What one person's minutes can add up to: exact sets, for tight domains.

The linear relaxation lets a person work 3.4 blocks; the exact sets of
reachable minute totals (a small subset-sum per person) give the solver the
true maximum and the holes in between, which it cannot see on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from rotaplan.problem import Slot

Pairs = Iterable[tuple[Slot, object]]


def day_totals(minutes: list[int], most_blocks: int | None, day_cap: int) -> set[tuple[int, int]]:
    """(blocks, minutes) a person can take from one day's blocks: at most `most_blocks`
    blocks and `day_cap` minutes."""
    limit = len(minutes) if most_blocks is None else min(most_blocks, len(minutes))
    totals = set()
    for count in range(limit + 1):
        for chosen in combinations(minutes, count):
            total = sum(chosen)
            if total <= day_cap:
                totals.add((count, total))
    return totals


def reachable(
    slots: Iterable[Slot],
    *,
    day_cap: int,
    per_day_blocks: int | None = None,
    most_blocks: int | None = None,
    most_minutes: int | None = None,
) -> list[int]:
    """Every minute total one person can reach over `slots` (one block each at most), sorted.

    At most `per_day_blocks` blocks and `day_cap` minutes a day, `most_blocks`
    blocks and `most_minutes` minutes in all.
    """
    by_date: dict[object, dict[object, int]] = defaultdict(dict)
    for slot in slots:
        by_date[slot.date][slot.key] = slot.minutes
    states: set[tuple[int, int]] = {(0, 0)}
    for date in sorted(by_date, key=str):
        options = day_totals(list(by_date[date].values()), per_day_blocks, day_cap)
        states = {
            (blocks + more_blocks, total + more)
            for blocks, total in states
            for more_blocks, more in options
            if (most_blocks is None or blocks + more_blocks <= most_blocks)
            and (most_minutes is None or total + more <= most_minutes)
        }
    return sorted({total for _blocks, total in states})


def most_minutes(slots: Iterable[Slot], *, day_cap: int, share: int) -> int:
    """The most minutes whole blocks of `slots` add up to within `day_cap` a day and
    `share` in all (a person's week: at most one block each)."""
    return max(reachable(slots, day_cap=day_cap, most_minutes=share))
