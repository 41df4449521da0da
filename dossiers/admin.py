"""Dossiers in the admin: the working-day calendar and the online declaration editor (the work queue comes with the processing issue)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import admin, messages
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from core.admin import PlainActionCheckbox, SafeAutocompleteMixin
from procedures.selectors import procedures_editable_by

from . import services
from .declaration import PREFILL_SOURCES, SchemaError
from .models import CalendarDay, OnlineForm, OnlineFormField, OnlineFormRule, OnlineFormVersion

WEEKDAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")]


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            CalendarDay.objects.annotate(year=ExtractYear("date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date__year=self.value())
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "reason", "updated_at"]
    list_filter = [YearFilter, "kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]
    fields = ["date", "kind", "reason", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])


# --- online declarations: a field-by-field editor, never raw JSON ---------------------------------


class OnlineFormFieldForm(django_forms.ModelForm):
    prefill = django_forms.ChoiceField(
        label=_("điền sẵn từ"), required=False, choices=[("", "—"), *PREFILL_SOURCES.items()]
    )

    class Meta:
        model = OnlineFormField
        fields = [
            "order",
            "type",
            "key",
            "label",
            "label_en",
            "required",
            "help_text",
            "help_text_en",
            "choices",
            "choices_en",
            "pattern",
            "prefill",
            "group",
            "min_repeat",
            "max_repeat",
            "label_field",
        ]
        widgets = {
            "choices": django_forms.Textarea(attrs={"rows": 2, "cols": 24}),
            "choices_en": django_forms.Textarea(attrs={"rows": 2, "cols": 24}),
            "help_text": django_forms.TextInput(attrs={"size": 24}),
            "help_text_en": django_forms.TextInput(attrs={"size": 24}),
        }


class OnlineFormFieldInline(admin.TabularInline):
    model = OnlineFormField
    form = OnlineFormFieldForm
    extra = 1
    fk_name = "form"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            form_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                OnlineFormField.objects.filter(form_id=form_id, type="group")
                if form_id
                else OnlineFormField.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OnlineFormRuleInline(admin.TabularInline):
    """Cross-field and date rules, each with the message the person reads (frozen at publishing)."""

    model = OnlineFormRule
    extra = 1
    fields = [
        "order",
        "field_key",
        "kind",
        "years",
        "other_field",
        "when_field",
        "when_value",
        "min_value",
        "max_value",
        "message",
        "message_en",
    ]


class OnlineFormVersionInline(admin.TabularInline):
    model = OnlineFormVersion
    extra = 0
    can_delete = False
    fields = ["number", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description=_("Phát hành phiên bản mới của tờ khai"))
def publish_version(modeladmin, request, queryset):
    for online_form in queryset:
        try:
            version = services.online_form_publish(form=online_form)
        except SchemaError as exc:
            modeladmin.message_user(
                request, _("%(form)s: %(error)s") % {"form": online_form, "error": exc}, messages.ERROR
            )
        else:
            modeladmin.message_user(
                request,
                _("%(form)s: phiên bản %(n)d đang dùng.") % {"form": online_form, "n": version.number},
                messages.SUCCESS,
            )


@admin.register(OnlineForm)
class OnlineFormAdmin(PlainActionCheckbox, SafeAutocompleteMixin, admin.ModelAdmin):
    """Publishers edit the declarations of their own agencies' procedures; dossiers keep their version."""

    list_display = ["procedure", "updated_at"]
    search_fields = ["procedure__code", "procedure__name"]
    autocomplete_fields = ["procedure"]
    inlines = [OnlineFormFieldInline, OnlineFormRuleInline, OnlineFormVersionInline]
    fields = ["procedure", "intro", "intro_en"]
    actions = [publish_version]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(procedure__in=procedures_editable_by(request.user))
            .select_related("procedure")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "procedure":
            kwargs["queryset"] = procedures_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


from . import admin_queue  # noqa: E402,F401 - the work queue registers itself
