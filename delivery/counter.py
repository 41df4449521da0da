"""Dossiers handed in on paper at the counter (tiếp nhận trực tiếp), and claiming them later.

**How a counter applicant without an account is represented.** The dossier's ``applicant`` is a
placeholder account created for that one dossier: inactive, no password, no phone, no email, so
nobody can sign in to it and it never blocks the real person's sign-up by phone (phone numbers are
unique among accounts). The name, identification number and phone the officer typed are kept in
``CounterApplicant`` (and copied into ``procedure_snapshot["intake"]`` so the receipt, form 01, and
the public lookup by code + last 4 digits of the phone work as for online dossiers). Messages about
the dossier go to that phone (``dossier_link.on_transition``). The selectors need no change: the
placeholder is nobody's account, so the dossier appears in no one's list until it is claimed.

**Claiming.** A signed-in person whose account phone is *verified* and equals the phone on the
dossier sees it at ``/delivery/counter/claim/`` and claims it by typing the identification number
printed on their receipt: a typo in the phone at the counter therefore never hands someone else's
dossier (name, identification number) to a stranger. The dossier's applicant becomes their
account; the timeline records it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.text import nfc

from .models import CounterApplicant
from .services import DeliveryError


def officer_agencies(user):
    from procedures.models import Agency

    if user.is_superuser:
        return Agency.objects.filter(is_one_stop_shop=True)
    return Agency.objects.filter(staff_assignments__user=user, staff_assignments__role="officer").distinct()


def counter_register(
    *,
    officer,
    agency,
    procedure,
    full_name: str,
    personal_id: str,
    phone: str,
    components: list[str],
    fee_paid_vnd: int,
    delivery: str,
    now: datetime | None = None,
):
    """Register a paper dossier handed in at the counter and receive it at once (form 01).

    Preconditions: ``officer`` is a one-stop-shop officer of ``agency``, which handles ``procedure``.
    Side effects (one transaction): a placeholder applicant account, the dossier (channel counter,
    the agency's next code), its ``CounterApplicant`` row, the ``register_at_counter`` and ``receive``
    transitions (events, audit, form 01 after commit) and the receipt SMS to ``phone``.
    Raises DeliveryError or the workflow's TransitionError; nothing is saved then.
    """
    from dossiers.constants import Channel
    from dossiers.intake import dossier_intake
    from dossiers.workflow import Actor, dossier_transition

    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise DeliveryError(_("Cơ quan này không giải quyết thủ tục đã chọn."))
    full_name = nfc(full_name).strip()
    now = now or timezone.now()
    actor = Actor.staff(officer)
    with transaction.atomic():
        placeholder = get_user_model().objects.create(
            username=f"counter-{uuid.uuid4().hex[:16]}", full_name=full_name[:200], is_active=False
        )
        placeholder.set_unusable_password()
        placeholder.save(update_fields=["password"])
        dossier = dossier_intake(
            procedure=procedure,
            agency=agency,
            applicant=placeholder,
            channel=Channel.COUNTER,
            transition="register_at_counter",
            actor=actor,
            delivery=delivery,
            components=components,
            fee_paid_vnd=fee_paid_vnd,
            contact={"name": full_name, "personal_id": personal_id, "phone": phone},
            now=now,
        )
        CounterApplicant.objects.create(
            dossier=dossier,
            full_name=full_name[:200],
            personal_id=personal_id,
            phone=phone,
            fee_paid_vnd=fee_paid_vnd,
            registered_by=officer,
        )
        dossier = dossier_transition(
            dossier_id=dossier.pk, name="receive", actor=actor, expected_version=dossier.version, now=now
        )
    return dossier


def claimable_for(user):
    """Counter dossiers carrying this person's verified phone, not claimed yet."""
    if not (getattr(user, "phone", "") and getattr(user, "phone_verified", False)):
        return CounterApplicant.objects.none()
    return CounterApplicant.objects.filter(phone=user.phone, claimed_at__isnull=True).select_related(
        "dossier", "dossier__procedure", "dossier__agency"
    )


def dossier_claim(*, user, counter_applicant_id: int, personal_id: str):
    """Move a counter dossier into the person's own account.

    Preconditions: the account's phone is verified and equals the phone on the dossier, and
    ``personal_id`` is the identification number the officer recorded. Raises DeliveryError
    otherwise. Side effects: ``Dossier.applicant`` (version + 1), the claim recorded, a timeline note.
    """
    from dossiers.constants import ActorKind, EventKind
    from dossiers.models import AuditEntry, Dossier, DossierEvent

    with transaction.atomic():
        record = claimable_for(user).select_for_update(of=("self",)).filter(pk=counter_applicant_id).first()
        if record is None:
            raise DeliveryError(_("Không có hồ sơ này để nhận, hoặc hồ sơ đã được nhận vào một tài khoản."))
        if personal_id != record.personal_id:
            raise DeliveryError(_("Số định danh cá nhân không khớp với số ghi khi nộp hồ sơ."))
        now = timezone.now()
        Dossier.objects.filter(pk=record.dossier_id).update(
            applicant=user, version=F("version") + 1, updated_at=now
        )
        record.claimed_by, record.claimed_at = user, now
        record.save(update_fields=["claimed_by", "claimed_at"])
        DossierEvent.objects.create(
            dossier_id=record.dossier_id,
            at=now,
            kind=EventKind.NOTE,
            action="claim",
            actor=user,
            actor_kind=ActorKind.APPLICANT,
            actor_display=user.full_name or user.get_username(),
            note_to_applicant=_("Người nộp đã nhận hồ sơ vào tài khoản của mình."),
        )
        AuditEntry.objects.create(
            at=now,
            user=user,
            actor_kind=ActorKind.APPLICANT,
            actor_name=(user.full_name or user.get_username())[:200],
            dossier_id=record.dossier_id,
            what="claim",
            detail=_("nhận hồ sơ nộp trực tiếp vào tài khoản"),
        )
    return record


# --- views --------------------------------------------------------------------------------------------


def counter_intake_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Admin: register a paper dossier. Step 1 picks the agency and procedure (GET), step 2 the rest."""
    from dossiers.workflow import TransitionError
    from procedures.models import Procedure

    from .forms import CounterIntakeForm

    agencies = officer_agencies(request.user)
    if not agencies.exists():
        raise Http404("not a one-stop-shop officer")
    raw_agency = request.POST.get("agency") or request.GET.get("agency") or ""
    agency = (
        agencies.filter(pk=int(raw_agency)).first() if raw_agency.isdigit() else None
    ) or agencies.order_by("name").first()
    procedures = Procedure.objects.published().filter(agencies=agency).order_by("name")
    raw_procedure = request.POST.get("procedure") or request.GET.get("procedure") or ""
    initial = {"procedure": raw_procedure} if raw_procedure.isdigit() else {}
    form = CounterIntakeForm(request.POST or None, procedures=procedures, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = dict(form.fields["components"].choices)
        try:
            dossier = counter_register(
                officer=request.user,
                agency=agency,
                procedure=data["procedure"],
                full_name=data["full_name"],
                personal_id=data["personal_id"],
                phone=data["phone"],
                components=[names[c] for c in data["components"]],
                fee_paid_vnd=data["fee_paid_vnd"],
                delivery=data["delivery"],
            )
        except (DeliveryError, TransitionError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận (mẫu 01) cho người nộp.")
                % {"code": dossier.code},
            )
            return redirect(reverse("admin:dossiers_dossier_change", args=[dossier.pk]) + "#post-panel")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Đăng ký hồ sơ nộp trực tiếp"),
        "opts": model_admin.model._meta,
        "form": form,
        "agencies": agencies.order_by("name"),
        "agency": agency,
        "selected_procedure": form["procedure"].value(),
    }
    return TemplateResponse(request, "delivery/admin/counter_intake.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim_view(request: HttpRequest) -> HttpResponse:
    """The person's counter dossiers (by their verified phone), claimed with their identification number."""
    from .forms import ClaimForm

    if request.method == "POST":
        if not ratelimit.hit("counter-claim", str(request.user.pk), limit=5, window_seconds=600):
            messages.error(request, _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 10 phút."))
            return redirect("delivery:counter_claim")
        form = ClaimForm(request.POST)
        raw_id = request.POST.get("record") or ""
        if not form.is_valid() or not raw_id.isdigit():
            messages.error(request, _("Nhập đúng 12 chữ số in trên thẻ căn cước."))
            return redirect("delivery:counter_claim")
        try:
            record = dossier_claim(
                user=request.user,
                counter_applicant_id=int(raw_id),
                personal_id=form.cleaned_data["personal_id"],
            )
        except DeliveryError as exc:
            messages.error(request, str(exc))
            return redirect("delivery:counter_claim")
        messages.success(
            request, _("Hồ sơ %(code)s đã ở trong tài khoản của bạn.") % {"code": record.dossier.code}
        )
        return redirect("dossiers:detail", code=record.dossier.code)
    user = request.user
    return render(
        request,
        "delivery/counter_claim.html",
        {
            "records": list(claimable_for(user)),
            "form": ClaimForm(),
            "phone_verified": bool(user.phone and user.phone_verified),
            "code": (request.GET.get("code") or "")[:60],
        },
    )
