"""An explanation in the planner's words: a heading per group, a few lines per person."""

from __future__ import annotations

from rotaplan.explain.types import Candidate, Explanation, Group, ReasonKind
from rotaplan.problem import Problem
from rotaplan.render import day_label

# People listed one by one per group; the rest are summed up in one line.
MAX_LISTED_PEOPLE = 5


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


def _names(names: list[str], most: int) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" and {len(names) - most} more"
