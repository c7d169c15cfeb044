"""Admin for protected capacity and improvement time. Saves go through the services (the
100 % rule, who may set a capacity, who may remove an entry)."""

from django.contrib import admin, messages

from core.admin import ServiceDeleteMixin
from core.errors import DomainError

from . import services
from .models import TeamCapacity, TimeEntry


@admin.register(TeamCapacity)
class TeamCapacityAdmin(admin.ModelAdmin):
    """Capacities are set through the service (the 100 % rule, who may set it)."""

    list_display = ["team", "unit", "amount", "member_hours_per_week", "nudged_week",
                    "updated_by", "updated_at"]
    list_select_related = ["team", "updated_by"]
    autocomplete_fields = ["team"]
    fields = ["team", "unit", "amount", "member_hours_per_week", "created_at", "nudged_week"]
    readonly_fields = ["created_at", "nudged_week"]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.capacity_set(
                team=obj.team, actor=request.user, unit=obj.unit, amount=obj.amount,
                member_hours_per_week=obj.member_hours_per_week)
            obj.pk = saved.pk
        except DomainError as exc:
            messages.error(request, f"Not saved: {exc.message}")


@admin.register(TimeEntry)
class TimeEntryAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["date", "user", "hours", "team", "idea", "category", "note"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter), "category", "date"]
    search_fields = ["user__username", "note", "=idea__id"]
    list_select_related = ["user", "team", "idea"]
    date_hierarchy = "date"
    readonly_fields = ["user", "idea", "category", "team", "date", "hours", "note", "created_at"]

    def has_add_permission(self, request):
        # Time is logged on the item page, the board or the API, by the person who worked.
        return False

    def delete_through_service(self, obj, actor) -> None:
        services.time_entry_delete(entry_id=obj.pk, actor=actor)
