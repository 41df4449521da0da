"""Vietnam's statutory public holidays, from the ``holidays`` package (no models: the calendar's
ground floor, imported by both ``models`` and ``workdays``).

Loading the package's calendar for Vietnam costs about half a second of CPU the first time in a
process (its module, the Vietnamese names, the lunar dates). Under the 500-user load that was 15%
of the web workers' CPU in the sampled window: each worker's first submissions all loaded it at
once, one per thread. So one thread loads a year while the others wait for it (``_loading``), and
gunicorn loads this year and the next in each worker before it takes requests (``warm_up``, from
``post_worker_init`` in ``gunicorn.conf.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

import holidays

_KEPT_YEARS = 64
_years: dict[int, Mapping[date, str]] = {}
_loading = threading.Lock()


def public_holidays(year: int) -> Mapping[date, str]:
    """Vietnam's statutory public holidays of ``year`` with their Vietnamese names (kept per year)."""
    found = _years.get(year)
    if found is None:
        with _loading:
            found = _years.get(year)
            if found is None:
                found = MappingProxyType(dict(holidays.country_holidays("VN", years=year, language="vi")))
                if len(_years) >= _KEPT_YEARS:
                    _years.clear()
                _years[year] = found
    return found


def warm_up(today: date | None = None) -> None:
    """Load this year's and next year's holidays now (a new worker, before its first request)."""
    year = (today or date.today()).year
    public_holidays(year)
    public_holidays(year + 1)
