from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from ideas import workflow

from .models import DONE_WINDOW, REFRESH, WIP, SqdcDay


def _wip(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=WIP.low, max_value=WIP.high,
        help_text="Empty: no limit.", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class BoardSettingsForm(forms.Form):
    wip_new = _wip("WIP limit · New")
    wip_in_progress = _wip("WIP limit · In progress")
    wip_waiting = _wip("WIP limit · Waiting")
    wip_escalated = _wip("WIP limit · Escalated to us")
    done_window_days = forms.IntegerField(
        label="Done column shows the last … days", min_value=DONE_WINDOW.low,
        max_value=DONE_WINDOW.high)
    refresh_seconds = forms.IntegerField(
        label="Wall screen refresh (seconds)", min_value=REFRESH.low, max_value=REFRESH.high)
    people_enabled = forms.BooleanField(
        label="Show the People letter (P) on the SQDC board", required=False,
        help_text="Only administrators can change this.")

    def __init__(self, *args, can_set_people: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_people:
            self.fields["people_enabled"].disabled = True


EXPIRY_CHOICES = [("", "Never"), ("1", "In 1 day"), ("7", "In 7 days"), ("30", "In 30 days"),
                  ("90", "In 90 days"), ("365", "In a year")]


class DisplayLinkForm(forms.Form):
    label = forms.CharField(label="Screen name", max_length=80,
                            widget=forms.TextInput(attrs={"placeholder": "Hall TV"}))
    expires_in_days = forms.TypedChoiceField(
        label="Expires", choices=EXPIRY_CHOICES, required=False, coerce=int, empty_value=None)

    def expires_at(self):
        days = self.cleaned_data.get("expires_in_days")
        if not days:
            return None
        end = timezone.localdate() + timedelta(days=days)
        return timezone.make_aware(datetime.combine(end, time(23, 59, 59)))


class MoveForm(forms.Form):
    """A card move with what the workflow asks for: a reason or a learning note."""

    idea = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(choices=list(workflow.LABELS.items()), label="Move to")
    reason = forms.CharField(required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    learning = forms.CharField(
        required=False, max_length=10000, label="What did we learn?",
        help_text="Not only what we did: what we now know that we did not before.",
        widget=forms.Textarea(attrs={"rows": 4}))


class SqdcForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    category = forms.ChoiceField(choices=SqdcDay.Category.choices)
    status = forms.ChoiceField(choices=SqdcDay.Status.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required for red: what happened, and what is being done.")


class HuddleNotesForm(forms.Form):
    notes = forms.CharField(required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    guests = forms.CharField(required=False, max_length=500,
                             help_text="People from outside the team, comma-separated.")


class QuickTimeForm(forms.Form):
    """Improvement time from a board card. It only parses: what may be logged (more than
    nothing, at most 24 hours a person a day, no future days…) is decided by
    capacity.services.time_entry_create."""

    hours = forms.DecimalField(
        label="Hours",
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal",
                                        "autocomplete": "off"}),
        error_messages={"required": "How many hours?",
                        "invalid": "Hours must be a number, e.g. 1.5."})
    date = forms.DateField(
        label="Day", required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Give the day as YYYY-MM-DD."})
    note = forms.CharField(label="Note (optional)", required=False, strip=True,
                           widget=forms.TextInput(attrs={"maxlength": "300"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
