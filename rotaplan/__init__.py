"""rotaplan: weekly front-office / back-office staff rotas with constraint optimisation.

The public names below are loaded on first use, so that a command imports only
what it needs: `rotaplan schema` never reads YAML, `rotaplan check` never loads
the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rotaplan.lazy import lazy_names

if TYPE_CHECKING:
    from rotaplan.config import Office, load_office
    from rotaplan.errors import InputError, Mistake, NoRotaError, RotaplanError
    from rotaplan.problem import Problem, load_problem, resolve
    from rotaplan.rota import Assignment, Penalty, Rota, Shortfall, read_rota, rota_to_json

# Each public name and the module it lives in.
_HOMES: dict[str, str] = {
    "Assignment": "rotaplan.rota",
    "InputError": "rotaplan.errors",
    "Mistake": "rotaplan.errors",
    "NoRotaError": "rotaplan.errors",
    "Office": "rotaplan.config",
    "Penalty": "rotaplan.rota",
    "Problem": "rotaplan.problem",
    "Rota": "rotaplan.rota",
    "RotaplanError": "rotaplan.errors",
    "Shortfall": "rotaplan.rota",
    "load_office": "rotaplan.config",
    "load_problem": "rotaplan.problem",
    "read_rota": "rotaplan.rota",
    "resolve": "rotaplan.problem",
    "rota_to_json": "rotaplan.rota",
}

__all__ = [
    "Assignment",
    "InputError",
    "Mistake",
    "NoRotaError",
    "Office",
    "Penalty",
    "Problem",
    "Rota",
    "RotaplanError",
    "Shortfall",
    "load_office",
    "load_problem",
    "read_rota",
    "resolve",
    "rota_to_json",
]

__version__ = "0.1.0"


__getattr__ = lazy_names(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
