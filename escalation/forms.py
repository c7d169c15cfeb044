"""Small forms: escalate (with the routing preview), acknowledge/resolve/return/escalate further,
and the inbox filters. Business rules stay in the services; these only shape the input."""

from decimal import Decimal

from django import forms

from org.models import Team, Tier

from . import workflow
from .models import MAX_SPEND, AnswerFeedback, Escalation

SPEND_HELP = "Optional. A one-off amount; leave empty when no money is involved."


def spend_field(label: str, help_text: str = SPEND_HELP) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0"), max_value=MAX_SPEND,
        max_digits=14, decimal_places=2, help_text=help_text,
        error_messages={"min_value": "A spend cannot be negative.",
                        "max_value": "That is not a realistic spend (at most 1,000,000,000).",
                        "invalid": "Enter an amount of money, e.g. 2500."},
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}))


class EscalateForm(forms.Form):
    reason = forms.ChoiceField(label="Why escalate?", choices=Escalation.Reason.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose why you escalate."})
    ask = forms.CharField(
        label="What help do you need?", max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder":
                                     "e.g. Approve 12,000 for a guard on press 4"}),
        error_messages={"required": "Say what help you need: the ask is required."})
    requested_spend = spend_field("Requested spend")
    other_team = forms.ModelChoiceField(
        label="The other team in the conflict", required=False,
        queryset=Team.objects.filter(active=True).select_related("tier")
        .order_by("-tier__level", "name"),
        empty_label="Choose the other team",
        help_text="A cross-team conflict goes to the lowest team above both of you.")
    # Required by the service when the route reaches the top tier (the page shows them then).
    options = forms.CharField(
        label="Options considered", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder":
                                     "e.g. A: lease a second truck · B: move the shift start · "
                                     "C: do nothing (20 min wait per shift)"}))
    recommendation = forms.CharField(
        label="Our recommendation", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. Option A, because …"}))
    expected_to_team = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Fields the template shows only when the preview routes to the top tier / a conflict.
    top_tier_fields = ("options", "recommendation")
    cross_team_fields = ("other_team",)


class FurtherForm(EscalateForm):
    """Escalate further: the reason defaults to the current one; a conflict keeps its other
    team."""

    other_team = None

    reason = forms.ChoiceField(label="Why escalate further?", required=False,
                               choices=[("", "Same reason")] + list(Escalation.Reason.choices))
    ask = forms.CharField(
        label="What do you need from the next level?", max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what help you need: the ask is required."})


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label="Decision", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A decision text is required: tell the team what was "
                                    "decided and what to do next."})


class ResolveForm(DecisionForm):
    approved_spend = spend_field("Approved spend", "Optional: the spend you approve.")


class ReturnForm(DecisionForm):
    decision = forms.CharField(
        label="Guidance", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Returning needs guidance: tell the team what to do."})


class ConflictViewForm(forms.Form):
    text = forms.CharField(
        label="Our team's view", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your team's view of the conflict."})
    team = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnswerFeedbackForm(forms.Form):
    """Did the answer help? The raising team's verdict on a resolved or returned escalation."""

    rating = forms.ChoiceField(label="Did the answer help?", widget=forms.RadioSelect,
                               choices=AnswerFeedback.Rating.choices,
                               error_messages={"required": "Say whether the answer helped.",
                                               "invalid_choice": "Say whether the answer "
                                                                 "helped."})
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "placeholder":
                                                        "What would have helped more?"}))


ACTION_FORMS = {workflow.RESOLVE: ResolveForm, workflow.RETURN: ReturnForm,
                workflow.ESCALATE: FurtherForm}

STATE_CHOICES = [("active", "Open or acknowledged"), ("", "All"), *Escalation.State.choices]


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    reason = forms.ChoiceField(choices=[("", "Any reason")] + list(Escalation.Reason.choices),
                               required=False)
    tier = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", "Any tier")] + [
            (t.level, f"Tier {t.level} · {t.name}") for t in Tier.objects.order_by("level")]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"state": "active"}
        data = self.cleaned_data
        return {"state": data["state"], "reason": data["reason"], "tier": data["tier"],
                "overdue": data["overdue"]}
