"""HTML forms of the strategy pages. They validate input; the services make every change and
apply the rules (a DomainError becomes a form error)."""

from datetime import date

from django import forms
from django.utils import timezone

from org.models import Team

from .models import KPI, AnnualGoal, Objective
from .spine import cascade_targets, deploy_targets
from .windows import change_needs_cause, window_on

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_ERRORS = {"invalid": "Enter a number (e.g. 12.5).",
                 "max_digits": "That number is too large.",
                 "max_decimal_places": "Use at most 4 decimal places.",
                 "max_whole_digits": "That number is too large."}
TEAM_ERRORS = {"invalid_choice": "Choose an active team.",
               "required": "Choose a team."}


def active_teams():
    return Team.objects.filter(active=True).select_related("tier").order_by("-tier__level",
                                                                            "name")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team: Team) -> str:
        return f"{team.name} (tier {team.tier.level})"


class TeamsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, team: Team) -> str:
        return f"{team.name} (tier {team.tier.level})"


def cause_field() -> forms.CharField:
    """The cause of a change to a priority or a constraint: required outside a planning window
    (the service says so); its help text tells the editor where they stand today."""
    window = window_on()
    if window:
        help_text = (f"The planning window “{window.name}” is open until "
                     f"{window.end:%-d %b %Y}: changes are free.")
    elif change_needs_cause():
        help_text = ("Outside a planning window: say why this cannot wait. The owner and "
                     "deployed teams are told, and the change counts as churn.")
    else:
        help_text = "Optional: kept in the change history."
    return forms.CharField(label="Cause of the change", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=help_text)


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Become the most reliable supplier in our market"}))
    description = forms.CharField(required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    horizon_year = forms.IntegerField(
        label="Horizon (year)", min_value=2000, max_value=2100,
        help_text="The year by which it should be achieved — breakthrough objectives look 3–5 "
                  "years ahead.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "horizon_year" not in self.initial:
            self.initial["horizon_year"] = timezone.localdate().year + 3


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, goal: AnnualGoal) -> str:
        return f"{goal.year} · {goal.title} ({goal.objective.title})"


class GoalForm(forms.Form):
    objective = forms.ModelChoiceField(queryset=Objective.objects.all(),
                                       empty_label="Choose an objective")
    year = forms.IntegerField(min_value=2000, max_value=2100)
    title = forms.CharField(max_length=200)
    measure = forms.CharField(
        required=False, max_length=300,
        help_text="How we will know, e.g. “scrap rate from 4.0% to 2.5%”.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year


class PriorityForm(forms.Form):
    goal = GoalChoiceField(
        queryset=AnnualGoal.objects.select_related("objective").order_by("-year", "title"),
        label="Annual goal", empty_label="Choose the annual goal it serves")
    title = forms.CharField(max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Halve unplanned downtime on the packaging lines"}))
    why_now = forms.CharField(
        label="Why now", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this matters more than other problems at the moment. Everyone picking "
                  "this priority for their idea sees it.")
    owner_team = TeamChoiceField(queryset=active_teams(), label="Owner team",
                                 empty_label="Choose the owning team", error_messages=TEAM_ERRORS)
    start = forms.DateField(widget=DATE, help_text="The priority's time window.")
    end = forms.DateField(widget=DATE)
    review_by = forms.DateField(
        label="Review by", widget=DATE, required=False,
        help_text="When the owner team looks at it again (empty: a quarter ahead); its leads "
                  "are nudged once the day has passed. Setting it is never churn.")
    success_criteria = forms.CharField(
        label="Success criteria", required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What must be true when it is achieved; KPI targets are set on its KPIs.")
    allocated_hours = forms.DecimalField(
        label="People-hours allocated", required=False, min_value=0, max_digits=10,
        decimal_places=1, error_messages=NUMBER_ERRORS)
    allocated_budget = forms.DecimalField(
        label="Budget allocated", required=False, min_value=0, max_digits=12, decimal_places=2,
        error_messages=NUMBER_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = active_teams()
        self.fields["cause"] = cause_field()
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("start", timezone.localdate())
            self.initial.setdefault("end", date(year, 12, 31))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The priority ends before it starts: choose an end date on "
                                  "or after the start date.")
        return data


class CloseForm(forms.Form):
    note = forms.CharField(label="Why close it?", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class KPIForm(forms.Form):
    name = forms.CharField(max_length=120, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Unplanned downtime"}))
    unit = forms.CharField(required=False, max_length=30,
                           help_text="e.g. %, hours, £, defects per million")
    direction = forms.ChoiceField(choices=KPI.Direction.choices, widget=forms.RadioSelect)
    baseline = forms.DecimalField(max_digits=16, decimal_places=4, error_messages=NUMBER_ERRORS)
    target = forms.DecimalField(
        max_digits=16, decimal_places=4, error_messages=NUMBER_ERRORS,
        help_text="Equal to the baseline makes a “hold” KPI: on track while readings stay at "
                  "the target or better.")
    owner_team = TeamChoiceField(queryset=active_teams(), label="Owner team",
                                 empty_label="Choose the team that records readings",
                                 error_messages=TEAM_ERRORS,
                                 help_text="Its leads record the readings.")
    review_frequency = forms.ChoiceField(choices=KPI.Frequency.choices,
                                         initial=KPI.Frequency.MONTHLY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = active_teams()


class ReadingForm(forms.Form):
    date = forms.DateField(widget=DATE)
    value = forms.DecimalField(max_digits=16, decimal_places=4, error_messages=NUMBER_ERRORS,
                               widget=forms.NumberInput(attrs={"step": "any"}))
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reading")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("A reading cannot be dated in the future.")
        return day


class ConstraintForm(forms.Form):
    statement = forms.CharField(max_length=300, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Reduce overhead 12% without increasing headcount"}))
    detail = forms.CharField(required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    team = TeamChoiceField(queryset=active_teams(), required=False,
                           empty_label="The whole organisation", error_messages=TEAM_ERRORS,
                           label="Applies to",
                           help_text="A team includes every team below it.")
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE, required=False, help_text="Leave empty: until lifted.")
    review_by = forms.DateField(
        label="Review by", widget=DATE, required=False,
        help_text="When you look at it again (empty: a quarter ahead); you are nudged once the "
                  "day has passed. Setting it is never churn.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = active_teams()
        self.fields["cause"] = cause_field()
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The constraint ends before it starts.")
        return data


DEPLOY_TEAM_ERRORS = {"required": "Choose at least one team.",
                      "invalid_choice": "Choose teams directly below yours that do not have "
                                        "this priority yet."}


class DeployForm(forms.Form):
    """Deploying from the top: the teams offered are those one hop below the executive's team
    (any active team for an admin) that do not have the priority yet (strategy.spine)."""

    teams = TeamsChoiceField(queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple,
                             error_messages=DEPLOY_TEAM_ERRORS)
    ask = forms.CharField(
        label="What do you ask of them?", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The contribution you expect; the team's leads accept or counter it, then "
                  "cascade it to their own teams.")

    def __init__(self, *args, priority, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = (
            deploy_targets(user).select_related("tier").exclude(deployments__priority=priority)
            .order_by("-tier__level", "name"))


class CascadeForm(forms.Form):
    """A team's leads pass an accepted deployment on to their own child teams."""

    teams = TeamsChoiceField(queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple,
                             error_messages={"required": "Choose at least one of your teams.",
                                             "invalid_choice": "Choose teams directly below "
                                                               "yours that do not have this "
                                                               "priority yet."})
    ask = forms.CharField(
        label="What do you ask of them?", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what you ask of your teams: a cascade needs its own "
                                    "ask."},
        help_text="Your own ask, in your teams' terms; their leads accept or counter it.")

    def __init__(self, *args, deployment, teams=None, **kwargs):
        kwargs.setdefault("prefix", f"cascade{deployment.pk}")
        super().__init__(*args, **kwargs)
        if teams is None:
            teams = (cascade_targets(deployment.team_id).select_related("tier")
                     .exclude(deployments__priority_id=deployment.priority_id).order_by("name"))
        self.fields["teams"].queryset = teams


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("counter", "Counter")])
    comment = forms.CharField(required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "counter" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what you propose instead, and why: a counter needs "
                                      "a comment.")
        return data


class ReviseForm(forms.Form):
    comment = forms.CharField(
        label="What changed?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what changed: a revision needs a comment."})
    ask = forms.CharField(label="The ask", required=False, max_length=2000,
                          widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Write something first."})


class LinkForm(forms.Form):
    idea = forms.IntegerField(
        label="Item number", min_value=1,
        error_messages={"required": "Choose an item or type its number.",
                        "invalid": "Type the item's number, e.g. 42."})


class WindowForm(forms.Form):
    name = forms.CharField(max_length=80, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Q3 planning"}))
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)
