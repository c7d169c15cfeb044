"""Forms of the systemic-issue pages. They parse input; systemic.services decides."""

from django import forms

from core.params import parse_id
from ideas.models import Idea
from org.models import Team
from org.permissions import is_admin, is_executive
from org.selectors import user_led_team_ids

from .models import SystemicIssue


class SystemicIssueForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={
        "autocomplete": "off", "placeholder": "e.g. Brackets run short at the line side"}),
        error_messages={"required": "Give the systemic issue a short title."})
    statement = forms.CharField(
        label="Statement", max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What recurs, where, since when, and what it costs.",
        error_messages={"required": "State the issue: what recurs, where, and what it costs."})
    category = forms.ChoiceField(choices=Idea.Category.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose a category."})
    owner_team = forms.ModelChoiceField(
        label="Owner team", queryset=Team.objects.none(),
        error_messages={"required": "Choose the team that owns the issue.",
                        "invalid_choice": "Choose a team you lead."})
    status = forms.ChoiceField(choices=SystemicIssue.Status.choices, required=False)
    problems = forms.TypedMultipleChoiceField(coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(active=True).select_related("tier").order_by(
            "-tier__level", "name")
        if not (is_admin(user) or is_executive(user)):
            teams = teams.filter(pk__in=list(user_led_team_ids(user)))
        self.fields["owner_team"].queryset = teams
        if not editing:
            del self.fields["status"]
        # Any ids: the service checks each one is visible and linkable.
        raw = self.data.getlist("problems") if hasattr(self.data, "getlist") else []
        self.fields["problems"].choices = [(v, v) for v in raw if parse_id(v) is not None]


class SystemicFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(choices=[("", "Any status"), *SystemicIssue.Status.choices],
                               required=False)
    category = forms.ChoiceField(choices=[("", "Any category"), *Idea.Category.choices],
                                 required=False)
    owner_team = forms.ModelChoiceField(queryset=Team.objects.filter(active=True),
                                        required=False, empty_label="Any owner team")


class LinkForm(forms.Form):
    ideas = forms.CharField(required=False)

    def clean_ideas(self):
        values = self.data.getlist("ideas") if hasattr(self.data, "getlist") else []
        ids = []
        for value in values:
            for part in str(value).replace(",", " ").split():
                part = part.lstrip("#")
                if (pk := parse_id(part)) is None:
                    raise forms.ValidationError("Give item numbers, e.g. 12 or #12.")
                ids.append(pk)
        if not ids:
            raise forms.ValidationError("Choose at least one problem to link.")
        return ids
