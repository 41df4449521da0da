"""Online submission and tracking for citizens. Thin views: selectors read, services write."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from portal import ratelimit
from procedures import selectors as procedure_selectors

from . import selectors, services, workdays
from .constants import CLOCK_STOPPED, FINAL_STATUSES, WITHDRAWABLE, Delivery, Status
from .declaration import DeclarationForm, iter_answer_rows, nest_answers, prefill_values
from .forms import AgencyForm, DeliveryForm, LookupForm, UploadForm, WithdrawForm
from .models import Dossier

STEPS = [
    ("agency", _("Cơ quan tiếp nhận")),
    ("answers", _("Tờ khai")),
    ("files", _("Giấy tờ")),
    ("delivery", _("Nhận kết quả")),
    ("fees", _("Phí, lệ phí")),
    ("review", _("Kiểm tra lại")),
]
MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc": "application/msword"}


def _steps_for(dossier: Dossier) -> list[tuple[str, str]]:
    return [(key, label) for key, label in STEPS if key != "answers" or dossier.form_version_id]


def _step_url(dossier: Dossier, step: str) -> str:
    return reverse("dossiers:draft_step", args=[dossier.uuid, step])


def _next_step(dossier: Dossier, step: str) -> str:
    keys = [key for key, _label in _steps_for(dossier)]
    return keys[min(keys.index(step) + 1, len(keys) - 1)]


def _context(dossier: Dossier, step: str, **extra) -> dict:
    steps = _steps_for(dossier)
    keys = [key for key, _label in steps]
    return {
        "dossier": dossier, "procedure": dossier.procedure, "steps": steps, "step": step, "step_title": dict(steps)[step],
        "step_index": keys.index(step) + 1, "step_count": len(keys), **extra,
    }


@login_required
@require_GET
def start(request: HttpRequest, code: str) -> HttpResponse:
    """From the procedure page: resume the open draft or start one (level 3–4 only)."""
    procedure, _preview = procedure_selectors.procedure_get_for_viewer(code=code, user=request.user)
    if not procedure.accepts_online or request.user.is_staff:
        templates = [c for c in procedure.components.all() if c.template_file]
        return render(
            request,
            "dossiers/start.html",
            {"procedure": procedure, "templates": templates, "agencies": list(procedure.agencies.all()), "staff_account": request.user.is_staff},
        )
    draft = services.dossier_start(user=request.user, procedure=procedure, organisation=account_selectors.acting_as(request))
    return redirect(_step_url(draft, draft.current_step or "agency"))


def _default_agency(request, agencies):
    profile = account_selectors.profile_for(request.user)
    for agency in agencies:
        if profile.permanent_commune_code and agency.unit_code == profile.permanent_commune_code:
            return agency
    return agencies[0] if agencies else None


@login_required
@require_http_methods(["GET", "POST"])
def draft_step(request: HttpRequest, uuid, step: str) -> HttpResponse:
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    if step not in dict(_steps_for(dossier)):
        raise Http404("no such step")
    handler = {"agency": _agency, "answers": _answers, "files": _files, "delivery": _delivery, "fees": _fees, "review": _review}[step]
    return handler(request, dossier)


def _after_save(request, dossier: Dossier, step: str) -> HttpResponse:
    if "save_exit" in request.POST:
        messages.success(request, _("Đã lưu bản nháp. Bạn có thể tiếp tục bất cứ lúc nào từ “Hồ sơ của tôi”."))
        return redirect("dossiers:list")
    return redirect(_step_url(dossier, _next_step(dossier, step)))


def _agency(request, dossier: Dossier) -> HttpResponse:
    agencies = dossier.procedure.agencies.order_by("kind", "name")
    initial = {"agency": dossier.agency or _default_agency(request, list(agencies))}
    form = AgencyForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save_agency(dossier=dossier, agency=form.cleaned_data["agency"])
        except services.DossierError as exc:
            form.add_error("agency", str(exc))
        else:
            return _after_save(request, dossier, "agency")
    return render(request, "dossiers/step_agency.html", _context(dossier, "agency", form=form))


def _answers(request, dossier: Dossier) -> HttpResponse:
    schema = dossier.form_version.schema
    answers = dossier.answers or prefill_values(schema, user=request.user, profile=account_selectors.profile_for(request.user))
    form = DeclarationForm(schema, request.POST or None, answers=answers)
    if request.method == "POST":
        if form.is_valid():
            services.draft_save_answers(dossier=dossier, answers=form.cleaned_answers())
            return _after_save(request, dossier, "answers")
        if "save_exit" in request.POST:
            # Keep what was valid so far; the rest is asked again next time.
            services.draft_save_answers(dossier=dossier, answers=nest_answers(schema, dict(form.cleaned_data)))
            return _after_save(request, dossier, "answers")
    return render(request, "dossiers/step_answers.html", _context(dossier, "answers", form=form))


def _files(request, dossier: Dossier) -> HttpResponse:
    components = list(dossier.procedure.components.all())
    files_by_component: dict = {}
    for stored in dossier.files.all():
        files_by_component.setdefault(stored.component_id, []).append(stored)
    if request.method == "POST" and ("continue" in request.POST or "save_exit" in request.POST):
        return _after_save(request, dossier, "files")
    rows = [{"component": c, "files": files_by_component.get(c.pk, []), "form": UploadForm(initial={"component": c.pk})} for c in components]
    return render(
        request,
        "dossiers/step_files.html",
        _context(dossier, "files", rows=rows, max_mb=settings.DOSSIER_MAX_FILE_BYTES // 1048576, total_mb=settings.DOSSIER_MAX_TOTAL_BYTES // 1048576),
    )


@login_required
@require_POST
def draft_upload(request: HttpRequest, uuid) -> HttpResponse:
    """One file for one component. A refused file leaves the rest of the draft untouched."""
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp để tải lên."))
    else:
        component = dossier.procedure.components.filter(pk=form.cleaned_data["component"]).first()
        if component is None:
            raise Http404("unknown component")
        try:
            stored = services.draft_add_file(dossier=dossier, component=component, upload=form.cleaned_data["file"])
        except services.DossierError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": stored.original_name})
    return redirect(_step_url(dossier, "files") + f"#component-{request.POST.get('component', '')}")


@login_required
@require_POST
def draft_file_delete(request: HttpRequest, uuid, file_id: int) -> HttpResponse:
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    stored = selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id)
    services.draft_remove_file(dossier=dossier, file=stored)
    messages.success(request, _("Đã xóa tệp."))
    return redirect(_step_url(dossier, "files"))


def _delivery(request, dossier: Dossier) -> HttpResponse:
    profile = account_selectors.profile_for(request.user)
    saved = dossier.delivery_address or {}
    initial = {
        "delivery": dossier.delivery or Delivery.ONLINE,
        "post_name": saved.get("name") or request.user.full_name,
        "post_phone": saved.get("phone") or request.user.phone,
        "post_province_code": saved.get("province_code") or profile.contact_province_code,
        "post_commune_code": saved.get("commune_code") or profile.contact_commune_code,
        "post_street": saved.get("street") or profile.contact_street,
    }
    form = DeliveryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.draft_save_delivery(dossier=dossier, delivery=form.cleaned_data["delivery"], address=form.address())
        return _after_save(request, dossier, "delivery")
    return render(request, "dossiers/step_delivery.html", _context(dossier, "delivery", form=form))


def _fees(request, dossier: Dossier) -> HttpResponse:
    if request.method == "POST":
        return _after_save(request, dossier, "fees")
    return render(request, "dossiers/step_fees.html", _context(dossier, "fees"))


def _review(request, dossier: Dossier) -> HttpResponse:
    rows = list(iter_answer_rows(dossier.form_version.schema, dossier.answers)) if dossier.form_version_id else []
    return render(
        request,
        "dossiers/step_review.html",
        _context(
            dossier, "review",
            answer_rows=rows,
            files=list(dossier.files.all()),
            problems=services.submission_problems(dossier),
            submission_key=uuid.uuid4(),
        ),
    )


@login_required
@require_POST
def draft_submit(request: HttpRequest, uuid) -> HttpResponse:
    """Post-redirect-get. The submission key in the form makes a double click or a retry harmless."""
    try:
        key = uuid_from(request.POST.get("submission_key", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Biểu mẫu đã cũ. Hãy tải lại trang và nộp lại."))
    dossier = selectors.dossier_get_for_user(user=request.user, uuid=str(uuid))
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:submitted", code=dossier.code)
    try:
        submitted = services.dossier_submit(dossier=dossier, user=request.user, submission_key=key, declaration_accepted=request.POST.get("declaration") == "yes")
    except services.DossierError as exc:
        messages.error(request, str(exc))
        return redirect(_step_url(dossier, "review"))
    return redirect("dossiers:submitted", code=submitted.code)


def uuid_from(value: str) -> uuid.UUID:
    return uuid.UUID(str(value))


@login_required
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    return render(request, "dossiers/submitted.html", {"dossier": dossier})


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.dossiers_for_user(request.user).select_related("procedure", "agency")
    drafts = list(qs.filter(status=Status.DRAFT).order_by("-updated_at")[:20])
    submitted_qs = qs.exclude(status=Status.DRAFT)
    status = request.GET.get("status", "")
    if status.isdigit() and int(status) in Status.values:
        submitted_qs = submitted_qs.filter(status=int(status))
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        submitted_qs = submitted_qs.filter(Q(code__icontains=q) | Q(procedure__name__icontains=q))
    page = Paginator(submitted_qs.order_by("-submitted_at"), 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/list.html", {"drafts": drafts, "page_obj": page, "status": status, "q": q, "statuses": [s for s in Status if s != Status.DRAFT]})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get_for_user(user=request.user, code=code, as_viewer=True)
    is_applicant = dossier.applicant_id == request.user.pk
    withdraw_form = WithdrawForm() if dossier.status in WITHDRAWABLE and is_applicant else None
    can_answer = dossier.status == Status.SUPPLEMENT_REQUESTED and is_applicant
    can_rate = is_applicant and dossier.status == Status.RETURNED and not hasattr(dossier, "rating")
    if request.method == "POST":
        _detail_action(request, dossier, is_applicant)
        return redirect("dossiers:detail", code=dossier.code)
    due = dossier.due_at or dossier.acceptance_due_at
    remaining = workdays.remaining_working_days(due) if due and dossier.status not in CLOCK_STOPPED and dossier.status not in FINAL_STATUSES else None
    request_event = dossier.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at").first() if can_answer else None
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "events": list(dossier.events.select_related("agency").all()),
            "files": list(dossier.files.exclude(purpose__startswith="form").exclude(purpose="result")),
            "issued": list(dossier.files.filter(Q(purpose__startswith="form") | Q(purpose="result"))),
            "due": due,
            "remaining": remaining,
            "withdraw_form": withdraw_form,
            "can_answer": can_answer,
            "supplement_request": request_event,
            "components": list(dossier.procedure.components.all()) if can_answer else [],
            "can_rate": can_rate,
            "clock_stopped": dossier.status in CLOCK_STOPPED,
            "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers)) if dossier.form_version_id else [],
        },
    )


def _detail_action(request: HttpRequest, dossier: Dossier, is_applicant: bool) -> None:
    action = request.POST.get("action")
    if not is_applicant:
        raise Http404("only the applicant acts here")
    try:
        if action == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                raise services.DossierError(_("Hãy ghi lý do rút hồ sơ."))
            services.dossier_withdraw(dossier=dossier, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã ghi nhận yêu cầu rút hồ sơ."))
        elif action == "supplement":
            uploads = []
            for component in dossier.procedure.components.all():
                for upload in request.FILES.getlist(f"file_{component.pk}")[: settings.DOSSIER_MAX_FILES_PER_COMPONENT]:
                    uploads.append((component, upload))
            services.dossier_answer_supplement(dossier=dossier, user=request.user, note=request.POST.get("note", ""), uploads=uploads)
            messages.success(request, _("Đã gửi giấy tờ bổ sung. Hồ sơ được chuyển lại cho cán bộ và thời hạn tiếp tục được tính."))
        elif action == "rate":
            services.dossier_rate(dossier=dossier, user=request.user, score=int(request.POST.get("score") or 0), comment=request.POST.get("comment", ""))
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        else:
            raise services.DossierError(_("Thao tác không hợp lệ."))
    except (services.DossierError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.DossierError) else _("Chọn mức từ 1 đến 5."))


@login_required
@require_GET
def dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A document, only to its owner (or an officer of the receiving agency), always as an attachment."""
    dossier = selectors.dossier_get_for_user(user=request.user, code=code, as_viewer=True)
    return _file_response(selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id))


@login_required
@require_GET
def draft_file(request: HttpRequest, uuid, file_id: int) -> FileResponse:
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    return _file_response(selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id))


def _file_response(stored) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except OSError as exc:
        raise Http404("file missing") from exc
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=MIME.get(stored.kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dossier_receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """A PDF copy of the submission: answers, documents, code and a QR code to the public lookup."""
    from portal.pdf import qr_data_uri, render_to_pdf

    dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    lookup_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("dossiers:lookup") + f"?code={dossier.code}"
    pdf = render_to_pdf(
        "pdf/dossier_submission.html",
        {
            "dossier": dossier,
            "agency_parent": dossier.agency.parent.name if dossier.agency and dossier.agency.parent else "",
            "agency_name": dossier.agency.name if dossier.agency else "",
            "document_number": dossier.code,
            "place": (dossier.agency.unit_name if dossier.agency else "") or "",
            "date": timezone.localtime(dossier.submitted_at).date() if dossier.submitted_at else timezone.localdate(),
            "qr_data_uri": qr_data_uri(lookup_url),
            "lookup_url": lookup_url,
            "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers)) if dossier.form_version_id else [],
            "files": list(dossier.files.all()),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ho-so-{dossier.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public: a dossier code plus the last 4 digits of the applicant's phone → status and due date, no personal data."""
    form = LookupForm(request.GET or None)
    result = None
    limited = False
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"].strip()
        if not (ratelimit.hit("lookup-ip", ratelimit.client_ip(request), limit=20, window_seconds=600) and ratelimit.hit("lookup-code", code, limit=5, window_seconds=600)):
            limited = True
        else:
            result = selectors.dossier_for_public_lookup(code=code, phone_last4=form.cleaned_data["phone_last4"])
            if result is None:
                form.add_error(None, _("Không tìm thấy hồ sơ khớp với mã và 4 số điện thoại đã nhập. Hãy kiểm tra lại mã trên giấy tiếp nhận."))
    return render(request, "dossiers/lookup.html", {"form": form, "result": result, "limited": limited}, status=429 if limited else 200)
