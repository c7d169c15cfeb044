"""Django admin for strategy. Saves of priorities, KPIs and constraints go through the services,
so the admin obeys the same rules as the pages and the API."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import DomainError

from . import services, windows
from .models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    PlanningWindow,
    Priority,
    StrategyChange,
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

    def check(self, data) -> None:
        """Subclasses run their service's checks here; the base form has none."""


class _CauseMixin(forms.Form):
    """The cause of a change: required outside a planning window (the change-window rule)."""

    cause = forms.CharField(required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Required outside a planning window: why the change "
                                      "cannot wait. Kept in the history; counts as churn.")

    def check_cause(self, data) -> None:
        needs_cause = self.has_changed() and windows.change_needs_cause()
        if needs_cause and not (data.get("cause") or "").strip():
            raise DomainError(windows.CAUSE_REQUIRED, field="cause")


class PriorityAdminForm(_CauseMixin, _ServiceCheckedForm):
    class Meta:
        model = Priority
        fields = ["goal", "title", "why_now", "owner_team", "start", "end", "success_criteria",
                  "allocated_hours", "allocated_budget"]

    def check(self, data):
        self.check_cause(data)
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
        fields["cause"] = form.cleaned_data.get("cause", "")
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


class ConstraintAdminForm(_CauseMixin, _ServiceCheckedForm):
    class Meta:
        model = Constraint
        fields = ["statement", "detail", "team", "start", "end"]

    def check(self, data):
        self.check_cause(data)
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
        fields["cause"] = form.cleaned_data.get("cause", "")
        if change:
            services.constraint_update(constraint_id=obj.pk, actor=request.user, **fields)
        else:
            obj.pk = services.constraint_create(actor=request.user, **fields).pk


class CommentInline(ReadOnlyInline):
    model = DeploymentComment
    fields = ["created_at", "author", "kind", "round", "text"]


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    """Read-only here: the catchball happens on the priority page, My work and the API."""

    list_display = ["priority", "team", "state", "round", "proposed_at", "answered_at"]
    list_filter = ["state"]
    readonly_fields = ["priority", "team", "state", "ask", "round", "proposed_by",
                       "proposed_at", "answered_by", "answered_at"]
    inlines = [CommentInline]


# ---------------------------------------------------------------- planning windows and changes


class WindowAdminForm(forms.ModelForm):
    class Meta:
        model = PlanningWindow
        fields = ["name", "start", "end"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        probe = PlanningWindow(pk=self.instance.pk, **{k: data.get(k) for k in self.Meta.fields})
        try:
            windows.validate_window(probe)
        except DomainError as exc:
            raise forms.ValidationError({exc.field or "__all__": exc.message}) from exc
        return data


@admin.register(PlanningWindow)
class PlanningWindowAdmin(admin.ModelAdmin):
    """Admins set the planning windows (the change-window rule starts with the first one)."""

    form = WindowAdminForm
    list_display = ["name", "start", "end", "created_by"]

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if change:
            windows.window_update(window_id=obj.pk, actor=request.user, **fields)
        else:
            obj.pk = windows.window_create(actor=request.user, **fields).pk


@admin.register(StrategyChange)
class StrategyChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject", "action", "priority", "constraint", "outside_window",
                    "actor"]
    list_filter = ["outside_window", "subject"]
