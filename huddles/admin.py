"""Admin for boards: board settings (incl. the People letter), SQDC days, huddles and display
links. Changes go through the services, so the same rules hold as on the boards."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import DomainError

from . import services
from .models import BoardSettings, DisplayLink, Huddle, SqdcDay


class BoardSettingsForm(forms.ModelForm):
    class Meta:
        model = BoardSettings
        fields = ["team", "wip_new", "wip_in_progress", "wip_waiting", "wip_escalated",
                  "done_window_days", "refresh_seconds", "people_enabled"]


@admin.register(BoardSettings)
class BoardSettingsAdmin(admin.ModelAdmin):
    form = BoardSettingsForm
    list_display = ["team", "wip_new", "wip_in_progress", "wip_waiting", "wip_escalated",
                    "done_window_days", "refresh_seconds", "people_enabled", "changed_at"]
    list_filter = ["people_enabled", "team__tier"]
    list_editable = ["people_enabled"]
    search_fields = ["team__name"]
    autocomplete_fields = ["team"]
    actions = ["people_on", "people_off"]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.cleaned_data if k != "team"}
        try:
            saved = services.board_settings_update(team=form.cleaned_data["team"],
                                                   actor=request.user, **fields)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk = saved.pk

    def _people(self, request, queryset, on: bool):
        for settings in queryset.select_related("team"):
            services.board_settings_update(team=settings.team, actor=request.user,
                                           people_enabled=on)
        self.message_user(request, f"People letter {'on' if on else 'off'} for "
                                   f"{queryset.count()} team(s).", messages.SUCCESS)

    @admin.action(description="Show the People letter")
    def people_on(self, request, queryset):
        self._people(request, queryset, True)

    @admin.action(description="Hide the People letter")
    def people_off(self, request, queryset):
        self._people(request, queryset, False)


class SqdcDayAdminForm(forms.ModelForm):
    class Meta:
        model = SqdcDay
        fields = ["team", "date", "category", "status", "note"]

    def clean(self):
        data = super().clean()
        team, day = data.get("team") or getattr(self.instance, "team", None), data.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", "SQDC letters cannot be set for a future date.")
        if data.get("category") == SqdcDay.Category.PEOPLE and team is not None and not \
                BoardSettings.objects.filter(team=team, people_enabled=True).exists():
            self.add_error("category", "The People letter is not switched on for this team.")
        if data.get("status") == SqdcDay.Status.RED and not (data.get("note") or "").strip():
            self.add_error("note", "A red letter needs a note.")
        return data


@admin.register(SqdcDay)
class SqdcDayAdmin(admin.ModelAdmin):
    form = SqdcDayAdminForm
    list_display = ["date", "team", "category", "status", "note", "set_by"]
    list_filter = ["status", "category", "team__tier", "date"]
    search_fields = ["team__name", "note"]
    date_hierarchy = "date"
    autocomplete_fields = ["team"]
    readonly_fields = ["set_by", "updated_at"]
    fields = ["team", "date", "category", "status", "note", "set_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # A letter is one team, day and category: correct its status and note, not its place.
        return [*self.readonly_fields, "team", "date", "category"] if obj else \
            self.readonly_fields

    def save_model(self, request, obj, form, change):
        try:
            services.sqdc_set(team=obj.team, day=obj.date, category=obj.category,
                              status=obj.status, note=obj.note, actor=request.user)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class AttendeeInline(admin.TabularInline):
    model = Huddle.attendees.through
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "attendee"


@admin.register(Huddle)
class HuddleAdmin(admin.ModelAdmin):
    list_display = ["date", "team", "started_at", "ended_at", "duration_minutes", "started_by"]
    list_filter = ["team__tier", "date"]
    search_fields = ["team__name", "notes"]
    date_hierarchy = "date"
    readonly_fields = ["team", "date", "started_at", "ended_at", "started_by", "ended_by"]
    fields = ["team", "date", "started_at", "ended_at", "started_by", "ended_by", "notes",
              "guests"]
    inlines = [AttendeeInline]

    def has_add_permission(self, request):
        return False  # huddles are started from the board


@admin.register(DisplayLink)
class DisplayLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "team", "created_by", "created_at", "expires_at", "revoked_at",
                    "last_used_at"]
    list_filter = ["team__tier"]
    search_fields = ["label", "team__name"]
    readonly_fields = ["team", "label", "created_by", "created_at", "expires_at", "revoked_at",
                       "revoked_by", "last_used_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made by the team's leads on the board settings page (key shown once)

    @admin.action(description="Revoke the selected display links")
    def revoke(self, request, queryset):
        for link in queryset:
            services.display_link_revoke(link_id=link.pk, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} link(s).", messages.SUCCESS)
