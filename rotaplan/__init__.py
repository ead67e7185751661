"""rotaplan: weekly front-office / back-office staff rotas with constraint optimisation."""

from rotaplan.config import Office, load_office
from rotaplan.errors import InputError, Mistake, NoRotaError, RotaplanError
from rotaplan.problem import Problem, load_problem, resolve
from rotaplan.rota import Assignment, Penalty, Rota, Shortfall, read_rota, rota_to_json

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
