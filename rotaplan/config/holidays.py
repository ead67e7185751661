"""Public holidays of a country or region, from the `holidays` package.

Loading an office file asks for the calendar twice (the cross-checks check the
region, resolving the period reads its holidays): each (region, years) is
computed once per run. Most of the cost is the first call, which imports the
`holidays` package and all of its countries; it is paid only by offices that
name a region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache


def holiday_calendar(region: str, years: Iterable[int]) -> dict[dt.date, str] | None:
    """Public holidays of `region` ("DE" or "DE-ST") in `years`; None if the region is unknown."""
    found = _calendar(region, tuple(sorted(set(years))))
    return dict(found) if found is not None else None  # a copy: the cached one stays as it is


@lru_cache(maxsize=16)
def _calendar(region: str, years: tuple[int, ...]) -> dict[dt.date, str] | None:
    import holidays

    country, _, subdivision = region.partition("-")
    try:
        found = holidays.country_holidays(
            country.upper(),
            subdiv=subdivision.upper() or None,
            years=list(years),
            language="en_US",
        )
    except (NotImplementedError, KeyError, ValueError):
        return None
    return {day: str(name) for day, name in sorted(found.items())}
