"""The citizen's own account pages: profile, preferences, organisations, data export, deletion;
and around allauth's code pages, an explanation when a code has expired."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from allauth.account import views as allauth_views
from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications.models import ContactPreference

from . import selectors, services, units
from .constants import (
    ACTING_AS_SESSION_KEY,
    ClaimStatus,
    MemberRole,
    OrganisationStatus,
    RegisterOutcome,
)
from .forms import (
    DisputeForm,
    InviteMemberForm,
    OrganisationForm,
    PreferenceForm,
    ProfileForm,
    ProofDocumentsForm,
)
from .models import Invitation, Membership
from .templatetags.uswds import vn_phone
from .validators import validate_tax_code


def _code_expired(request: HttpRequest, stage: str, timeout: int) -> bool:
    """True when the sign-in in progress is waiting for a code of ``stage`` that is no longer valid.

    allauth keeps the pending sign-in in the session; once the code (``timeout``) or the sign-in
    itself (``ACCOUNT_LOGIN_TIMEOUT``) has run out it drops it and silently sends the person back.
    """
    pending = request.session.get(LOGIN_SESSION_KEY)
    if request.user.is_authenticated or not isinstance(pending, dict):
        return False
    stages = (pending.get("state") or {}).get("stages") or {}
    if stages.get("current") != stage:
        return False
    now = time.time()
    sent_at = (stages.get(stage) or {}).get("at") or pending.get("initiated_at") or now
    started_at = pending.get("initiated_at") or now
    return now - sent_at > timeout or now - started_at > allauth_settings.LOGIN_TIMEOUT


def confirm_login_code(request: HttpRequest) -> HttpResponse:
    """allauth's "enter the code we sent" page; an expired code is explained, then a new one can be asked for."""
    if _code_expired(request, "login_by_code", settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT):
        messages.warning(
            request,
            _(
                "Mã đăng nhập đã hết hạn: mỗi mã chỉ dùng được trong %(minutes)d phút. Hãy nhập lại số điện thoại hoặc email để nhận mã mới."
            )
            % {"minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60},
        )
    return allauth_views.confirm_login_code(request)


def verify_phone(request: HttpRequest) -> HttpResponse:
    """allauth's phone verification page (sign-up, change of number); an expired code is explained."""
    if _code_expired(request, "verify_phone", settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT):
        messages.warning(
            request,
            _(
                "Mã xác thực số điện thoại đã hết hạn: mỗi mã chỉ dùng được trong %(minutes)d phút. Tài khoản vừa tạo vẫn được giữ: hãy chọn “Đăng nhập bằng mã SMS” và nhập số điện thoại để nhận mã mới."
            )
            % {"minutes": settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT // 60},
        )
    return allauth_views.verify_phone(request)


PROFILE_FIELDS = [
    "personal_id",
    "date_of_birth",
    "sex",
    "contact_same_as_permanent",
    *[
        f"{p}_{part}"
        for p in ("permanent", "contact")
        for part in ("province_code", "province_name", "commune_code", "commune_name", "street")
    ],
]


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for(request.user))
    member_of = {o.pk for o in organisations}
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": selectors.profile_for(request.user),
            "organisations": organisations,
            "acting_as": selectors.acting_as(request),
            "invitations": selectors.invitations_pending_for(request.user),
            # Claims on organisations the person does not (or no longer) act for: disputes, lost places.
            "claims": [c for c in selectors.claims_for(request.user) if c.organisation_id not in member_of],
            "preference": ContactPreference.objects.filter(user=request.user).first(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile_obj = selectors.profile_for(request.user)
    initial = {"full_name": request.user.full_name, **{f: getattr(profile_obj, f) for f in PROFILE_FIELDS}}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data.get(f, "") for f in PROFILE_FIELDS}
        data["contact_same_as_permanent"] = bool(form.cleaned_data.get("contact_same_as_permanent"))
        services.profile_update(user=request.user, full_name=form.cleaned_data["full_name"], **data)
        messages.success(
            request, _("Đã lưu thông tin cá nhân. Các tờ khai sẽ được điền sẵn từ thông tin này.")
        )
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile_obj})


@require_safe
def commune_options(request: HttpRequest) -> HttpResponse:
    """htmx: the communes of the chosen province, as <option>s."""
    # Whatever the select is called (profile, organisation, declaration address), its value is a province code.
    known = dict(units.provinces())
    province = next((v for v in request.GET.values() if v in known), "")
    return render(request, "accounts/_commune_options.html", {"communes": units.communes(province)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference, _created = ContactPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("accounts:profile")
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
@require_safe
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.export_user_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="du-lieu-cua-toi-{timezone.localdate():%Y%m%d}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    confirm_error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            # Said beside the box, where the person is looking (and announced to screen readers).
            confirm_error = _("Hãy đánh dấu ô xác nhận nếu bạn chắc chắn muốn xóa tài khoản.")
        else:
            try:
                services.account_delete(user=request.user)
            except services.AccountError as exc:
                messages.error(request, str(exc))
            else:
                logout(request)
                messages.success(request, _("Tài khoản của bạn đã được xóa."))
                return redirect("home")
    return render(request, "accounts/delete.html", {"confirm_error": confirm_error})


ADDRESS_FIELDS = ("hq_province_code", "hq_province_name", "hq_commune_code", "hq_commune_name", "hq_street")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.organisation_register(
                user=request.user,
                name=data["name"],
                tax_code=data["tax_code"],
                **{k: data.get(k, "") for k in ADDRESS_FIELDS},
            )
        except services.OrganisationAlreadyClaimed as exc:
            return redirect(
                f"{reverse('accounts:organisation_claim')}?{urlencode({'tax_code': exc.tax_code})}"
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            if organisation.status == OrganisationStatus.VERIFIED:
                messages.success(
                    request,
                    _(
                        "Đã thêm %(name)s và xác minh qua cơ quan đăng ký kinh doanh. Bạn có thể nộp hồ sơ nhân danh tổ chức."
                    )
                    % {"name": organisation.name},
                )
            else:
                messages.info(
                    request,
                    _("Đã thêm %(name)s. Tổ chức cần được xác minh trước khi nộp hồ sơ nhân danh tổ chức.")
                    % {"name": organisation.name},
                )
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_claim(request: HttpRequest) -> HttpResponse:
    """A tax code already on the portal: the person files a competing claim with their documents."""
    try:
        tax_code = validate_tax_code(request.GET.get("tax_code", ""))
    except ValidationError:
        return redirect("accounts:organisation_new")
    organisation = selectors.organisation_by_tax_code(tax_code)
    if organisation is None:
        return redirect("accounts:organisation_new")
    membership = selectors.membership_of(request.user, organisation)
    if membership is not None and membership.role == MemberRole.REPRESENTATIVE:
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    pending = selectors.pending_claim(request.user, organisation)
    form = DisputeForm(request.POST or None, request.FILES or None) if pending is None else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            claim = services.organisation_dispute_open(
                user=request.user,
                organisation=organisation,
                certificate=form.cleaned_data["certificate"],
                identity=form.cleaned_data["identity"],
                note=form.cleaned_data.get("note", ""),
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            if claim.status == ClaimStatus.APPROVED:
                messages.success(
                    request,
                    _(
                        "Cơ quan đăng ký kinh doanh ghi nhận bạn là người đại diện theo pháp luật: bạn đã được xác nhận là người đại diện của %(name)s."
                    )
                    % {"name": organisation.name},
                )
                return redirect("accounts:organisation_detail", pk=organisation.pk)
            messages.success(
                request, _("Đã gửi đề nghị. Kết quả sẽ được gửi đến bạn qua SMS và thư điện tử.")
            )
            return redirect(f"{reverse('accounts:organisation_claim')}?{urlencode({'tax_code': tax_code})}")
    return render(
        request,
        "accounts/organisation_claim.html",
        {
            "organisation": organisation,
            "form": form,
            "claim": pending or selectors.latest_claim(request.user, organisation),
            "identity": selectors.verified_identity(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's page: its verification, its members, and (for the representative) invitations.

    Inviting answers exactly the same whether or not the number has an account (post/redirect/get)."""
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    is_representative = selectors.is_representative(request.user, organisation)
    form = None
    if is_representative and organisation.status == OrganisationStatus.VERIFIED:
        form = InviteMemberForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Chỉ người đại diện của tổ chức đã xác minh mới mời được thành viên."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                services.invitation_create(actor=request.user, organisation=organisation, phone=phone)
            except services.AccountError as exc:
                form.add_error("phone", str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi lời mời đến số %(phone)s. Người đó trở thành thành viên khi chấp nhận lời mời (trong %(days)d ngày)."
                    )
                    % {"phone": vn_phone(phone), "days": settings.ORGANISATION_INVITATION_DAYS},
                )
                return redirect("accounts:organisation_detail", pk=organisation.pk)
    claim = selectors.latest_claim(request.user, organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": list(selectors.members_of(organisation)),
            "membership": selectors.membership_of(request.user, organisation),
            "is_representative": is_representative,
            "invitations": selectors.invitations_of(organisation) if is_representative else [],
            "claim": claim,
            "outcome_help": OUTCOME_HELP.get(claim.register_outcome, "") if claim else "",
            "identity": selectors.verified_identity(request.user),
            "form": form,
        },
    )


# What the person reads under the register's answer: what happened and what to do next.
OUTCOME_HELP = {
    RegisterOutcome.MATCHED: _("Cơ quan đăng ký kinh doanh ghi nhận bạn là người đại diện theo pháp luật."),
    RegisterOutcome.NAME_MISMATCH: _(
        "Họ tên của bạn (theo định danh điện tử) khác với người đại diện theo pháp luật mà cơ quan đăng ký kinh doanh ghi nhận. Nếu doanh nghiệp vừa đổi người đại diện, hãy đăng ký thay đổi với Phòng Đăng ký kinh doanh trước; hoặc tải giấy tờ để cán bộ xem xét."
    ),
    RegisterOutcome.ID_MISMATCH: _(
        "Họ tên trùng nhưng số định danh của bạn khác với người đại diện theo pháp luật mà cơ quan đăng ký kinh doanh ghi nhận. Hãy tải giấy tờ để cán bộ xem xét."
    ),
    RegisterOutcome.NO_VERIFIED_IDENTITY: _(
        "Chỉ họ tên đã được xác thực qua định danh điện tử (VNeID) mới được đối chiếu tự động: họ tên gõ vào hồ sơ cá nhân không chứng minh được danh tính. Hãy đăng nhập bằng VNeID rồi bấm “Kiểm tra lại”, hoặc tải giấy tờ để cán bộ xác nhận."
    ),
    RegisterOutcome.NOT_FOUND: _(
        "Mã số thuế này không có trong Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp (hộ kinh doanh, hợp tác xã, hội và nhiều tổ chức khác đăng ký ở nơi khác). Hãy tải giấy tờ để cán bộ xác nhận."
    ),
    RegisterOutcome.CLOSED: _(
        "Theo cơ quan đăng ký kinh doanh, doanh nghiệp này đã chấm dứt hoạt động, nên không xác minh tự động được. Nếu thông tin này chưa đúng, hãy tải giấy tờ để cán bộ xem xét."
    ),
    RegisterOutcome.UNAVAILABLE: _(
        "Hệ thống của cơ quan đăng ký kinh doanh tạm thời không trả lời. Hãy bấm “Kiểm tra lại” sau ít phút, hoặc tải giấy tờ để cán bộ xác nhận."
    ),
    RegisterOutcome.NOT_CONNECTED: _(
        "Cổng chưa kết nối với cơ quan đăng ký kinh doanh: tổ chức được xác nhận từ giấy tờ. Hãy tải giấy chứng nhận đăng ký và căn cước của bạn."
    ),
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The representative (or a claimant) hands in documents for an officer to check."""
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    form = ProofDocumentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_documents_submit(
                user=request.user,
                organisation=organisation,
                certificate=form.cleaned_data["certificate"],
                identity=form.cleaned_data["identity"],
                note=form.cleaned_data.get("note", ""),
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã nộp giấy tờ. Cán bộ sẽ xem xét; kết quả được gửi đến bạn qua SMS và thư điện tử."),
            )
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request, "accounts/organisation_documents.html", {"organisation": organisation, "form": form}
    )


@login_required
@require_POST
def organisation_check(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Kiểm tra lại": ask the business register again."""
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    if not selectors.is_representative(request.user, organisation):
        raise Http404("not the representative")
    try:
        organisation = services.organisation_register_check(organisation=organisation, actor=request.user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        if organisation.status == OrganisationStatus.VERIFIED:
            messages.success(request, _("Tổ chức đã được xác minh."))
        else:
            messages.info(request, _("Đã kiểm tra lại; kết quả ở dưới."))
    return redirect("accounts:organisation_detail", pk=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã thu hồi lời mời; đường dẫn trong tin nhắn không còn dùng được."))
    return redirect("accounts:organisation_detail", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_pk, organisation=organisation
    )
    try:
        services.member_remove(actor=request.user, membership=membership)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gỡ thành viên."))
    return redirect("accounts:organisation_detail", pk=organisation.pk)


@login_required
@require_POST
def organisation_leave(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    try:
        services.member_leave(user=request.user, organisation=organisation)
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    if request.session.get(ACTING_AS_SESSION_KEY) == organisation.pk:
        services.acting_as_switch(request=request, organisation=None)
    messages.success(request, _("Bạn đã rời %(name)s.") % {"name": organisation.name})
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation SMS. A forged, used or expired link gets a page that says so;
    someone else's invitation is a 404 like anything else of someone else's."""
    found = services.invitation_for_token(token)
    if found is None:
        return render(request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not request.user.phone_verified or found.phone != request.user.phone:
        raise Http404("invitation not found")
    if not found.is_open:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": found.effective_status}, status=410
        )
    if request.method == "POST":
        return _respond(request, found)
    return render(request, "accounts/invitation.html", {"invitation": found})


@login_required
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline from the profile page."""
    return _respond(request, selectors.invitation_get_for_user(user=request.user, pk=pk))


def _respond(request: HttpRequest, found: Invitation) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.invitation_accept(invitation=found, user=request.user)
        elif action == "decline":
            services.invitation_decline(invitation=found, user=request.user)
        else:
            messages.error(request, _("Hãy chọn Chấp nhận hoặc Từ chối."))
            return redirect("accounts:profile")
    except services.InvitationClosed:
        found.refresh_from_db()
        return render(
            request, "accounts/invitation_invalid.html", {"reason": found.effective_status}, status=410
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:profile")
    if action == "accept":
        messages.success(
            request,
            _(
                "Bạn đã là thành viên của %(name)s. Chọn tổ chức ở mục “Nộp hồ sơ nhân danh” để thao tác cho tổ chức."
            )
            % {"name": found.organisation.name},
        )
    else:
        messages.success(request, _("Đã từ chối lời mời."))
    return redirect("accounts:profile")


@login_required
@require_POST
def acting_as(request: HttpRequest) -> HttpResponse:
    """Switch between acting for oneself and for one of one's organisations."""
    value = request.POST.get("organisation", "")
    organisation = None
    if value:
        try:
            organisation = selectors.organisation_get_for_user(user=request.user, pk=int(value))
        except ValueError:
            organisation = None
    services.acting_as_switch(request=request, organisation=organisation)
    if organisation and not organisation.can_submit:
        messages.warning(
            request,
            _(
                "Bạn đang thao tác nhân danh %(name)s. Tổ chức chưa được xác minh (hoặc đang có tranh chấp): bạn chuẩn bị được hồ sơ nhưng chưa nộp được."
            )
            % {"name": organisation.name},
        )
    elif organisation:
        messages.success(request, _("Bạn đang thao tác nhân danh %(name)s.") % {"name": organisation.name})
    else:
        messages.success(request, _("Bạn đang thao tác cho chính mình."))
    return redirect("accounts:profile")
