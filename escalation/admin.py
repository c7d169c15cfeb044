"""Routing rules are configured here (validated: an active target, never the team itself or a
team below it). Escalations are shown read-only: they change through their services only."""

from django.contrib import admin

from core.admin import ReadOnlyInline

from .models import ConflictView, Escalation, RoutingRule


class ConflictViewInline(ReadOnlyInline):
    """Both teams' views of a cross-team conflict (they change through the service)."""

    model = ConflictView
    fields = ["team", "text", "author", "updated_at"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "describe_rule", "kind", "category", "from_team", "to_team",
                    "active"]
    list_display_links = ["describe_rule"]
    list_editable = ["order", "active"]
    list_filter = ["kind", "active"]
    autocomplete_fields = ["from_team", "to_team"]
    fields = ["order", "kind", "category", "from_team", "to_team", "active", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_team", "to_team")

    @admin.display(description="Rule")
    def describe_rule(self, obj):
        return obj.describe()


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    inlines = [ConflictViewInline]
    list_display = ["id", "idea", "from_team", "to_team", "other_team", "reason", "state",
                    "raised_at",
                    "due_ack_at", "due_resolve_at", "stalled_at"]
    list_filter = ["state", "reason", "to_team__tier"]
    search_fields = ["idea__title", "ask", "decision"]
    date_hierarchy = "raised_at"
    list_select_related = ["idea", "from_team", "to_team", "other_team"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
