from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import PlainActionCheckbox, SafeAutocompleteMixin

from . import selectors, services
from .constants import VERIFY_ORGANISATION_PERMISSION, ClaimStatus
from .forms import ClaimDecisionForm
from .models import (
    ClaimDocument,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    OrganisationEvent,
    StaffAssignment,
    User,
)

DOCUMENT_MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


class StaffAssignmentInline(SafeAutocompleteMixin, admin.TabularInline):
    model = StaffAssignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(PlainActionCheckbox, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [StaffAssignmentInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin liên hệ"), {"fields": ("full_name", "phone", "phone_verified")}),
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


class ClaimInline(ReadOnlyInline):
    model = OrganisationClaim
    fields = ["claimant", "kind", "status", "register_outcome", "documents_submitted_at", "created_at"]
    readonly_fields = fields
    show_change_link = True


class EventInline(ReadOnlyInline):
    model = OrganisationEvent
    fields = ["at", "kind", "actor_display", "claim", "note"]
    readonly_fields = fields


class InvitationInline(ReadOnlyInline):
    model = Invitation
    fields = ["phone", "status", "invited_by", "created_at", "expires_at", "responded_at"]
    readonly_fields = fields


class NoWriteMixin:
    """Organisations change only through services (claims, decisions, invitations): never by editing.
    A forged selection of rows for an action gets a message, not an error page."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(not value.isdigit() or len(value) > 18 for value in selected):
            self.message_user(
                request, _("Lựa chọn không hợp lệ. Hãy tải lại trang và chọn lại."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(PlainActionCheckbox, NoWriteMixin, admin.ModelAdmin):
    list_display = ["name", "tax_code", "status", "verification_method", "verified_at", "created_at"]
    list_filter = ["status", "verification_method"]
    search_fields = ["=tax_code", "name"]
    readonly_fields = [
        "name",
        "tax_code",
        "legal_representative",
        "status",
        "verified_at",
        "verification_method",
        "verified_by",
        "register_record",
        "register_checked_at",
        "created_at",
    ]
    fields = readonly_fields
    inlines = [MembershipInline, ClaimInline, InvitationInline, EventInline]
    actions = ["check_register"]

    @admin.action(description=_("Đối chiếu lại với cơ quan đăng ký kinh doanh"))
    def check_register(self, request: HttpRequest, queryset) -> None:
        if not request.user.has_perm(VERIFY_ORGANISATION_PERMISSION):
            raise PermissionDenied
        for organisation in queryset[:50]:
            services.organisation_register_check(organisation=organisation, actor=request.user)
        self.message_user(request, _("Đã đối chiếu lại; xem trạng thái trong danh sách."), messages.SUCCESS)


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(PlainActionCheckbox, NoWriteMixin, admin.ModelAdmin):
    """The officers' queue: claims with documents, waiting for a decision."""

    list_display = [
        "organisation",
        "claimant",
        "kind",
        "status",
        "register_outcome",
        "documents_submitted_at",
        "decide_link",
    ]
    list_filter = ["status", "kind", ("documents_submitted_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "=organisation__tax_code",
        "organisation__name",
        "claimant__full_name",
        "=claimant__phone",
    ]
    list_select_related = ["organisation", "claimant"]
    readonly_fields = [
        "organisation",
        "claimant",
        "kind",
        "status",
        "note",
        "register_outcome",
        "register_checked_at",
        "documents_submitted_at",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "decide_link",
    ]
    fields = readonly_fields

    @admin.display(description=_("xem giấy tờ, quyết định"))
    def decide_link(self, obj: OrganisationClaim) -> str:
        if obj is None or not obj.pk:
            return "—"
        label = _("Xem xét") if obj.status == ClaimStatus.PENDING else _("Xem")
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:accounts_organisationclaim_decide", args=[obj.pk]), label
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="accounts_organisationclaim_decide",
            ),
            path(
                "<int:object_id>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="accounts_organisationclaim_document",
            ),
            *super().get_urls(),
        ]

    def _claim(self, request: HttpRequest, object_id: int) -> OrganisationClaim:
        if not request.user.has_perm(VERIFY_ORGANISATION_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(
            OrganisationClaim.objects.select_related("organisation", "claimant", "decided_by"), pk=object_id
        )

    def decide_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        claim = self._claim(request, object_id)
        form = ClaimDecisionForm(request.POST or None) if claim.is_pending else None
        if request.method == "POST" and form is not None and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.claim_approve(
                        claim=claim, officer=request.user, reason=form.cleaned_data["reason"]
                    )
                    self.message_user(request, _("Đã xác nhận người đại diện; tổ chức đã được xác minh."))
                else:
                    services.claim_refuse(
                        claim=claim, officer=request.user, reason=form.cleaned_data["reason"]
                    )
                    self.message_user(
                        request, _("Đã ghi quyết định không xác nhận; người đề nghị được thông báo.")
                    )
            except services.AccountError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:accounts_organisationclaim_decide", claim.pk)
        organisation = claim.organisation
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Đề nghị xác nhận người đại diện"),
            "claim": claim,
            "organisation": organisation,
            "documents": list(claim.documents.all()),
            "other_claims": list(
                organisation.claims.exclude(pk=claim.pk)
                .select_related("claimant")
                .prefetch_related("documents")
            ),
            "representatives": list(
                Membership.objects.filter(organisation=organisation, role="representative").select_related(
                    "user"
                )
            ),
            "identity": selectors.verified_identity(claim.claimant),
            "events": list(organisation.events.all()[:50]),
            "form": form,
        }
        return TemplateResponse(request, "accounts/admin_claim_decide.html", context)

    def document_view(self, request: HttpRequest, object_id: int, document_id: int) -> FileResponse:
        claim = self._claim(request, object_id)
        document = get_object_or_404(ClaimDocument, pk=document_id, claim__organisation=claim.organisation)
        try:
            handle = document.file.open("rb")
        except OSError as exc:
            raise Http404("file missing") from exc
        services.claim_document_viewed(document=document, officer=request.user)
        # The name comes from the type found in the bytes, never from the uploader's file name.
        response = FileResponse(
            handle,
            as_attachment=request.GET.get("inline") != "1" or document.file_kind == "pdf",
            filename=f"giay-to-{document.claim_id}-{document.kind}.{document.file_kind}",
            content_type=DOCUMENT_MIME.get(document.file_kind, "application/octet-stream"),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


# --- departments (phòng chuyên môn) --------------------------------------------------------------


from django import forms as django_forms  # noqa: E402

from .departments import Department  # noqa: E402
from .selectors import department_problems  # noqa: E402


class DepartmentForm(django_forms.ModelForm):
    class Meta:
        model = Department
        fields = ["agency", "name", "phone", "order", "specialists", "leaders"]

    def clean(self):
        cleaned = super().clean()
        agency = cleaned.get("agency")
        if agency is not None:
            for problem in department_problems(
                agency_id=agency.pk,
                specialists=list(cleaned.get("specialists") or []),
                leaders=list(cleaned.get("leaders") or []),
            ):
                self.add_error(None, problem)
        return cleaned


@admin.register(Department)
class DepartmentAdmin(PlainActionCheckbox, admin.ModelAdmin):
    """Departments of an agency and their people: the agency's administrator (or a superuser) keeps them;
    members must hold the specialist / leader role in that agency (checked on save)."""

    form = DepartmentForm
    list_display = ["name", "agency", "order"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "agency__name", "agency__code"]
    filter_horizontal = ["specialists", "leaders"]
    ordering = ["agency__name", "order", "name"]

    def _agency_ids(self, request) -> set[int] | None:
        if request.user.is_superuser:
            return None
        return {
            agency for agency, role in selectors.staff_assignments(request.user) if role == "agency_admin"
        }

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("agency")
        ids = self._agency_ids(request)
        return qs if ids is None else qs.filter(agency_id__in=ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            from procedures.models import Agency

            ids = self._agency_ids(request)
            kwargs["queryset"] = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("specialists", "leaders"):
            role = "specialist" if db_field.name == "specialists" else "leader"
            ids = self._agency_ids(request)
            people = User.objects.filter(is_staff=True, assignments__role=role)
            if ids is not None:
                people = people.filter(assignments__agency_id__in=ids)
            kwargs["queryset"] = people.distinct().order_by("full_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _allowed(self, request) -> bool:
        ids = self._agency_ids(request)
        return ids is None or bool(ids)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)
