from django.contrib import admin

from core.admin import PlainActionCheckbox

from .models import SimulatedSms


@admin.register(SimulatedSms)
class SimulatedSmsAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["created_at", "to", "outcome", "submissions", "text"]
    list_filter = ["outcome"]
    search_fields = ["to"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
