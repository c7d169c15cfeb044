"""HTML forms of the system-work pages (experiments, reviews, planning windows, standards).
They validate input; strategy.system_services makes every change and applies the rules."""

from django import forms
from django.utils import timezone

from .forms import DATE
from .models import Experiment, ReviewCadence


class KPIChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, kpi) -> str:
        return f"{kpi.name} ({kpi.priority.title})"


class ExperimentForm(forms.Form):
    hypothesis = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={
            "rows": 2, "placeholder": "We believe … will … measured by …"}))
    signal = forms.CharField(max_length=300, label="Signal to watch",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. rework per shift"}))
    kpi = KPIChoiceField(queryset=None, required=False, label="KPI (optional)",
                         empty_label="No KPI")
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        from .system_selectors import kpi_choices

        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = kpi_choices()
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The experiment ends before it starts: choose an end on or "
                                  "after the start.")
        return data


class EvidenceForm(forms.Form):
    evidence = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="What was observed: numbers, not impressions.")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=Experiment.Decision.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    learning = forms.CharField(max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="Required to abandon: what did it teach you?")


class ReviewForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label="Held on")
    assessment = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        label="Assessment of the prior cycle's changes",
        help_text="What held, what did not, and why.")
    focus_ideas = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Focus: items", widget=forms.CheckboxSelectMultiple)
    focus_issues = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Focus: systemic issues",
        widget=forms.CheckboxSelectMultiple)
    focus_note = forms.CharField(max_length=300, required=False, label="Focus: other",
                                 help_text="A focus area that is not an item yet.")
    notes = forms.CharField(max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or {"ideas": [], "issues": []}
        self.fields["focus_ideas"].choices = [
            (i.pk, f"#{i.pk} {i.title}") for i in choices["ideas"]]
        self.fields["focus_issues"].choices = [(s.pk, s.title) for s in choices["issues"]]
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not (data.get("focus_ideas") or data.get("focus_issues") or data.get("focus_note")):
            raise forms.ValidationError("Pick at least one focus area for the next cycle: an "
                                        "item, a systemic issue, or a short note.")
        return data


class CadenceForm(forms.Form):
    every = forms.ChoiceField(choices=ReviewCadence.Every.choices, label="Review cadence")


class WindowForm(forms.Form):
    name = forms.CharField(max_length=80, widget=forms.TextInput(
        attrs={"placeholder": "e.g. Q3 planning"}))
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)


class StandardForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=500, required=False)
    review_date = forms.DateField(widget=DATE, label="Next review")
    body = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 12}),
                           label="Standard work")


class StandardCardForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=500, required=False)
    review_date = forms.DateField(widget=DATE, label="Next review")


class ReviseForm(forms.Form):
    body = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 12}),
                           label="Standard work")
    change_note = forms.CharField(max_length=500, label="What changed, and why")


class ProposalForm(forms.Form):
    idea = forms.IntegerField(min_value=1, label="Done item number",
                              error_messages={"invalid": "Give the item's number, e.g. 42."})
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           label="Proposed change")


class AcceptForm(forms.Form):
    body = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 8}),
                           label="New text of the standard")
    change_note = forms.CharField(max_length=500, required=False, label="What changed")


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StandardCommentForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Comment")
