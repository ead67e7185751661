"""'Did you mean ...?': the closest known name to a misspelt key, name or weekday."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from rotaplan.config.schema import WEEKDAYS


def _closest(word: str, options: Iterable[str]) -> str | None:
    """The option closest to `word` (ignoring case), if any is close enough."""
    lowered = {option.lower(): option for option in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if match:
        return lowered[match[0]]
    # Short names ('pn' for 'pm') fall below difflib's ratio; one typo away is still close.
    near = [option for key, option in lowered.items() if _one_typo_apart(word.lower(), key)]
    return near[0] if len(near) == 1 else None


def _one_typo_apart(first: str, second: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and first[differ[0]] == second[differ[1]]
            and first[differ[1]] == second[differ[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    match = _closest(word, options)
    return f"did you mean '{match}'? " if match else ""


# Two-letter starts that name one weekday, in English and in German (Mo Di Mi Do Fr Sa So).
_WEEKDAY_STARTS = {
    "tu": "tue",
    "we": "wed",
    "th": "thu",
    "su": "sun",
    "mo": "mon",
    "di": "tue",
    "mi": "wed",
    "do": "thu",
    "fr": "fri",
    "sa": "sat",
    "so": "sun",
}


def _did_you_mean_weekday(word: str) -> str:
    """'did you mean' for a weekday: 'monday', 'Tues', 'Mi' and near misses like 'mno'."""
    lowered = word.strip().lower()
    match = lowered[:3] if lowered[:3] in WEEKDAYS else _WEEKDAY_STARTS.get(lowered[:2])
    if match is None:
        match = _closest(lowered, WEEKDAYS)
    return f"did you mean '{match}'? " if match else ""
