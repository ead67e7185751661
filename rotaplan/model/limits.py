"""Limits on how much one person works: counter blocks and hours."""

from __future__ import annotations

from collections import defaultdict
from math import floor

from rotaplan.model.context import BuildContext, Term
from rotaplan.model.helpers import count_of, minutes_of
from rotaplan.model.reach import most_minutes
from rotaplan.model.variables import Var
from rotaplan.problem import Slot


def add_max_front_blocks(ctx: BuildContext) -> list[Term]:
    """At most `max_front_blocks` counter blocks a week for a person who has that key."""
    for person in ctx.problem.people:
        if person.max_front_blocks is None:
            continue
        by_week: dict[int, list[Var]] = defaultdict(list)
        for slot, area, var in ctx.vars.of_person(person.id):
            if area == "front":
                by_week[slot.week].append(var)
        for variables in by_week.values():
            if len(variables) > person.max_front_blocks:
                ctx.model.add(count_of(variables) <= person.max_front_blocks)
    return []


def add_max_front_blocks_per_day(ctx: BuildContext) -> list[Term]:
    """At most `rules.max_front_blocks_per_day` counter blocks a person a day."""
    limit = ctx.problem.rules.max_front_blocks_per_day
    for person in ctx.problem.people:
        by_day: dict[object, list[Var]] = defaultdict(list)
        for slot, area, var in ctx.vars.of_person(person.id):
            if area == "front":
                by_day[slot.date].append(var)
        for variables in by_day.values():
            if len(variables) > limit:
                ctx.model.add(count_of(variables) <= limit)
    return []


def add_max_hours_per_day(ctx: BuildContext) -> list[Term]:
    """At most `rules.max_hours_per_day` hours of blocks a person a day."""
    limit = floor(ctx.problem.rules.max_hours_per_day * 60)
    for person in ctx.problem.people:
        by_day: dict[object, list[tuple[Slot, Var]]] = defaultdict(list)
        for slot, _area, var in ctx.vars.of_person(person.id):
            by_day[slot.date].append((slot, var))
        for pairs in by_day.values():
            if _most_minutes(pairs) > limit:
                ctx.model.add(minutes_of([(slot.minutes, var) for slot, var in pairs]) <= limit)
    return []


def add_max_hours_share(ctx: BuildContext) -> list[Term]:
    """A person's hours in a week never exceed their share for that week.

    Stated tightly: at most the largest total of whole blocks that fits the share and the
    daily cap (rotaplan/model/reach.py). The plain `<= share` lets the linear relaxation
    fill a 19.5-hour share with fractions of blocks; the tight limit says at once that
    4- and 3-hour blocks give 19 hours at most, which proves the back-office gaps of a
    tight week at the root instead of after seconds of search (benchmarks/RESULTS.md).
    (The exact set of totals as a domain was tried too: its holes slowed the search.)
    """
    day_cap = floor(ctx.problem.rules.max_hours_per_day * 60)
    for person in ctx.problem.people:
        by_week: dict[int, list[tuple[Slot, Var]]] = defaultdict(list)
        for slot, _area, var in ctx.vars.of_person(person.id):
            by_week[slot.week].append((slot, var))
        for week, pairs in by_week.items():
            share = ctx.problem.shares[(person.id, week)]
            most = most_minutes(
                {slot.key: slot for slot, _var in pairs}.values(), day_cap=day_cap, share=share
            )
            if _most_minutes(pairs) > most:
                worked = minutes_of([(slot.minutes, var) for slot, var in pairs])
                ctx.model.add(worked <= most)
    return []


def _most_minutes(pairs: list[tuple[Slot, Var]]) -> int:
    """Most minutes these variables can add up to (a person is in one area per block)."""
    return sum({slot.key: slot.minutes for slot, _var in pairs}.values())
