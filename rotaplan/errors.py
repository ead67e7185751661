"""Errors the library raises; only the command line turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One problem in an input file: where it is, what is wrong and how to fix it."""

    file: str
    line: int | None
    path: str
    what: str
    fix: str
    column: int | None = None  # 1-based; set where the place is a character (broken YAML)

    def __str__(self) -> str:
        """One line: `file:line: key.path: what. Fix: how` (parts left out when unknown)."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        where = f" {self.path}:" if self.path else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{place}:{where} {self.what.rstrip('.')}.{fix}"


class RotaplanError(Exception):
    """Base class of every error rotaplan raises on purpose."""


class InputError(RotaplanError):
    """An input file is missing, unreadable or invalid; carries every mistake found."""

    def __init__(self, mistakes: list[Mistake]) -> None:
        self.mistakes = list(mistakes)
        super().__init__("\n".join(str(mistake) for mistake in self.mistakes))


class NoRotaError(RotaplanError):
    """The solver found no rota at all within its budget (not even one with shortfalls)."""


class OutputExistsError(RotaplanError):
    """The output folder already holds a rota and overwriting was not asked for."""


class CheckFailedError(RotaplanError):
    """A rota the solver produced broke a hard rule: a bug in rotaplan, never the user's fault."""
