"""Admin for systemic issues: edits go through the service (who may edit, the owner-team rule);
issues are opened on /systemic-issues/new/ or the API, problems linked there."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInline
from core.errors import DomainError

from . import services
from .models import SystemicIssue, SystemicLink


class SystemicLinkInline(ReadOnlyInline):
    model = SystemicLink
    fields = ["idea", "linked_by", "linked_at"]


@admin.register(SystemicIssue)
class SystemicIssueAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner_team", "category", "status", "created_by", "updated_at"]
    list_filter = ["status", "category", ("owner_team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "statement"]
    list_select_related = ["owner_team", "created_by"]
    autocomplete_fields = ["owner_team"]
    fields = ["title", "statement", "category", "owner_team", "status", "tracking_idea",
              "created_by", "created_at"]
    readonly_fields = ["tracking_idea", "created_by", "created_at"]
    inlines = [SystemicLinkInline]

    def has_add_permission(self, request):
        return False  # opened on /systemic-issues/new/ or the API

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.systemic_issue_update(issue_id=obj.pk, actor=request.user, **fields)
        except DomainError as exc:
            messages.error(request, f"Not saved: {exc.message}")
