from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import StaffAssignment, User


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [StaffAssignmentInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin liên hệ"), {"fields": ("full_name", "phone", "phone_verified")}),
    )
