"""`rotaplan explain`: who could have filled each shortfall, why not, and the smallest fix.

Each fixture `tests/fixtures/explain_*.yaml` is built to cause one or a few
reasons; the smallest change found is applied to the office file and solved
again to show it really fills the gap without opening an earlier one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest

from rotaplan.config import Office, load_office
from rotaplan.explain import (
    AddPeople,
    Change,
    DemandCut,
    DropAbsence,
    Explanation,
    Group,
    LowerDemand,
    RaiseMaxFrontBlocks,
    RaiseRule,
    ReasonKind,
    explain,
    explain_text,
    level_of,
    lower_demand,
    render,
)
from rotaplan.model.context import LEVELS
from rotaplan.problem import Problem, load_problem, resolve
from rotaplan.rota import Shortfall
from rotaplan.solve import SolveSettings, solve
from tests.factories import run_rotaplan as run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETTINGS = SolveSettings(time_limit=5.0)
WITH_SHORTFALLS = ("absent", "limits", "hours", "elsewhere", "crowd", "day", "everyone")


def fixture(name: str) -> Path:
    return FIXTURES / f"explain_{name}.yaml"


@cache
def explained(name: str) -> tuple[Problem, Explanation]:
    """The fixture's problem and its explanation (solved once per test run)."""
    problem = load_problem(fixture(name))
    return problem, explain(problem, SETTINGS)


def only_group(name: str) -> Group:
    _problem, explanation = explained(name)
    assert len(explanation.groups) == 1
    return explanation.groups[0]


def kinds(group: Group) -> dict[str, set[ReasonKind]]:
    """Each listed person's reason kinds, by staff id."""
    return {c.staff: {item.reason.kind for item in c.reasons} for c in group.candidates}


def key_of(gap: Shortfall) -> tuple[dt.date, str, str, str]:
    return (gap.date, gap.block, gap.area, gap.what)


def text_of(name: str) -> str:
    problem, explanation = explained(name)
    return render(problem, explanation)


# --- reasons ---------------------------------------------------------------------------------


def test_absent_school_day_pattern_and_trainee() -> None:
    group = only_group("absent")
    assert (group.level, group.what, group.blocks) == ("front_skills", "ar", ("am",))
    assert kinds(group) == {
        "amira": {ReasonKind.ABSENT},
        "lena": {ReasonKind.SCHOOL},
        "omar": {ReasonKind.OFF},
    }
    assert group.trainees == ("tarek",)
    text = text_of("absent")
    assert "Amira Said: absent" in text
    assert "Lena Kurz: school day" in text
    assert "Omar Haddad: does not work on Mondays (day pattern)" in text
    assert "Trainees never count towards it: Tarek Aziz." in text


def test_max_front_blocks_per_day_and_max_front_blocks() -> None:
    group = only_group("limits")
    assert kinds(group) == {
        "ali": {ReasonKind.COUNTER_TODAY},
        "berna": {ReasonKind.COUNTER_WEEK},
    }
    text = text_of("limits")
    assert "that day already (max_front_blocks_per_day 1)" in text
    assert "weekly counter limit used up: Tue 01.12 am (max_front_blocks 1)" in text


def test_max_hours_share_and_max_hours_per_day() -> None:
    group = only_group("hours")
    assert (group.level, group.what) == ("back_min", "min")
    assert kinds(group) == {
        "eva": {ReasonKind.HOURS_SHARE},
        "finn": {ReasonKind.HOURS_DAY},
    }
    text = text_of("hours")
    assert "hours share used up: 4.0 of 4.0 h this week" in text
    assert "would work 8.0 h that day, over max_hours_per_day 7" in text


def test_needed_elsewhere_says_where() -> None:
    group = only_group("elsewhere")
    assert kinds(group) == {"hanna": {ReasonKind.ELSEWHERE}, "ivo": {ReasonKind.ELSEWHERE}}
    assert "Hanna Hahn: at the counter then, holding one of its 2 seats" in text_of("elsewhere")


def test_long_lists_collapse() -> None:
    group = only_group("crowd")
    assert len(group.candidates) == 8
    lines = text_of("crowd").splitlines()
    listed = [line for line in lines if line.startswith("    Person")]
    assert len(listed) == 5
    assert "    and 3 more, all absent" in lines
    assert len(lines) < 12


def test_everyone_who_could_is_there() -> None:
    group = only_group("everyone")
    assert group.candidates == ()
    assert group.counted == ("anna", "ben")
    text = text_of("everyone")
    assert "nobody else: everyone who could is already there (Anna Arendt, Ben Brandt)" in text
    assert "Smallest change that fills it: one more person for the counter on Mon 30.11" in text


def test_no_shortfalls_one_line() -> None:
    problem, explanation = explained("none")
    assert explanation.groups == ()
    text = render(problem, explanation)
    assert "\n" not in text
    assert text.startswith("No shortfalls")


def test_related_shortfalls_form_one_group() -> None:
    """Two blocks of one day short of the same skill: one heading, one fix for both."""
    group = only_group("day")
    assert (group.what, group.blocks) == ("ar", ("am", "pm"))
    text = text_of("day")
    assert "Mon 30.11 am, pm: too few at the counter with skill 'ar' (am 0 of 1, pm 0 of 1)" in text
    assert "    Amira Said: absent" in text  # the same reason for both blocks is said once
    # Amira can sit at the counter once a day, so calling her back is not enough.
    assert group.fix == AddPeople(dt.date(2026, 11, 30), "front", "ar", 2, ("extra-1", "extra-2"))
    assert group.tried == 2


# --- the smallest change -----------------------------------------------------------------------


def test_smallest_changes_in_order() -> None:
    assert only_group("absent").fix == DropAbsence("amira", "Amira Said", dt.date(2026, 11, 30))
    assert only_group("limits").fix == RaiseMaxFrontBlocks("berna", "Berna Yilmaz", 1, 2)
    assert only_group("hours").fix == RaiseRule("max_hours_per_day", 7, 8)
    elsewhere = only_group("elsewhere").fix
    assert isinstance(elsewhere, AddPeople)
    assert (elsewhere.area, elsewhere.skill, elsewhere.count) == ("back", None, 1)
    crowd = only_group("crowd").fix
    assert crowd == DropAbsence("p01", "Person One", dt.date(2026, 11, 30))
    assert "Smallest change that fills it: drop Person One's absence on Mon 30.11." in text_of(
        "crowd"
    )


def assert_fills(office: Office, explanation: Explanation, group: Group) -> None:
    """Applied to the office file and solved again, the group's gaps are gone and no
    gap of its level or an earlier one is larger than before."""
    assert group.fix is not None
    after = solve(resolve(group.fix.apply_to_office(office)), SETTINGS).rota
    before = {key_of(gap): gap.missing for gap in explanation.shortfalls}
    targets = {key_of(gap.shortfall) for gap in group.gaps}
    last = LEVELS.index(group.level)
    for gap in after.shortfalls:
        if LEVELS.index(level_of(gap.area, gap.what)) > last:
            continue
        assert key_of(gap) not in targets, gap
        assert gap.missing <= before.get(key_of(gap), 0), gap


@pytest.mark.parametrize("name", WITH_SHORTFALLS)
def test_smallest_change_really_fills(name: str) -> None:
    _problem, explanation = explained(name)
    office = load_office(fixture(name))
    for group in explanation.groups:
        assert_fills(office, explanation, group)


def test_lower_demand_fills_as_last_resort() -> None:
    problem, explanation = explained("elsewhere")
    office = load_office(fixture("elsewhere"))
    gap = explanation.groups[0].gaps[0].shortfall
    demand = problem.demand[(gap.date, gap.block)]
    cut = DemandCut(gap.block, 1, 0, dataclasses.replace(demand, back_min=0))
    lower = LowerDemand(gap.date, "back", "min", (cut,))
    assert lower.describe() == "lower the back-office minimum on Mon 30.11 am from 1 to 0"
    after = solve(resolve(lower.apply_to_office(office)), SETTINGS).rota
    assert after.shortfalls == ()


def test_search_budget_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    import rotaplan.explain

    monkeypatch.setattr(rotaplan.explain, "MAX_CHECKS", 0)
    problem = load_problem(fixture("limits"))
    explanation = explain(problem, SETTINGS)
    assert explanation.groups[0].fix is None
    assert "search limit was reached" in render(problem, explanation)


def test_deterministic() -> None:
    problem = load_problem(fixture("limits"))
    assert explain_text(problem, SETTINGS) == explain_text(problem, SETTINGS)


# --- changes on the problem agree with changes to the office file ------------------------------


def _two_weeks(office: Office) -> Office:
    return office.model_copy(update={"period": office.period.model_copy(update={"weeks": 2})})


CHANGES: list[tuple[str, bool, Change]] = [
    ("crowd", True, DropAbsence("p04", "Person Four", dt.date(2026, 12, 7))),  # splits a range
    ("crowd", False, DropAbsence("p01", "Person One", dt.date(2026, 11, 30))),
    ("absent", True, DropAbsence("amira", "Amira Said", dt.date(2026, 11, 30))),
    ("limits", False, RaiseMaxFrontBlocks("berna", "Berna Yilmaz", 1, 2)),
    ("limits", False, RaiseRule("max_front_blocks_per_day", 1, 2)),
    ("hours", False, RaiseRule("max_hours_per_day", 7, 8.5)),
    ("limits", True, AddPeople(dt.date(2026, 12, 8), "front", "ar", 2, ("extra-1", "extra-2"))),
    ("elsewhere", False, AddPeople(dt.date(2026, 11, 30), "back", None, 1, ("extra-1",))),
]


@pytest.mark.parametrize(("name", "two_weeks", "change"), CHANGES)
def test_change_on_problem_matches_office_file(name: str, two_weeks: bool, change: Change) -> None:
    office = load_office(fixture(name))
    if two_weeks:
        office = _two_weeks(office)
    expected = resolve(change.apply_to_office(office))
    actual = change.apply(resolve(office))
    assert actual is not None
    for field in ("people", "status", "shares", "demand", "rules", "slots"):
        assert getattr(actual, field) == getattr(expected, field), field


def test_drop_absence_in_a_holiday_week_matches_office_file() -> None:
    """Thursday and Friday are closed on every date of the period, so the share is read
    back from the shares themselves."""
    office = load_office(fixture("absent"))
    office = office.model_copy(
        update={
            "office": office.office.model_copy(
                update={"holidays": "DE-ST", "closed": [dt.date(2026, 12, 24)]}
            ),
            "period": office.period.model_copy(update={"start": dt.date(2026, 12, 21)}),
            "days": {day: ["am"] for day in ("mon", "tue", "wed", "thu", "fri")},
        }
    )
    office = office.model_copy(
        update={
            "staff": [
                spec.model_copy(update={"absent": [dt.date(2026, 12, 21)]})
                if spec.id == "amira"
                else spec
                for spec in office.staff
            ]
        }
    )
    change = DropAbsence("amira", "Amira Said", dt.date(2026, 12, 21))
    actual = change.apply(resolve(office))
    assert actual is not None
    expected = resolve(change.apply_to_office(office))
    assert actual.shares == expected.shares
    assert actual.status == expected.status


def test_lower_demand_on_problem_matches_office_file() -> None:
    problem, explanation = explained("crowd")
    office = load_office(fixture("crowd"))
    for group in explanation.groups:
        lower = lower_demand(problem, group)
        assert lower.describe() == "lower the counter seats on Mon 30.11 am from 3 to 2"
        actual = lower.apply(problem)
        assert actual is not None
        assert actual.demand == resolve(lower.apply_to_office(office)).demand


# --- the command line ------------------------------------------------------------------------


def test_cli_explain_exit_0_prints_explanation() -> None:
    done = run("explain", str(fixture("limits")), "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert "Mon 30.11" in done.stdout
    assert "Smallest change that fills it: raise Berna Yilmaz's max_front_blocks" in done.stdout


def test_cli_explain_no_shortfalls() -> None:
    done = run("explain", str(fixture("none")), "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("No shortfalls")
    assert len(done.stdout.strip().splitlines()) == 1


def test_cli_solve_strict_exit_3_prints_explanation_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("solve", str(fixture("absent")), "--strict", "--out", str(out), "--time-limit", "5")
    assert done.returncode == 3, done.stderr
    assert "Amira Said: absent" in done.stdout
    assert "Smallest change that fills it: drop Amira Said's absence" in done.stdout
    assert not out.exists()


def _table_after(heading: str, output: str) -> list[str]:
    """The table lines printed under `heading`, up to the first blank line."""
    lines = output.splitlines()
    start = lines.index(heading) + 1
    table = []
    for line in lines[start:]:
        if not line.strip():
            break
        table.append(line)
    return table


def test_solve_soft_cost_table_equals_check(small_office: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    solved = run("solve", str(small_office), "--out", str(out), "--time-limit", "10")
    assert solved.returncode == 0, solved.stderr
    checked = run("check", str(small_office), str(out / "rota.json"))
    assert checked.returncode == 0, checked.stdout
    from_solve = _table_after("Soft goals (cost per rule)", solved.stdout)
    from_check = _table_after("Soft goals of this rota (cost per rule)", checked.stdout)
    assert from_solve == from_check
    assert from_solve[0].split() == ["rule", "kind", "weight", "count", "cost"]
    rules = {line.split()[0] for line in from_solve[2:]}
    assert {"hours_below_share", "fairness", "trainee_practice", "total"} <= rules
    penalties = json.loads((out / "rota.json").read_text(encoding="utf-8"))["penalties"]
    total = next(line for line in from_solve if line.startswith("total"))
    assert int(total.split()[-1]) == sum(item["cost"] for item in penalties)


def test_a_rota_already_made_is_explained_without_solving_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rotaplan.explain

    problem = load_problem(fixture("limits"))
    rota = solve(problem, SETTINGS).rota
    expected = explain_text(problem, SETTINGS)

    def no_solve(*_args: object) -> None:
        raise AssertionError("solved again")

    monkeypatch.setattr(rotaplan.explain, "solve", no_solve)
    assert explain_text(problem, SETTINGS, rota=rota) == expected
    with pytest.raises(ValueError, match="another office file"):
        explain(load_problem(fixture("absent")), SETTINGS, rota=rota)
