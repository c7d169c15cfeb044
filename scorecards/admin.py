from django.contrib import admin

from .definitions import BY_KEY, format_value
from .models import Snapshot, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Admins set green/amber thresholds per metric, for a tier or the whole organisation.
    Metrics without a row here use the shipped defaults (shown in the list)."""

    list_display = ("metric", "where", "direction_text", "green", "amber", "upper",
                    "shipped_default")
    list_filter = ("metric", "tier")
    fields = ("metric", "tier", "green", "amber", "upper")

    @admin.display(description="Applies to")
    def where(self, obj):
        return f"Tier {obj.tier.level} · {obj.tier.name}" if obj.tier_id else "Organisation"

    @admin.display(description="Better when")
    def direction_text(self, obj):
        return {"up": "higher", "down": "lower", "band": "inside the band (green … upper)"
                }.get(obj.direction or "", "—")

    @admin.display(description="Shipped default (green / amber)")
    def shipped_default(self, obj):
        metric = BY_KEY.get(obj.metric)
        if metric is None or metric.green is None:
            return "—"
        text = (f"{format_value(metric.green, metric.unit)} / "
                f"{format_value(metric.amber, metric.unit)}")
        if metric.upper is not None:
            text += f" · band up to {format_value(metric.upper, metric.unit)}"
        return text


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are taken by the nightly job (or `manage.py snapshot_scorecards`)."""

    list_display = ("date", "scope", "scope_id", "computed_at")
    list_filter = ("scope",)
    date_hierarchy = "date"
    readonly_fields = ("scope", "scope_id", "date", "metrics", "computed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
