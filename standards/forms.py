"""HTML forms of the standards pages. They validate input; standards.services makes every change
and applies the rules."""

from django import forms

from strategy.forms import DATE


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
