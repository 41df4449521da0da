"""Online submission and tracking for citizens. Thin views: selectors read, services write."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors as account_selectors
from core import ratelimit
from core.files import attachment_response, unreadable_upload_response
from core.people import display_name
from notifications.preferences import contact_channels_text
from procedures import selectors as procedure_selectors

from . import (
    checklist,
    extensions,
    fees,
    requirements,
    selectors,
    services,
    submission_copy,
    uploads,
    workdays,
)
from .audit import audit_staff_access
from .constants import (
    APPLICANT_FILE_PURPOSES,
    CLOCK_STOPPED,
    FINAL_STATUSES,
    ISSUED_FILE_PURPOSES,
    OPEN_STATUSES,
    WITHDRAWABLE,
    Delivery,
    Status,
)
from .declaration import DeclarationForm, group_data_change, iter_answer_rows, nest_answers, prefill_values
from .forms import AgencyForm, DeliveryForm, FileDeleteForm, LookupForm, UploadForm, WithdrawForm
from .models import Dossier

STEPS = [
    ("agency", _("Cơ quan tiếp nhận")),
    ("answers", _("Tờ khai")),
    ("files", _("Giấy tờ")),
    ("delivery", _("Nhận kết quả")),
    ("fees", _("Phí, lệ phí")),
    ("review", _("Kiểm tra lại")),
]
# A refused (or accepted) upload's message, shown beside the component it concerns on the next page
# (the one-time session entry survives the redirect; the page that shows it removes it).
UPLOAD_NOTICES_SESSION_KEY = "dossier_upload_notices"
FORM_NOTICE = "_form"  # a message about the whole supplement form, not one component


def _steps_for(dossier: Dossier) -> list[tuple[str, str]]:
    return [(key, label) for key, label in STEPS if key != "answers" or dossier.form_version_id]


def _step_url(dossier: Dossier, step: str) -> str:
    return reverse("dossiers:draft_step", args=[dossier.uuid, step])


def _next_step(dossier: Dossier, step: str) -> str:
    keys = [key for key, _label in _steps_for(dossier)]
    return keys[min(keys.index(step) + 1, len(keys) - 1)]


def _return_key(dossier: Dossier) -> str:
    return f"dossier-return-to-review:{dossier.uuid}"


def _returning(request: HttpRequest, dossier: Dossier) -> bool:
    """Whether the person came from the review page ("Thay đổi"): saving a step then goes back
    there. Remembered in the session until the review page shows again, so an upload (which
    reloads the documents step) or the step indicator does not lose the way back."""
    if request.GET.get("from") == "review" or request.POST.get("from") == "review":
        request.session[_return_key(dossier)] = True
    return bool(request.session.get(_return_key(dossier)))


def _context(request: HttpRequest, dossier: Dossier, step: str, **extra) -> dict:
    steps = _steps_for(dossier)
    keys = [key for key, _label in steps]
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "steps": steps,
        "step": step,
        "step_title": dict(steps)[step],
        "step_index": keys.index(step) + 1,
        "step_count": len(keys),
        "returning": step != "review" and _returning(request, dossier),
        **extra,
    }


@login_required
@require_safe
def start(request: HttpRequest, code: str) -> HttpResponse:
    """From the procedure page: resume the open draft or start one (level 3–4 only)."""
    procedure, _preview = procedure_selectors.procedure_get_for_viewer(code=code, user=request.user)
    if not procedure.accepts_online or request.user.is_staff:
        templates = [c for c in procedure.components.all() if c.template_file]
        return render(
            request,
            "dossiers/start.html",
            {
                "procedure": procedure,
                "templates": templates,
                "agencies": list(procedure.agencies.all()),
                "staff_account": request.user.is_staff,
            },
        )
    draft = services.dossier_start(
        user=request.user, procedure=procedure, organisation=account_selectors.acting_as(request)
    )
    return redirect(_step_url(draft, draft.current_step or "agency"))


def _default_agency(request, agencies):
    profile = account_selectors.profile_for(request.user)
    for agency in agencies:
        if profile.permanent_commune_code and agency.unit_code == profile.permanent_commune_code:
            return agency
    return agencies[0] if agencies else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_step(request: HttpRequest, uuid, step: str) -> HttpResponse:
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    if step not in dict(_steps_for(dossier)):
        raise Http404("no such step")
    if step == "review":
        request.session.pop(_return_key(dossier), None)
    handler = {
        "agency": _agency,
        "answers": _answers,
        "files": _files,
        "delivery": _delivery,
        "fees": _fees,
        "review": _review,
    }[step]
    return handler(request, dossier)


def _after_save(request, dossier: Dossier, step: str) -> HttpResponse:
    if "save_exit" in request.POST:
        messages.success(
            request, _("Đã lưu bản nháp. Bạn có thể tiếp tục bất cứ lúc nào từ “Hồ sơ của tôi”.")
        )
        return redirect("dossiers:list")
    if _returning(request, dossier):
        return redirect(_step_url(dossier, "review"))
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
    return render(request, "dossiers/step_agency.html", _context(request, dossier, "agency", form=form))


def _answers(request, dossier: Dossier) -> HttpResponse:
    schema = dossier.form_version.schema
    # Saved answers win; the profile fills only a declaration never saved before.
    answers = dossier.answers or prefill_values(
        schema, user=request.user, profile=account_selectors.profile_for(request.user)
    )
    if request.method == "POST" and ("group_add" in request.POST or "group_remove" in request.POST):
        # "Thêm" / "Bỏ" a member of a repeatable group: the page comes back with everything typed
        # so far (nothing is judged or saved yet), one instance more or less.
        data = group_data_change(
            schema,
            request.POST,
            add=request.POST.get("group_add", ""),
            remove=request.POST.get("group_remove", ""),
        )
        form = DeclarationForm(schema, data, answers=answers)
        form._errors = ErrorDict()
        return render(request, "dossiers/step_answers.html", _context(request, dossier, "answers", form=form))
    form = DeclarationForm(schema, request.POST or None, answers=answers)
    if request.method == "POST":
        if form.is_valid():
            services.draft_save_answers(dossier=dossier, answers=form.cleaned_answers())
            return _after_save(request, dossier, "answers")
        if "save_exit" in request.POST:
            # Keep what was valid so far; the rest is asked again next time.
            services.draft_save_answers(
                dossier=dossier, answers=nest_answers(schema, dict(form.cleaned_data))
            )
            return _after_save(request, dossier, "answers")
    return render(request, "dossiers/step_answers.html", _context(request, dossier, "answers", form=form))


def _files(request, dossier: Dossier) -> HttpResponse:
    if request.method == "POST" and ("continue" in request.POST or "save_exit" in request.POST):
        # Nothing to save here (each file was saved as it came): on, without reading the page's rows.
        return _after_save(request, dossier, "files")
    components = list(dossier.procedure.components.all())
    needs = requirements.dossier_component_needs(dossier, components)
    files_by_component: dict = {}
    for stored in dossier.files.all():
        files_by_component.setdefault(stored.component_id, []).append(stored)
    notices = _pop_upload_notices(request, dossier)
    rows = [
        {
            "component": need.component,
            "need": need.need,
            "required": need.required,
            "files": files_by_component.get(need.component.pk, []),
            "notice": notices.get(str(need.component.pk)),
        }
        for need in needs
        if need.need != requirements.DECLARATION
    ]
    return render(
        request,
        "dossiers/step_files.html",
        _context(
            request,
            dossier,
            "files",
            rows=rows,
            declared=[need.component for need in needs if need.need == requirements.DECLARATION],
            offers_templates=dossier.procedure.offers_forms,
            max_mb=settings.DOSSIER_MAX_FILE_BYTES // 1048576,
            total_mb=settings.DOSSIER_MAX_TOTAL_BYTES // 1048576,
            upload_limits=_upload_limits(),
        ),
    )


def _upload_limits() -> dict:
    """What the file inputs carry so that the browser refuses an oversized file with the server's words."""
    max_bytes = settings.DOSSIER_MAX_FILE_BYTES
    return {
        "max_bytes": max_bytes,
        "max_mb": max_bytes // 1048576,
        "too_big": uploads.too_big_message(name="{name}", size_mb="{size}", limit_mb=max_bytes // 1048576),
        "decimal": get_format("DECIMAL_SEPARATOR"),
    }


def _remember_upload_notice(
    request, dossier: Dossier, key: str, level: str, texts: list[str], **extra
) -> None:
    notices = request.session.get(UPLOAD_NOTICES_SESSION_KEY, {})
    scope = notices.setdefault(dossier.uuid.hex, {})
    scope[key] = {"level": level, "messages": texts, **extra}
    request.session[UPLOAD_NOTICES_SESSION_KEY] = notices


def _pop_upload_notices(request, dossier: Dossier) -> dict:
    notices = request.session.get(UPLOAD_NOTICES_SESSION_KEY)
    if not notices or dossier.uuid.hex not in notices:
        return {}
    mine = notices.pop(dossier.uuid.hex)
    request.session[UPLOAD_NOTICES_SESSION_KEY] = notices
    return mine


def _upload_answer(request, dossier: Dossier, component_id, level: str, text: str) -> HttpResponse:
    """After an upload: the component's block (for the page's script, which swaps it in place) or a
    redirect to the component, whose block then shows the message (without JavaScript)."""
    component = (
        dossier.procedure.components.filter(pk=int(component_id)).first()
        if str(component_id).isdigit()
        else None
    )
    step_url = _step_url(dossier, "files")
    if component is None:
        (messages.error if level == "error" else messages.success)(request, text)
        return redirect(step_url)
    if request.headers.get("X-Portal-Fragment") == "component":
        need = requirements.dossier_component_needs(dossier, [component])[0]
        row = {
            "component": component,
            "need": need.need,
            "required": need.required,
            "files": list(dossier.files.filter(component=component)),
            "notice": {"level": level, "messages": [text]},
        }
        response = render(
            request,
            "dossiers/_component_upload.html",
            {
                "dossier": dossier,
                "row": row,
                "upload_limits": _upload_limits(),
                "offers_templates": dossier.procedure.offers_forms,
            },
        )
        response["X-Portal-Fragment"] = "component"
        response["Cache-Control"] = "no-store"
        return response
    _remember_upload_notice(request, dossier, str(component.pk), level, [text])
    return redirect(f"{step_url}#component-{component.pk}")


def _unreadable_draft_upload(request: HttpRequest, uuid) -> HttpResponse:
    """The browser's upload could not be parsed (e.g. a 1,000-character file name): say so, change nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    return _upload_answer(
        request, dossier, request.GET.get("component", ""), "error", uploads.unreadable_message()
    )


@unreadable_upload_response(_unreadable_draft_upload)
@login_required
@require_POST
def draft_upload(request: HttpRequest, uuid) -> HttpResponse:
    """One file for one component. A refused file leaves the rest of the draft untouched, and its
    message is shown beside the component."""
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    form = UploadForm(request.POST, request.FILES)
    component_id = request.POST.get("component") or request.GET.get("component", "")
    if not form.is_valid():
        return _upload_answer(request, dossier, component_id, "error", _("Hãy chọn một tệp để tải lên."))
    component = dossier.procedure.components.filter(pk=form.cleaned_data["component"]).first()
    if component is None:
        raise Http404("unknown component")
    try:
        stored = services.draft_add_file(
            dossier=dossier, component=component, upload=form.cleaned_data["file"]
        )
    except services.DossierError as exc:
        return _upload_answer(request, dossier, component.pk, "error", str(exc))
    return _upload_answer(
        request,
        dossier,
        component.pk,
        "success",
        _("Đã tải lên “%(name)s”.") % {"name": stored.original_name},
    )


@login_required
@require_POST
def draft_file_delete(request: HttpRequest, uuid, file_id: int) -> HttpResponse:
    """Deleting an uploaded file asks first: the "Xóa" button leads to a confirmation page, which
    posts again with ``confirm``; only then is the file gone."""
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    stored = selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id)
    form = FileDeleteForm(request.POST if "confirm_step" in request.POST else None)
    if form.is_bound and form.is_valid():
        services.draft_remove_file(dossier=dossier, file=stored)
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": stored.original_name})
        return redirect(_step_url(dossier, "files") + f"#component-{stored.component_id or ''}")
    return render(
        request,
        "dossiers/file_delete.html",
        _context(request, dossier, "files", stored=stored, form=form),
    )


def _delivery_choices(dossier: Dossier) -> list[tuple[str, str]]:
    """Where the result may go. A procedure whose result is handed over in person (both parties
    sign the register) offers the counter only."""
    if dossier.procedure.presence_at_result:
        return [(Delivery.COUNTER, Delivery.COUNTER.label)]
    return list(Delivery.choices)


def _delivery(request, dossier: Dossier) -> HttpResponse:
    profile = account_selectors.profile_for(request.user)
    saved = dossier.delivery_address or {}
    choices = _delivery_choices(dossier)
    only = choices[0][0] if len(choices) == 1 else ""
    initial = {
        # Nothing is chosen for the person: only what they chose before (or the one way there is).
        "delivery": dossier.delivery or only or None,
        "post_name": saved.get("name") or request.user.full_name,
        "post_phone": saved.get("phone") or request.user.phone,
        "post_province_code": saved.get("province_code") or profile.contact_province_code,
        "post_commune_code": saved.get("commune_code") or profile.contact_commune_code,
        "post_street": saved.get("street") or profile.contact_street,
    }
    form = DeliveryForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.draft_save_delivery(
            dossier=dossier, delivery=form.cleaned_data["delivery"], address=form.address()
        )
        return _after_save(request, dossier, "delivery")
    return render(
        request,
        "dossiers/step_delivery.html",
        _context(
            request,
            dossier,
            "delivery",
            form=form,
            only_delivery=only,
            address_panels=[] if only else extensions.post_address_panels.render_list(request, dossier),
        ),
    )


def _fees(request, dossier: Dossier) -> HttpResponse:
    if request.method == "POST":
        return _after_save(request, dossier, "fees")
    return render(
        request, "dossiers/step_fees.html", _context(request, dossier, "fees", **fees.fee_summary(dossier))
    )


def _review(request, dossier: Dossier) -> HttpResponse:
    rows = (
        list(iter_answer_rows(dossier.form_version.schema, dossier.answers))
        if dossier.form_version_id
        else []
    )
    return render(
        request,
        "dossiers/step_review.html",
        _context(
            request,
            dossier,
            "review",
            answer_rows=rows,
            files=list(dossier.files.all()),
            problems=services.submission_problems(dossier),
            submission_key=uuid.uuid4(),
            **fees.fee_summary(dossier),
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
        dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)  # only its author submits it
    except Http404:
        # A concurrent post (a double click, a retry) submitted it a moment ago: show the same result.
        dossier = selectors.dossier_get_for_user(user=request.user, uuid=str(uuid))
        if dossier.status == Status.DRAFT:
            raise
        return redirect("dossiers:submitted", code=dossier.code)
    try:
        submitted = services.dossier_submit(
            dossier=dossier,
            user=request.user,
            submission_key=key,
            declaration_accepted=request.POST.get("declaration") == "yes",
        )
    except services.DossierError as exc:
        messages.error(request, str(exc))
        return redirect(_step_url(dossier, "review"))
    return redirect("dossiers:submitted", code=submitted.code)


def uuid_from(value: str) -> uuid.UUID:
    return uuid.UUID(str(value))


@login_required
@require_safe
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    # The citizen panels (e.g. the fee to pay online) show on the confirmation too.
    panels = extensions.citizen_panels.render_list(request, dossier)
    return render(
        request,
        "dossiers/submitted.html",
        {
            "dossier": dossier,
            "panels": panels,
            "channels_text": contact_channels_text(dossier.applicant),
            "presence_note": submission_copy.presence_note(dossier),
            **fees.fee_summary(dossier),
        },
    )


@login_required
@require_safe
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
    return render(
        request,
        "dossiers/list.html",
        {
            "drafts": drafts,
            "page_obj": page,
            "status": status,
            "q": q,
            "statuses": [s for s in Status if s != Status.DRAFT],
        },
    )


def _event_actor(event, dossier: Dossier) -> str:
    """Who acted, for the applicant's timeline: the applicant by name (never a username)."""
    if event.actor_id and event.actor_id == dossier.applicant_id:
        return display_name(dossier.applicant)
    return event.actor_display


def _unreadable_detail_post(request: HttpRequest, code: str) -> HttpResponse:
    """A supplement answer whose upload could not be parsed (e.g. a 1,000-character file name)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    dossier = selectors.dossier_get_for_user(user=request.user, code=code, as_viewer=True)
    if dossier.applicant_id != request.user.pk:
        raise Http404("only the applicant acts here")
    _remember_upload_notice(request, dossier, FORM_NOTICE, "error", [uploads.unreadable_message()])
    return redirect(reverse("dossiers:detail", args=[dossier.code]) + "#supplement-form")


@unreadable_upload_response(_unreadable_detail_post)
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get_for_user(user=request.user, code=code, as_viewer=True)
    is_applicant = dossier.applicant_id == request.user.pk
    can_withdraw = dossier.status in WITHDRAWABLE and is_applicant
    can_answer = dossier.status == Status.SUPPLEMENT_REQUESTED and is_applicant
    can_rate = is_applicant and dossier.status == Status.RETURNED and not hasattr(dossier, "rating")
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            return redirect("dossiers:withdraw", code=dossier.code)  # a withdrawal always asks first
        anchor = _detail_action(request, dossier, is_applicant)
        return redirect(reverse("dossiers:detail", args=[dossier.code]) + (f"#{anchor}" if anchor else ""))
    audit_staff_access(user=request.user, dossier=dossier, what="view", detail=request.path)
    due = dossier.due_at or dossier.acceptance_due_at
    remaining = (
        workdays.remaining_working_days(due)
        if due and dossier.status not in CLOCK_STOPPED and dossier.status not in FINAL_STATUSES
        else None
    )
    request_event = (
        dossier.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at").first()
        if can_answer
        else None
    )
    notices = _pop_upload_notices(request, dossier) if can_answer else {}
    # One upload slot per item the officer asked for (not one per component of the procedure).
    slots = checklist.requested_slots(dossier) if can_answer else []
    for slot in slots:
        slot.upload_errors = (notices.get(slot.key) or {}).get("messages", [])
    form_notice = notices.get(FORM_NOTICE) or {}
    events = list(dossier.events.select_related("agency").all())
    for event in events:
        event.shown_actor = _event_actor(event, dossier)
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "events": events,
            "files": list(dossier.files.filter(purpose__in=APPLICANT_FILE_PURPOSES)),
            "issued": list(dossier.files.filter(purpose__in=ISSUED_FILE_PURPOSES)),
            "due": due,
            "remaining": remaining,
            "can_withdraw": can_withdraw,
            "can_answer": can_answer,
            "supplement_request": request_event,
            "slots": slots,
            "upload_limits": _upload_limits(),
            "supplement_form_errors": form_notice.get("messages", []),
            "supplement_errors": any(slot.upload_errors for slot in slots),
            "first_error_slot": next((slot.key for slot in slots if slot.upload_errors), None),
            "supplement_note": form_notice.get("note", ""),
            "can_rate": can_rate,
            "clock_stopped": dossier.status in CLOCK_STOPPED,
            "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers))
            if dossier.form_version_id
            else [],
            "panels": extensions.citizen_panels.render_list(request, dossier),
            "channels_text": contact_channels_text(dossier.applicant),
            "presence_note": submission_copy.presence_note(dossier)
            if dossier.status in OPEN_STATUSES
            else "",
            **fees.fee_summary(dossier),
        },
    )


def _expected_version(request: HttpRequest) -> int | None:
    """The dossier version the page was rendered with (a stale page is refused, not applied)."""
    raw = request.POST.get("expected_version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _detail_action(request: HttpRequest, dossier: Dossier, is_applicant: bool) -> str:
    """Carry out the applicant's action; returns the anchor the page should open at ("" for the top)."""
    action = request.POST.get("action")
    if not is_applicant:
        raise Http404("only the applicant acts here")
    try:
        if action == "supplement":
            return _answer_supplement(request, dossier)
        elif action == "rate":
            services.dossier_rate(
                dossier=dossier,
                user=request.user,
                score=int(request.POST.get("score") or 0),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        else:
            raise services.DossierError(_("Thao tác không hợp lệ."))
    except (services.DossierError, ValueError) as exc:
        messages.error(
            request, str(exc) if isinstance(exc, services.DossierError) else _("Chọn mức từ 1 đến 5.")
        )
    return ""


def _answer_supplement(request: HttpRequest, dossier: Dossier) -> str:
    """The applicant's answer to a supplement request. A refused file refuses the whole answer (nothing
    is stored); each message is shown beside its component, and the note is kept for the next try."""
    note = request.POST.get("note", "")
    answer = [
        (slot.component, upload, slot.name, slot.key)
        for slot in checklist.requested_slots(dossier)
        for upload in request.FILES.getlist(f"file_{slot.key}")
    ]
    try:
        services.dossier_answer_supplement(
            dossier=dossier,
            user=request.user,
            note=note,
            uploads=answer,
            expected_version=_expected_version(request),
        )
    except services.UploadRefused as exc:
        for slot_key, texts in exc.errors.items():
            _remember_upload_notice(request, dossier, str(slot_key), "error", texts)
        _remember_upload_notice(
            request,
            dossier,
            FORM_NOTICE,
            "error",
            [
                _(
                    "Chưa gửi được: có tệp bị từ chối (xem bên dưới). Không tệp nào được lưu; hãy chọn lại các tệp rồi gửi lại."
                )
            ],
            note=note[:2000],
        )
        first = next(iter(exc.errors))
        return f"supplement-{first}" if first is not None else "supplement-form"
    except services.DossierError as exc:
        _remember_upload_notice(request, dossier, FORM_NOTICE, "error", [str(exc)], note=note[:2000])
        return "supplement-form"
    messages.success(
        request,
        _("Đã gửi giấy tờ bổ sung. Hồ sơ được chuyển lại cho cán bộ và thời hạn tiếp tục được tính."),
    )
    return ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Withdrawal asks first: a page that states the consequence, a reason (refused when empty,
    beside the field) and a confirmation box; only a complete form withdraws (status 7)."""
    dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    if dossier.status not in WITHDRAWABLE:
        messages.error(
            request, _("Hồ sơ đã được xử lý nên không rút trực tuyến được. Hãy liên hệ Bộ phận Một cửa.")
        )
        return redirect("dossiers:detail", code=dossier.code)
    form = WithdrawForm(request.POST or None, initial={"expected_version": dossier.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(
                dossier=dossier,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except services.DossierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã rút hồ sơ %(code)s. Hồ sơ sẽ không được giải quyết tiếp.") % {"code": dossier.code},
            )
            return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/withdraw.html",
        {"dossier": dossier, "form": form, **fees.fee_summary(dossier)},
    )


@login_required
@require_safe
def dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A document, only to its owner (or an officer of the receiving agency), always as an attachment."""
    dossier = selectors.dossier_get_for_user(user=request.user, code=code, as_viewer=True)
    stored = selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id)
    audit_staff_access(user=request.user, dossier=dossier, what="file", detail=stored.original_name)
    return _file_response(stored)


@login_required
@require_safe
def draft_file(request: HttpRequest, uuid, file_id: int) -> FileResponse:
    dossier = selectors.draft_get_for_user(user=request.user, uuid=uuid)
    return _file_response(
        selectors.dossier_file_get_for_user(user=request.user, dossier=dossier, file_id=file_id)
    )


def _file_response(stored, *, inline: bool = False) -> FileResponse:
    """A stored document: named and typed from the kind decided from its bytes when it was uploaded,
    never from the uploader's file name (core.files.attachment_response)."""
    try:
        handle = stored.file.open("rb")
    except OSError as exc:
        raise Http404("file missing") from exc
    return attachment_response(
        handle, display_name=stored.original_name or stored.component_name, kind=stored.kind, inline=inline
    )


@login_required
@require_safe
def dossier_receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """A PDF copy of the submission (answers, documents, fees, delivery, what the applicant must still
    come in for, a QR code to the public lookup), in English when the interface is English. Made by a
    task after commit and served from storage (``submission_copy``); while it is being made, a page says
    so and updates itself (``?status=1`` is its htmx fragment)."""
    dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    language = submission_copy.language_of(get_language())
    name = submission_copy.stored(dossier, language)
    polling = request.GET.get("status") == "1"
    if name is None and not polling:
        submission_copy.enqueue(dossier.pk, [language])  # in-process tasks (make run) make it right here
        name = submission_copy.stored(dossier, language)
    if polling or name is None:
        template = "dossiers/_copy_status.html" if polling else "dossiers/copy_pending.html"
        context = {"dossier": dossier, "ready": name is not None}
        return render(request, template, context, status=200 if name else 202)
    english = language == "en"
    with default_storage.open(name, "rb") as handle:  # a few hundred kB, read once from storage
        response = HttpResponse(handle.read(), content_type="application/pdf")
    filename = f"{'dossier' if english else 'ho-so'}-{dossier.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """Public: a dossier code plus the last 4 digits of the applicant's phone → status and due date,
    no personal data.

    The QR code on the receipt opens ``/lookup/?code=…``: the code is then filled in and only the
    phone digits are asked for, with no error before the person has typed anything. Codes match
    whatever their case and surrounding spaces.
    """
    submitted_form = "phone_last4" in request.GET
    form = LookupForm(request.GET if submitted_form else None, initial={"code": request.GET.get("code", "")})
    result = None
    limited = False
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if not (
            ratelimit.hit("lookup-ip", ratelimit.client_ip(request), limit=20, window_seconds=600)
            and ratelimit.hit("lookup-code", code, limit=5, window_seconds=600)
        ):
            limited = True
        else:
            result = selectors.dossier_for_public_lookup(
                code=code, phone_last4=form.cleaned_data["phone_last4"]
            )
            if result is None:
                form.add_error(
                    None,
                    _(
                        "Không tìm thấy hồ sơ khớp với mã và 4 số điện thoại đã nhập. Hãy kiểm tra lại mã trên giấy tiếp nhận."
                    ),
                )
    code_prefilled = not form.is_bound and bool(form.initial.get("code", "").strip())
    return render(
        request,
        "dossiers/lookup.html",
        {
            "form": form,
            "result": result,
            "limited": limited,
            "code_prefilled": code_prefilled,
            "prefilled_code": LookupForm.normalise_code(form.initial.get("code", "")),
        },
        status=429 if limited else 200,
    )
