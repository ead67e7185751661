"""Small modelling patterns shared by several rules."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotaplan.model.context import Expr


def amount_below(model: cp_model.CpModel, target: int, actual: Expr, name: str) -> cp_model.IntVar:
    """A variable equal to max(0, target - actual) in every solution (not just optimal ones);
    `actual` is never negative."""
    gap = model.new_int_var(0, max(0, target), name)
    model.add_max_equality(gap, [0, target - actual])
    return gap


def absolute(model: cp_model.CpModel, value: Expr, upper: int, name: str) -> cp_model.IntVar:
    """A variable equal to |value| in every solution."""
    result = model.new_int_var(0, max(0, upper), name)
    model.add_abs_equality(result, value)
    return result


def minutes_of(pairs: list[tuple[int, cp_model.IntVar]]) -> Expr:
    """Sum of minutes x variable over (minutes, variable) pairs."""
    if not pairs:
        return 0
    return cp_model.LinearExpr.weighted_sum([var for _, var in pairs], [m for m, _ in pairs])


def count_of(variables: list[cp_model.IntVar]) -> Expr:
    """Number of true variables."""
    if not variables:
        return 0
    return cp_model.LinearExpr.sum(variables)
