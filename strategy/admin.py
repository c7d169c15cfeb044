"""Django admin for strategy. Saves of priorities, KPIs and constraints go through the services,
so the admin obeys the same rules as the pages and the API."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import DomainError

from . import models, services, windows


class GoalInline(admin.TabularInline):
    model = models.AnnualGoal
    extra = 0
    fields = ["year", "title", "measure"]


@admin.register(models.Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "horizon_year", "position"]
    inlines = [GoalInline]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(models.AnnualGoal)
class AnnualGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "objective"]
    list_filter = ["year"]


class _ServiceCheckedForm(forms.ModelForm):
    """Runs the service's own checks while the admin form can still show the error: an end on
    or after the start (else ``ends_before_start``), and a ``team_field`` that is active unless
    the row already had it (else ``inactive_team``)."""

    ends_before_start = ""
    team_field = ""
    inactive_team = ""

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
        start, end = data.get("start"), data.get("end")
        if self.ends_before_start and start and end and end < start:
            raise DomainError(self.ends_before_start, field="end")
        team = data.get(self.team_field) if self.team_field else None
        if team is not None and not team.active \
                and team.pk != getattr(self.instance, f"{self.team_field}_id"):
            raise DomainError(self.inactive_team, field=self.team_field)


class _ThroughServices:
    """For a ModelAdmin whose saves go through the services: ``create(actor, fields)`` makes a
    new row, ``update(obj, actor, fields)`` changes one. ``fields`` are the form's Meta.fields,
    and the cause of the change where the form asks for one."""

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if "cause" in form.fields:
            fields["cause"] = form.cleaned_data.get("cause", "")
        if change:
            self.update(obj, request.user, fields)
        else:
            obj.pk = self.create(request.user, fields).pk


class _CauseMixin(forms.Form):
    """The cause of a change: required outside a planning window (the change-window rule)."""

    cause = forms.CharField(required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Required outside a planning window: why the change "
                                      "cannot wait. Kept in the history; counts as churn.")

    def check(self, data) -> None:
        needs_cause = self.has_changed() and windows.change_needs_cause()
        if needs_cause and not (data.get("cause") or "").strip():
            raise DomainError(windows.CAUSE_REQUIRED, field="cause")
        super().check(data)


OWNER_INACTIVE = "Choose an active team as the owner team."


class PriorityAdminForm(_CauseMixin, _ServiceCheckedForm):
    ends_before_start = "The priority ends before it starts."
    team_field, inactive_team = "owner_team", OWNER_INACTIVE

    class Meta:
        model = models.Priority
        fields = ["goal", "title", "why_now", "owner_team", "start", "end", "review_by",
                  "success_criteria", "allocated_hours", "allocated_budget"]


@admin.register(models.Priority)
class PriorityAdmin(_ThroughServices, SimpleHistoryAdmin):
    form = PriorityAdminForm
    list_display = ["title", "goal", "owner_team", "start", "end", "review_by", "status"]
    list_filter = ["status", "goal__year"]
    search_fields = ["title", "why_now"]

    def create(self, actor, fields):
        return services.priority_create(actor=actor, **fields)

    def update(self, obj, actor, fields):
        services.priority_update(priority_id=obj.pk, actor=actor, **fields)


class ReadingInline(admin.TabularInline):
    model = models.KPIReading
    extra = 0
    fields = ["date", "value", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]


class KPIAdminForm(_ServiceCheckedForm):
    team_field, inactive_team = "owner_team", OWNER_INACTIVE

    class Meta:
        model = models.KPI
        fields = ["priority", "name", "unit", "baseline", "target", "direction", "owner_team",
                  "review_frequency"]


@admin.register(models.KPI)
class KPIAdmin(_ThroughServices, admin.ModelAdmin):
    form = KPIAdminForm
    list_display = ["name", "priority", "baseline", "target", "direction", "owner_team"]
    inlines = [ReadingInline]

    def create(self, actor, fields):
        return services.kpi_create(actor=actor, **fields)

    def update(self, obj, actor, fields):
        fields.pop("priority")  # a KPI stays with its priority
        services.kpi_update(kpi_id=obj.pk, actor=actor, **fields)


class ConstraintAdminForm(_CauseMixin, _ServiceCheckedForm):
    ends_before_start = "The constraint ends before it starts."
    team_field, inactive_team = "team", "Constraints can only be scoped to an active team."

    class Meta:
        model = models.Constraint
        fields = ["statement", "detail", "team", "start", "end", "review_by"]


@admin.register(models.Constraint)
class ConstraintAdmin(_ThroughServices, SimpleHistoryAdmin):
    form = ConstraintAdminForm
    list_display = ["statement", "team", "start", "end", "review_by", "set_by"]
    list_filter = ["team"]
    search_fields = ["statement"]

    def create(self, actor, fields):
        return services.constraint_create(actor=actor, **fields)

    def update(self, obj, actor, fields):
        services.constraint_update(constraint_id=obj.pk, actor=actor, **fields)


class CommentInline(ReadOnlyInline):
    model = models.DeploymentComment
    fields = ["created_at", "author", "kind", "round", "text"]


@admin.register(models.Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    """Read-only here: the catchball happens on the priority page, My work and the API."""

    list_display = ["priority", "team", "parent", "state", "round", "proposed_at",
                    "answered_at"]
    list_filter = ["state"]
    readonly_fields = ["priority", "team", "parent", "state", "ask", "round", "proposed_by",
                       "proposed_at", "answered_by", "answered_at"]
    inlines = [CommentInline]


# ---------------------------------------------------------------- planning windows and changes


class WindowAdminForm(forms.ModelForm):
    class Meta:
        model = models.PlanningWindow
        fields = ["name", "start", "end"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        probe = models.PlanningWindow(pk=self.instance.pk,
                                      **{k: data.get(k) for k in self.Meta.fields})
        try:
            windows.validate_window(probe)
        except DomainError as exc:
            raise forms.ValidationError({exc.field or "__all__": exc.message}) from exc
        return data


@admin.register(models.PlanningWindow)
class PlanningWindowAdmin(_ThroughServices, admin.ModelAdmin):
    """Admins set the planning windows (the change-window rule starts with the first one)."""

    form = WindowAdminForm
    list_display = ["name", "start", "end", "created_by"]

    def create(self, actor, fields):
        return windows.window_create(actor=actor, **fields)

    def update(self, obj, actor, fields):
        windows.window_update(window_id=obj.pk, actor=actor, **fields)


@admin.register(models.StrategyChange)
class StrategyChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject", "action", "priority", "constraint", "outside_window",
                    "actor"]
    list_filter = ["outside_window", "subject"]
