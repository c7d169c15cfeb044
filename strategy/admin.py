"""Django admin for strategy. Saves of priorities, KPIs and constraints go through the services,
so the admin obeys the same rules as the pages and the API."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from org.errors import DomainError

from . import services
from .models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    Priority,
)


class GoalInline(admin.TabularInline):
    model = AnnualGoal
    extra = 0
    fields = ["year", "title", "measure"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "horizon_year", "position"]
    inlines = [GoalInline]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AnnualGoal)
class AnnualGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "objective"]
    list_filter = ["year"]


class _ServiceCheckedForm(forms.ModelForm):
    """Runs the service's own checks while the admin form can still show the error."""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.check(data)
        except DomainError as exc:
            field = exc.field if exc.field in self.fields else None
            raise forms.ValidationError({field or "__all__": exc.message}) from exc
        return data

    def check(self, data) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class PriorityAdminForm(_ServiceCheckedForm):
    class Meta:
        model = Priority
        fields = ["goal", "title", "why_now", "owner_team", "start", "end"]

    def check(self, data):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise DomainError("The priority ends before it starts.", field="end")
        team = data.get("owner_team")
        if team is not None and not team.active and team.pk != self.instance.owner_team_id:
            raise DomainError("Choose an active team as the owner team.", field="owner_team")


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    form = PriorityAdminForm
    list_display = ["title", "goal", "owner_team", "start", "end", "status"]
    list_filter = ["status", "goal__year"]
    search_fields = ["title", "why_now"]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if change:
            services.priority_update(priority_id=obj.pk, actor=request.user, **fields)
        else:
            obj.pk = services.priority_create(actor=request.user, **fields).pk


class ReadingInline(admin.TabularInline):
    model = KPIReading
    extra = 0
    fields = ["date", "value", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]


class KPIAdminForm(_ServiceCheckedForm):
    class Meta:
        model = KPI
        fields = ["priority", "name", "unit", "baseline", "target", "direction", "owner_team",
                  "review_frequency"]

    def check(self, data):
        team = data.get("owner_team")
        if team is not None and not team.active and team.pk != self.instance.owner_team_id:
            raise DomainError("Choose an active team as the owner team.", field="owner_team")


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    form = KPIAdminForm
    list_display = ["name", "priority", "baseline", "target", "direction", "owner_team"]
    inlines = [ReadingInline]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if change:
            fields.pop("priority")
            services.kpi_update(kpi_id=obj.pk, actor=request.user, **fields)
        else:
            obj.pk = services.kpi_create(actor=request.user, **fields).pk


class ConstraintAdminForm(_ServiceCheckedForm):
    class Meta:
        model = Constraint
        fields = ["statement", "detail", "team", "start", "end"]

    def check(self, data):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise DomainError("The constraint ends before it starts.", field="end")
        team = data.get("team")
        if team is not None and not team.active and team.pk != self.instance.team_id:
            raise DomainError("Constraints can only be scoped to an active team.", field="team")


@admin.register(Constraint)
class ConstraintAdmin(SimpleHistoryAdmin):
    form = ConstraintAdminForm
    list_display = ["statement", "team", "start", "end", "set_by"]
    list_filter = ["team"]
    search_fields = ["statement"]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if change:
            services.constraint_update(constraint_id=obj.pk, actor=request.user, **fields)
        else:
            obj.pk = services.constraint_create(actor=request.user, **fields).pk


class CommentInline(admin.TabularInline):
    model = DeploymentComment
    extra = 0
    fields = ["created_at", "author", "kind", "round", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    """Read-only here: the catchball happens on the priority page, My work and the API."""

    list_display = ["priority", "team", "state", "round", "proposed_at", "answered_at"]
    list_filter = ["state"]
    readonly_fields = ["priority", "team", "state", "ask", "round", "proposed_by",
                       "proposed_at", "answered_by", "answered_at"]
    inlines = [CommentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
