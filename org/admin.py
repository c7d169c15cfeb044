from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.shortcuts import redirect
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError

from . import outbox, services
from .models import Membership, Notification, OrganisationSettings, Team, Tier, User
from .resources import TeamResource, UserResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class TierAdminForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["level", "name", "huddle_time", "authority_limit", "aging_threshold_days",
                  "sla_ack_hours", "sla_resolve_hours"]

    def clean_level(self):
        level = self.cleaned_data["level"]
        if self.instance.pk and level != self.instance.level:
            raise forms.ValidationError("A tier's level cannot be changed.")
        if not self.instance.pk:
            expected = (Tier.objects.order_by("-level").values_list("level", flat=True).first()
                        or 0) + 1
            if level != expected:
                raise forms.ValidationError(
                    f"Tier levels must be contiguous: the next tier is level {expected}."
                )
        return level


@admin.register(Tier)
class TierAdmin(SimpleHistoryAdmin):
    form = TierAdminForm
    list_display = ["level", "name", "huddle_time", "authority_limit", "aging_threshold_days",
                    "sla_ack_hours", "sla_resolve_hours"]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.cleaned_data if k != "level"}
        if change:
            services.tier_update(tier=obj, actor=request.user, **fields)
        else:
            obj.pk = services.tier_create(actor=request.user, level=form.cleaned_data["level"],
                                          **fields).pk

    def delete_model(self, request, obj):
        services.tier_delete(tier=obj, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return redirect("admin:org_tier_changelist")


class TeamAdminForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "slug", "tier", "parent", "description", "active"]

    def clean(self):
        data = super().clean()
        tier, parent = data.get("tier"), data.get("parent")
        if tier is None:
            return data
        try:
            services._validate_placement(team=self.instance, tier=tier, parent=parent)
            if self.instance.pk and self.instance.active and data.get("active") is False:
                services._check_can_deactivate(self.instance)
        except DomainError as exc:
            raise forms.ValidationError({exc.field or "__all__": exc.message}) from exc
        return data


@admin.register(Team)
class TeamAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    form = TeamAdminForm
    resource_classes = [TeamResource]
    import_formats = [CSV]
    export_formats = [CSV]
    list_display = ["indented_name", "tier", "parent", "active", "member_count"]
    list_filter = ["tier", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tier", "parent").annotate(
            n_members=Count("memberships")
        ).order_by("-tier__level", "parent__name", "name")

    @admin.display(description="Team", ordering="name")
    def indented_name(self, obj):
        depth = max(0, 4 - obj.tier.level)
        return f"{'— ' * depth}{obj.name}"

    @admin.display(description="Members", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members

    @admin.action(description="Deactivate selected teams")
    def deactivate(self, request, queryset):
        for team in queryset:
            try:
                services.team_deactivate(team=team, actor=request.user)
                self.message_user(request, f"{team} deactivated.")
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {k: form.cleaned_data[k] for k in form.Meta.fields if k in form.cleaned_data}
            services.team_update(team=obj, actor=request.user, **fields)
        else:
            created = services.team_create(
                actor=request.user, name=obj.name, slug=obj.slug, tier=obj.tier,
                parent=obj.parent, description=obj.description,
            )
            obj.pk = created.pk


@admin.register(User)
class UserAdmin(ImportExportModelAdmin, BaseUserAdmin):
    resource_classes = [UserResource]
    import_formats = [CSV]
    export_formats = [CSV]
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Tierline", {"fields": ("display_name", "email_notifications", "daily_digest")}),
    )
    inlines = [MembershipInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "verb", "text", "created_at", "read_at", "email_state",
                    "email_attempts", "email_next_attempt_at", "emailed_at", "email_error"]
    # Filter on "Failed" to see every e-mail that was given up, then "Retry e-mail now".
    list_filter = ["email_state", "verb"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["email_state", "email_attempts", "email_last_error",
                       "email_next_attempt_at", "emailed_at", "email_body"]
    actions = ["retry_email"]

    @admin.display(description="Last e-mail error")
    def email_error(self, obj):
        error = obj.email_last_error
        return f"{error[:77]}…" if len(error) > 80 else error

    @admin.action(description="Retry e-mail now", permissions=["change"])
    def retry_email(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        retried = outbox.notification_email_retry(notification_ids=ids, actor=request.user)
        self.message_user(request, f"{retried} e-mail(s) will be sent again now.")
        if retried < len(ids):
            self.message_user(
                request, f"{len(ids) - retried} selected notification(s) had no failed e-mail "
                "and were left as they are.", level=messages.WARNING)


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(SimpleHistoryAdmin):
    """One row: the change list opens it; it can be neither added twice nor deleted."""

    filter_horizontal = ["impact_validators"]
    readonly_fields = ["impact_validation_since"]

    def has_add_permission(self, request) -> bool:
        return not OrganisationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:org_organisationsettings_change", OrganisationSettings.load().pk)
