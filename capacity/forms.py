"""Forms of the improvement-time and capacity pages. They parse input; capacity.services
decides."""

from django import forms
from django.utils import timezone

from ideas.models import Idea
from org.models import Team
from org.selectors import user_team_ids

from .models import TeamCapacity, TimeEntry


class TimeEntryForm(forms.Form):
    hours = forms.DecimalField(
        label="Hours", max_digits=5, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24",
                                        "inputmode": "decimal"}),
        error_messages={"required": "How many hours?",
                        "invalid": "Hours must be a number, e.g. 1.5."})
    date = forms.DateField(label="Day", widget=forms.DateInput(format="%Y-%m-%d",
                                                               attrs={"type": "date"}),
                           error_messages={"invalid": "Enter a date."})
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)
    team = forms.ModelChoiceField(label="Counts for", queryset=Team.objects.none(),
                                  required=False, empty_label=None)

    def __init__(self, *args, user, idea: Idea | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        teams = Team.objects.filter(pk__in=list(user_team_ids(user))).order_by("tier__level",
                                                                               "name")
        self.fields["team"].queryset = teams
        if idea is not None and idea.team_id in user_team_ids(user):
            self.initial.setdefault("team", idea.team_id)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class SlackEntryForm(forms.Form):
    """Protected time spent without an item: what it went on, hours, day, note."""

    category = forms.ChoiceField(label="Spent on", choices=TimeEntry.slack_categories(),
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "What did the time go on?"})
    hours = TimeEntryForm.base_fields["hours"]
    date = TimeEntryForm.base_fields["date"]
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class CapacityForm(forms.Form):
    unit = forms.ChoiceField(label="Protect", choices=TeamCapacity.Unit.choices,
                             widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Amount", max_digits=6, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
        error_messages={"required": "How much capacity is protected?"})
    member_hours_per_week = forms.DecimalField(
        label="Working hours of one member a week", max_digits=4, decimal_places=1,
        required=False, help_text="Turns a percentage into hours.")
