"""HTML forms of the review pages. They validate input; reviews.services records the review and
applies the rules."""

from django import forms
from django.utils import timezone

from strategy.forms import DATE

from .models import ReviewCadence


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
