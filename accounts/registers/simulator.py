"""A business register that answers from a small fixed dataset (``simulator_data.json``), like the
real one would: a record, nothing (not registered there), or a timeout.

Documented test tax codes (all pass the check digit):

====================  =========================================================================
2301234566            Công ty TNHH Thương mại Kinh Bắc, active; representative Nguyễn Văn An
                      (the demo citizen ``congdan``)
2301234566-001        its branch in Từ Sơn (head Lê Thị Hồng Nhung; parent 2301234566)
2301234573            Công ty Cổ phần Hoa Sen Việt, active; Trần Thị Thu Thủy, with her
                      identification number 027190001234 (so a namesake does not match)
2302345678            Công ty TNHH Dịch vụ Bến Cũ, closed
2304567891            an old record kept without diacritics (HOANG VAN EM)
2305678900            the register times out (RegisterUnavailable)
any other valid code  not in the register
====================  =========================================================================
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .base import BusinessRegister, RegisterRecord, RegisterUnavailable

DATA_FILE = Path(__file__).with_name("simulator_data.json")


@cache
def _dataset() -> tuple[dict[str, RegisterRecord], frozenset[str]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    records = {item["tax_code"]: RegisterRecord(**item) for item in data["records"]}
    return records, frozenset(data.get("unavailable", []))


class SimulatorRegister(BusinessRegister):
    is_simulator = True

    def lookup(self, tax_code: str) -> RegisterRecord | None:
        records, unavailable = _dataset()
        if tax_code in unavailable:
            raise RegisterUnavailable("the register did not answer in time (simulated)")
        return records.get(tax_code)
