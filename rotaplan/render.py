"""Console tables for planners. Returns text; never prints."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from tabulate import tabulate

from rotaplan.problem import DayStatus, Problem
from rotaplan.rota import Penalty, Rota

# One short code per cell, so a week fits a terminal; LEGEND explains them.
CELL = {
    "front": "F",
    "back": "B",
    "free": ".",
    DayStatus.ABSENT: "abs",
    DayStatus.SCHOOL: "sch",
    DayStatus.OFF: "-",
    DayStatus.HOLIDAY: "hol",
    DayStatus.CLOSED: "",
}
LEGEND = (
    "F front office (counter)  B back office  . free  abs absent  sch school  "
    "- not a working day  hol holiday"
)
_WEEKDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours(minutes: float) -> str:
    """Minutes as hours with one decimal, e.g. 450 -> '7.5'."""
    return f"{minutes / 60:.1f}"


def day_label(date: dt.date) -> str:
    """'Mon 30.11' style label."""
    return f"{_WEEKDAY[date.weekday()]} {date:%d.%m}"


def grid(problem: Problem, rota: Rota, week: int) -> str:
    """A week as a grid: a row per person, a column per open block (and per closed holiday)."""
    where = {(a.staff, a.date, a.block): a.area for a in rota.assignments}
    columns: list[tuple[dt.date, str | None]] = []
    for date in problem.dates[7 * week : 7 * week + 7]:
        blocks = [slot.block for slot in problem.slots if slot.date == date]
        if blocks:
            columns.extend((date, block) for block in blocks)
        elif date in problem.holidays:
            columns.append((date, None))
    headers = ["person"] + [f"{day_label(date)}\n{block or 'holiday'}" for date, block in columns]
    rows = []
    for person in problem.people:
        row = [person.name + (" (trainee)" if person.trainee else "")]
        for date, block in columns:
            status = problem.status[(person.id, date)]
            if block is not None and (person.id, date, block) in where:
                row.append(CELL[where[(person.id, date, block)]])
            elif status is DayStatus.AVAILABLE:
                row.append(CELL["free"])
            else:
                row.append(CELL[status])
        rows.append(row)
    gaps: Counter[tuple[dt.date, str | None]] = Counter((s.date, s.block) for s in rota.shortfalls)
    rows.append(
        ["shortfalls"]
        + [str(gaps[(date, block)]) if gaps[(date, block)] else "" for date, block in columns]
    )
    return tabulate(rows, headers=headers, tablefmt="simple", stralign="center")


def coverage(problem: Problem, rota: Rota) -> str:
    """Per block: counter seats filled, back office present, and any gaps."""
    front: Counter[tuple[dt.date, str]] = Counter()
    back: Counter[tuple[dt.date, str]] = Counter()
    trainees: Counter[tuple[dt.date, str]] = Counter()
    for item in rota.assignments:
        key = (item.date, item.block)
        if problem.person(item.staff).trainee:
            trainees[key] += item.area == "front"
        elif item.area == "front":
            front[key] += 1
        else:
            back[key] += 1
    gaps: dict[tuple[dt.date, str], list[str]] = defaultdict(list)
    for gap in rota.shortfalls:
        gaps[(gap.date, gap.block)].append(f"{gap.area} {gap.what} -{gap.missing}")
    rows = []
    for slot in problem.slots:
        demand = problem.demand[slot.key]
        rows.append(
            [
                day_label(slot.date),
                slot.block,
                f"{slot.start:%H:%M}-{slot.end:%H:%M}",
                f"{front[slot.key]}/{demand.seats}",
                trainees[slot.key] or "",
                f"{back[slot.key]}/{demand.back_min}",
                ", ".join(gaps[slot.key]),
            ]
        )
    return tabulate(
        rows,
        headers=["day", "block", "time", "counter", "trainees", "back (min)", "gaps"],
        tablefmt="simple",
    )


def people(problem: Problem, rota: Rota) -> str:
    """Each person's hours against their share, and counter blocks."""
    minutes: Counter[str] = Counter()
    counter_minutes: Counter[str] = Counter()
    counter_blocks: Counter[str] = Counter()
    slot_minutes = {slot.key: slot.minutes for slot in problem.slots}
    for item in rota.assignments:
        length = slot_minutes.get((item.date, item.block), 0)
        minutes[item.staff] += length
        if item.area == "front":
            counter_minutes[item.staff] += length
            counter_blocks[item.staff] += 1
    rows = []
    for person in problem.people:
        share = problem.period_share(person.id)
        rows.append(
            [
                person.name,
                f"{person.hours:g}",
                hours(share),
                hours(minutes[person.id]),
                counter_blocks[person.id],
                hours(counter_minutes[person.id]),
                f"{100 * counter_minutes[person.id] / share:.0f}%" if share else "",
            ]
        )
    return tabulate(
        rows,
        headers=[
            "person",
            "contract h",
            "share h",
            "planned h",
            "counter blocks",
            "counter h",
            "counter/share",
        ],
        tablefmt="simple",
    )


def shortfalls(problem: Problem, rota: Rota) -> str:
    """The listed shortfalls, or a line saying there are none."""
    if not rota.shortfalls:
        return "No shortfalls: every seat, minimum and skill need is covered."
    del problem
    rows = [
        [day_label(gap.date), gap.block, gap.area, gap.what, gap.missing] for gap in rota.shortfalls
    ]
    return tabulate(rows, headers=["day", "block", "area", "what", "missing"], tablefmt="simple")


def penalty_breakdown(
    penalties: tuple[Penalty, ...] | list[Penalty], weights: dict[str, int]
) -> str:
    """Per soft rule: weight, how many terms cost something, and the total cost."""
    count: Counter[str] = Counter()
    cost: Counter[str] = Counter()
    for item in penalties:
        count[item.rule] += 1
        cost[item.rule] += item.cost
    rows = [[rule, "soft", weights.get(rule, ""), count[rule], cost[rule]] for rule in weights]
    rows.append(["total", "", "", sum(count.values()), sum(cost.values())])
    return tabulate(rows, headers=["rule", "kind", "weight", "count", "cost"], tablefmt="simple")


def soft_weights(problem: Problem) -> dict[str, int]:
    """Soft rule name -> weight, in report order."""
    weights = problem.rules.weights
    return {
        "hours_below_share": weights.hours,
        "fairness": weights.fairness,
        "trainee_practice": weights.trainee_practice,
    }


def full_report(problem: Problem, rota: Rota) -> str:
    """Everything `rotaplan solve` shows: grids, coverage, hours, shortfalls and penalties."""
    parts = []
    for week in range(problem.weeks):
        first = problem.start + dt.timedelta(days=7 * week)
        parts.append(f"Week {week + 1}: {first:%d.%m.%Y} - {first + dt.timedelta(days=6):%d.%m.%Y}")
        parts.append(grid(problem, rota, week))
    parts.append(LEGEND)
    parts.append("\nCoverage per block")
    parts.append(coverage(problem, rota))
    parts.append("\nHours and counter duty (over the period)")
    parts.append(people(problem, rota))
    parts.append("\nShortfalls")
    parts.append(shortfalls(problem, rota))
    parts.append("\nSoft goals (cost per rule)")
    parts.append(penalty_breakdown(rota.penalties, soft_weights(problem)))
    parts.append(f"\nStatus: {rota.status}; objective {rota.objective}, bound {rota.bound}.")
    return "\n".join(parts)
