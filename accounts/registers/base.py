"""What every business register plugin answers (Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp).

A register is asked one question: what it holds for a tax code. It answers a ``RegisterRecord``,
``None`` when the code is not in it (household businesses, cooperatives and associations are
registered elsewhere), or raises ``RegisterUnavailable`` when it cannot answer now (outage, timeout):
the portal then says so and never guesses.

A real adapter subclasses ``BusinessRegister``, implements ``lookup`` (with its own timeout: the
portal calls it inside a web request), is added to ``BUSINESS_REGISTERS`` and chosen with
``BUSINESS_REGISTER``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.plugins import Plugin

ACTIVE = "active"
CLOSED = "closed"


class RegisterUnavailable(Exception):
    """The register could not answer now (outage, timeout, maintenance): ask again later."""


class RegisterNotConnected(RegisterUnavailable):
    """No register is connected: every organisation is confirmed by an officer from documents."""


@dataclass(frozen=True)
class RegisterRecord:
    tax_code: str
    name: str
    #: the legal representative (người đại diện theo pháp luật); for a branch, its head
    legal_representative: str
    #: ``ACTIVE`` or ``CLOSED`` (dissolved, bankrupt, tax code deactivated)
    status: str = ACTIVE
    address: str = ""
    #: a branch or dependent unit (đơn vị phụ thuộc, "0100109106-001"): its parent's tax code
    parent_tax_code: str = ""
    #: the representative's personal identification number, when the register discloses it
    representative_personal_id: str = ""

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def as_dict(self) -> dict:
        """What the portal keeps of the answer (without the identification number)."""
        data = asdict(self)
        data.pop("representative_personal_id")
        return data


class BusinessRegister(Plugin):
    """Base of every register plugin."""

    def lookup(self, tax_code: str) -> RegisterRecord | None:
        """The record for a normalised tax code ("NNNNNNNNNN" or "NNNNNNNNNN-NNN"), or None.

        Raises RegisterUnavailable when the register cannot answer now.
        """
        raise NotImplementedError


class ManualRegister(BusinessRegister):
    """No register connected (the production default until a real adapter is configured): nothing is
    verified automatically, officers confirm organisations from documents."""

    def lookup(self, tax_code: str) -> RegisterRecord | None:
        raise RegisterNotConnected("no business register is connected")
