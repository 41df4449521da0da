"""Vietnam's statutory public holidays, from the ``holidays`` package (no models: the calendar's
ground floor, imported by both ``models`` and ``workdays``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays


@lru_cache(maxsize=64)
def public_holidays(year: int) -> Mapping[date, str]:
    """Vietnam's statutory public holidays of ``year`` with their Vietnamese names (cached per year)."""
    return MappingProxyType(dict(holidays.country_holidays("VN", years=year, language="vi")))
