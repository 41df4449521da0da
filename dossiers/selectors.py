"""Reads of dossiers, always through the person asking: another person's dossier is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .constants import Status
from .models import Dossier, DossierFile


def dossiers_for_user(user) -> QuerySet[Dossier]:
    """The person's own dossiers and those of organisations they are a member of."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(Q(applicant=user) | Q(organisation__memberships__user=user)).distinct()


def dossiers_for_viewer(user) -> QuerySet[Dossier]:
    """Applicants see their own; staff also see submitted dossiers of the agencies they belong to."""
    own = Q(applicant=user) | Q(organisation__memberships__user=user)
    if getattr(user, "is_staff", False):
        own |= Q(agency__staff_assignments__user=user) & ~Q(status=Status.DRAFT)
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(own).distinct()


def dossier_get_for_user(*, user, code: str | None = None, uuid: str | None = None, as_viewer: bool = False) -> Dossier:
    qs = (dossiers_for_viewer(user) if as_viewer else dossiers_for_user(user)).select_related("procedure", "agency", "form_version", "organisation")
    dossier = qs.filter(code=code).first() if code else qs.filter(uuid=uuid).first() if uuid else None
    if dossier is None:
        raise Http404("dossier not found")
    return dossier


def draft_get_for_user(*, user, uuid) -> Dossier:
    dossier = dossier_get_for_user(user=user, uuid=str(uuid))
    if dossier.status != Status.DRAFT:
        raise Http404("not a draft")
    return dossier


def dossier_file_get_for_user(*, user, dossier: Dossier, file_id: int) -> DossierFile:
    """A file of a dossier the user may see (the dossier itself was fetched through the selector)."""
    found = dossier.files.filter(pk=file_id).first()
    if found is None:
        raise Http404("file not found")
    return found


def dossier_for_public_lookup(*, code: str, phone_last4: str) -> Dossier | None:
    """A submitted dossier matching its code and the last 4 digits of the applicant's phone, or None."""
    dossier = Dossier.objects.select_related("procedure", "agency", "applicant").filter(code=code).exclude(status=Status.DRAFT).first()
    if dossier and dossier.applicant.phone and dossier.applicant.phone[-4:] == phone_last4:
        return dossier
    return None
