"""Forms of the "did it hold?" pages. They parse input; holdcheck.services decides."""

from django import forms

from .models import HoldCheck
from .services import NOTE_MAX


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Did it hold?", choices=HoldCheck.Answer.choices, widget=forms.RadioSelect,
        error_messages={"required": "Say whether it held: held, partly or slipped.",
                        "invalid_choice": "Say whether it held: held, partly or slipped."})
    note = forms.CharField(
        label="What you see now", required=False, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for partly and slipped: what came back, and since when. A slip "
                  "reopens the item with this note.")


class OpenSystemicForm(forms.Form):
    title = forms.CharField(max_length=200)
    statement = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
