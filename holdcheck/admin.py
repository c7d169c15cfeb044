from django.contrib import admin

from .models import HoldCheck


@admin.register(HoldCheck)
class HoldCheckAdmin(admin.ModelAdmin):
    """Read-only: checks are made by the daily job and answered through their page or the API."""

    list_display = ["idea", "done_at", "due_on", "answer", "answered_by", "answered_at",
                    "outcome"]
    list_filter = ["answer", "outcome"]
    search_fields = ["idea__title"]
    raw_id_fields = ["idea", "answered_by", "systemic_issue", "confirmed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
