"""Reads of dossiers, always through the person asking: another person's dossier is a 404."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import CitizenProfile, Membership, User
from accounts.selectors import staff_assignments
from accounts.validators import normalize_vn_phone
from core.text import fold

from .constants import AGENCY_WIDE_ROLES, INTERNAL_FILE_PURPOSES, PROCESSING_ROLES, SPECIALIST, Status
from .models import Dossier, DossierFile


def dossiers_for_user(user) -> QuerySet[Dossier]:
    """The person's own dossiers and those of organisations they are a member of.

    Two indexed conditions on the dossier table itself (applicant; organisation among the person's
    few memberships, read first), never an OR across a join with DISTINCT: the cost follows the
    person's own dossiers, not the size of the table. On PostgreSQL the OR of two columns of the
    same table is a BitmapOr of their two indexes, as cheap as a UNION of two indexed queries and
    still filterable and countable as one queryset (pinned by ``tests/dossiers/test_national_scale``).
    """
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    organisation_ids = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if not organisation_ids:
        return Dossier.objects.filter(applicant=user)
    return Dossier.objects.filter(Q(applicant=user) | Q(organisation_id__in=organisation_ids))


def dossiers_for_staff(user) -> QuerySet[Dossier]:
    """The one rule for what staff see (never drafts):

    - a one-stop-shop officer or a leader: every dossier of the agencies where they hold that role;
    - a specialist: the dossiers of their agency assigned to them;
    - publishers and agency administrators: none (they publish procedures, they do not process dossiers);
    - a superuser: every dossier.

    The second factor is enforced before any view runs (``accounts.middleware``).
    """
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False)):
        return Dossier.objects.none()
    submitted = Dossier.objects.exclude(status=Status.DRAFT)
    if user.is_superuser:
        return submitted
    rows = [(agency, role) for agency, role in staff_assignments(user) if role in PROCESSING_ROLES]
    wide = {agency for agency, role in rows if role in AGENCY_WIDE_ROLES}
    assigned_only = {agency for agency, role in rows if role == SPECIALIST} - wide
    if not wide and not assigned_only:
        return Dossier.objects.none()
    return submitted.filter(Q(agency_id__in=wide) | Q(agency_id__in=assigned_only, assignee=user))


_NUMBER_TYPING = re.compile(r"[\s.\-()+]")
QUEUE_SEARCH_MAX = 100  # characters; a longer term is cut, never an error
NAME_SEARCH_MIN = 3  # folded characters: what a trigram index can answer


def queue_search(queryset: QuerySet[Dossier], term: str) -> QuerySet[Dossier]:
    """The work queue's search box, within what ``queryset`` already allows: a dossier code, the
    applicant's phone (typed any way: "0912 345 678", "+84 912.345.678"), their identification
    number (12 digits, or the old 9), or part of their name, with or without diacritics
    ("nguyen thi hoa" finds "Nguyễn Thị Hòa", as does "Hoà").

    Each form of the term is an indexed look-up, never a scan of the country's dossiers: code by
    its unique index; phone and identification number exact on their normalised values, read
    first (a handful of people); a name through ``applicant_id IN (…)`` with the users matched on
    their folded name by its trigram index (PostgreSQL; ``accounts`` migration 0009). The
    dossiers are then read by the ``(applicant, status)`` index (a term with digits that is not a
    phone or an identification number is a code; a term without digits is a name), pinned by
    ``tests/dossiers/test_national_scale.py``.
    """
    term = " ".join((term or "").split())[:QUEUE_SEARCH_MAX]
    if not term:
        return queryset
    wanted = Q(code__in={term, term.upper()})
    digits = _NUMBER_TYPING.sub("", term)
    if digits.isdigit():
        people: set[int] = set()
        try:
            phone = normalize_vn_phone(term)
        except ValidationError:
            phone = ""
        if phone:
            people |= set(User.objects.filter(phone=phone).values_list("pk", flat=True))
        if len(digits) in (9, 12):
            people |= set(CitizenProfile.objects.filter(personal_id=digits).values_list("user_id", flat=True))
        if people:
            wanted |= Q(applicant_id__in=sorted(people))
        return queryset.filter(wanted)
    if any(ch.isdigit() for ch in term):  # a code (names have no digits)
        return queryset.filter(wanted)
    folded = fold(term)
    if len(folded) < NAME_SEARCH_MIN:  # "a", "%", "'": too little to be a name
        return queryset.none()
    return queryset.filter(applicant_id__in=User.objects.filter(name_folded__contains=folded).values("pk"))


def processing_agency_ids(user) -> frozenset[int]:
    """Agencies where the person holds a role that processes dossiers (never a publisher's).

    Asked a dozen times per admin page (every model admin's permission check, the menus, the
    filters): from the assignments read once per user object, so once per request
    (``accounts.selectors.staff_assignments``).
    """
    return frozenset(agency for agency, role in staff_assignments(user) if role in PROCESSING_ROLES)


def staff_sees_dossiers(user) -> bool:
    """Whether the person holds any role that sees dossiers (for menus and the admin's module list)."""
    if not getattr(user, "is_staff", False):
        return False
    return user.is_superuser or bool(processing_agency_ids(user))


def dossiers_for_viewer(user) -> QuerySet[Dossier]:
    """Applicants see their own (and their organisations'); staff see what ``dossiers_for_staff`` allows."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    own = dossiers_for_user(user)
    if not getattr(user, "is_staff", False):
        return own
    staff_ids = dossiers_for_staff(user).values("pk")
    return Dossier.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=staff_ids))


def dossier_get_for_user(
    *, user, code: str | None = None, uuid: str | None = None, as_viewer: bool = False
) -> Dossier:
    qs = (dossiers_for_viewer(user) if as_viewer else dossiers_for_user(user)).select_related(
        "procedure", "agency", "form_version", "organisation"
    )
    dossier = qs.filter(code=code).first() if code else qs.filter(uuid=uuid).first() if uuid else None
    if dossier is None:
        raise Http404("dossier not found")
    return dossier


def draft_get_for_user(*, user, uuid) -> Dossier:
    """A draft is the person's own until it is submitted: another member of the same organisation
    neither sees nor submits it (a 404)."""
    dossier = dossier_get_for_user(user=user, uuid=str(uuid))
    if dossier.status != Status.DRAFT or dossier.applicant_id != getattr(user, "pk", None):
        raise Http404("not a draft of this person")
    return dossier


def dossier_file_get_for_user(*, user, dossier: Dossier, file_id: int) -> DossierFile:
    """A file of a dossier the user may see (the dossier itself was fetched through the selector).
    Staff working papers (the result draft) only to the staff who see the dossier, never the applicant."""
    found = dossier.files.filter(pk=file_id).first()
    if found is None:
        raise Http404("file not found")
    if (
        found.purpose in INTERNAL_FILE_PURPOSES
        and not dossiers_for_staff(user).filter(pk=dossier.pk).exists()
    ):
        raise Http404("file not found")
    return found


def dossier_for_public_lookup(*, code: str, phone_last4: str) -> Dossier | None:
    """A submitted dossier matching its code and the last 4 digits of the applicant's phone, or None.

    The code matches whatever its case and surrounding spaces (codes are printed in capitals; an
    equality on the unique index, not a case-insensitive scan).
    """
    typed = "".join(str(code or "").split())
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "applicant")
        .filter(code__in={typed, typed.upper()})
        .exclude(status=Status.DRAFT)
        .first()
    )
    if dossier is None:
        return None
    # A dossier handed in on paper by someone without an account keeps the phone the officer typed.
    phone = dossier.applicant.phone or (dossier.procedure_snapshot.get("intake") or {}).get(
        "applicant", {}
    ).get("phone", "")
    if phone and phone[-4:] == phone_last4:
        return dossier
    return None


def dossiers_export_for_user(*, user) -> list[dict]:
    """The person's own dossiers (drafts included) for "Download my data": what they see on their
    dossier pages, and nothing staff keep for themselves (internal notes, the access log)."""
    from django.db.models import Prefetch

    from .models import DossierEvent

    def moment(value):
        return value.isoformat() if value else None

    dossiers = (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure", "agency", "organisation")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=DossierFile.objects.exclude(purpose__in=INTERNAL_FILE_PURPOSES).order_by(
                    "uploaded_at", "id"
                ),
            ),
            Prefetch("events", queryset=DossierEvent.objects.select_related("agency").order_by("at", "id")),
        )
        .order_by("created_at", "id")
    )
    return [
        {
            "code": dossier.code,
            "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
            "status": dossier.status,
            "status_label": str(dossier.get_status_display()),
            "organisation": dossier.organisation.name if dossier.organisation else None,
            "agency": dossier.agency.name if dossier.agency else None,
            "created_at": moment(dossier.created_at),
            "submitted_at": moment(dossier.submitted_at),
            "received_at": moment(dossier.received_at),
            "due_at": moment(dossier.due_at),
            "completed_at": moment(dossier.completed_at),
            "returned_at": moment(dossier.returned_at),
            "delivery": dossier.delivery,
            "delivery_label": str(dossier.get_delivery_display()) if dossier.delivery else "",
            "delivery_address": dossier.delivery_address,
            "fee_vnd": dossier.fee_vnd,
            "charge_vnd": dossier.charge_vnd,
            "answers": dossier.answers,
            "files": [
                {
                    "name": stored.original_name,
                    "component": stored.component_name,
                    "kind": stored.kind,
                    "size": stored.size,
                    "uploaded_at": moment(stored.uploaded_at),
                }
                for stored in dossier.files.all()
            ],
            "events": [
                {
                    "at": moment(event.at),
                    "what": str(event.get_kind_display()),
                    "status": str(event.get_to_status_display()) if event.to_status is not None else None,
                    "agency": event.agency.name if event.agency else None,
                    "by": event.actor_display,
                    "note": event.note_to_applicant,
                }
                for event in dossier.events.all()
            ],
        }
        for dossier in dossiers
    ]


def logbook_dossiers(qs: QuerySet[Dossier], *, agency, period_start, period_end) -> QuerySet[Dossier]:
    """The log book's rows (mẫu 07) of one agency for a period, from a queryset the person may see:
    every dossier entered in the book in the period, received or refused at receipt (by local date)."""
    from .statistics import period_bounds

    start, end = period_bounds(period_start, period_end)
    received = Q(received_at__gte=start, received_at__lt=end)
    refused = Q(
        status=Status.REFUSED, received_at__isnull=True, completed_at__gte=start, completed_at__lt=end
    )
    from django.db.models import Prefetch

    from .models import DossierEvent

    return (
        qs.filter(agency=agency)
        .filter(received | refused)
        .select_related("procedure", "applicant", "applicant__profile", "form_version")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.filter(action="refuse"), to_attr="refusals")
        )
        .order_by("received_at", "completed_at", "pk")
    )
