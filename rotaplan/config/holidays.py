"""Public holidays of a country or region, from the `holidays` package."""

from __future__ import annotations

import datetime as dt


def holiday_calendar(region: str, years: list[int]) -> dict[dt.date, str] | None:
    """Public holidays of `region` ("DE" or "DE-ST") in `years`; None if the region is unknown."""
    import holidays

    country, _, subdivision = region.partition("-")
    try:
        found = holidays.country_holidays(
            country.upper(), subdiv=subdivision.upper() or None, years=years, language="en_US"
        )
    except (NotImplementedError, KeyError, ValueError):
        return None
    return {day: str(name) for day, name in sorted(found.items())}
