"""HTML forms of experiments. They validate input; experiments.services makes every change and
applies the rules."""

from django import forms
from django.utils import timezone

from strategy.forms import DATE

from .models import Experiment
from .selectors import kpi_choices


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
