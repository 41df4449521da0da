"""The citizen's own account pages: profile, preferences, organisations, data export, deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.models import ContactPreference

from . import selectors, services, units
from .forms import AddMemberForm, OrganisationForm, PreferenceForm, ProfileForm
from .models import Membership

PROFILE_FIELDS = [
    "personal_id", "date_of_birth", "sex", "contact_same_as_permanent",
    *[f"{p}_{part}" for p in ("permanent", "contact") for part in ("province_code", "province_name", "commune_code", "commune_name", "street")],
]


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": selectors.profile_for(request.user),
            "organisations": list(selectors.organisations_for(request.user)),
            "acting_as": selectors.acting_as(request),
            "preference": ContactPreference.objects.filter(user=request.user).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile_obj = selectors.profile_for(request.user)
    initial = {"full_name": request.user.full_name, **{f: getattr(profile_obj, f) for f in PROFILE_FIELDS}}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data.get(f, "") for f in PROFILE_FIELDS}
        data["contact_same_as_permanent"] = bool(form.cleaned_data.get("contact_same_as_permanent"))
        services.profile_update(user=request.user, full_name=form.cleaned_data["full_name"], **data)
        messages.success(request, _("Đã lưu thông tin cá nhân. Các tờ khai sẽ được điền sẵn từ thông tin này."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile_obj})


@require_GET
def commune_options(request: HttpRequest) -> HttpResponse:
    """htmx: the communes of the chosen province, as <option>s."""
    # Whatever the select is called (profile, organisation, declaration address), its value is a province code.
    known = dict(units.provinces())
    province = next((v for v in request.GET.values() if v in known), "")
    return render(request, "accounts/_commune_options.html", {"communes": units.communes(province)})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference, _created = ContactPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("accounts:profile")
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.export_user_data(user=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-cua-toi-{timezone.localdate():%Y%m%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Hãy đánh dấu ô xác nhận nếu bạn chắc chắn muốn xóa tài khoản."))
        else:
            try:
                services.account_delete(user=request.user)
            except services.AccountError as exc:
                messages.error(request, str(exc))
            else:
                logout(request)
                messages.success(request, _("Tài khoản của bạn đã được xóa."))
                return redirect("home")
    return render(request, "accounts/delete.html")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = {k: data.get(k, "") for k in ("hq_province_code", "hq_province_name", "hq_commune_code", "hq_commune_name", "hq_street")}
        try:
            organisation = services.organisation_register(
                user=request.user, name=data["name"], tax_code=data["tax_code"], legal_representative=data["legal_representative"], **address
            )
        except services.AccountError as exc:
            form.add_error("tax_code", str(exc))
        else:
            messages.success(request, _("Đã thêm %(name)s. Bạn có thể nộp hồ sơ nhân danh tổ chức này.") % {"name": organisation.name})
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    is_representative = selectors.is_representative(request.user, organisation)
    form = AddMemberForm(request.POST or None) if is_representative else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Chỉ người đại diện mới thêm được thành viên."))
        elif form.is_valid():
            try:
                services.organisation_add_member(actor=request.user, organisation=organisation, phone=form.cleaned_data["phone"])
            except services.AccountError as exc:
                form.add_error("phone", str(exc))
            else:
                messages.success(request, _("Đã thêm thành viên."))
                return redirect("accounts:organisation_detail", pk=organisation.pk)
    members = Membership.objects.filter(organisation=organisation).select_related("user").order_by("role", "user__full_name")
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "members": members, "is_representative": is_representative, "form": form},
    )


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
    if organisation:
        messages.success(request, _("Bạn đang thao tác nhân danh %(name)s.") % {"name": organisation.name})
    else:
        messages.success(request, _("Bạn đang thao tác cho chính mình."))
    return redirect("accounts:profile")
