"""The access log (Nhật ký truy cập hồ sơ): every look at a dossier's personal data by staff."""

from __future__ import annotations

from django.utils import timezone

from .constants import ActorKind
from .models import AuditEntry, Dossier


def audit_staff_access(*, user, dossier: Dossier, what: str, detail: str = "") -> AuditEntry | None:
    """Record that staff member ``user`` opened ``dossier`` (``what``: view, file, pdf …) on any route.

    Applicants reading their own dossier are not logged here; staff always are, whichever page they use.
    """
    if not getattr(user, "is_staff", False) or dossier.applicant_id == user.pk:
        return None
    return AuditEntry.objects.create(
        at=timezone.now(),
        user=user,
        actor_kind=ActorKind.STAFF,
        actor_name=(user.get_full_name() or user.get_username())[:200],
        dossier=dossier,
        what=what[:60],
        detail=detail[:300],
    )
