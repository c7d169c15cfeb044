"""Marking an item's learning as reused or useful from the item page and the learning library
(ideas.services.learning). A plain form post: it works without JavaScript."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_error

from .. import selectors, services
from ..models import LearningMark
from ..permissions import access_idea
from .item import detail_context


class LearningMarkForm(forms.Form):
    kind = forms.ChoiceField(choices=LearningMark.Kind.choices)
    team = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    note = forms.CharField(max_length=300, required=False)
    undo = forms.BooleanField(required=False)


def _back(request: HttpRequest, idea_id: int) -> str:
    """Where the mark was made (the library keeps its filters), else the item page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("ideas:detail", args=[idea_id])


@require_POST
def learning_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark (or, with ``undo``, take back) a team's mark on the learning: 403 for someone who
    may not mark it, 400 with the form's errors for bad input."""
    idea = access_idea(request.user, pk)
    form = LearningMarkForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["undo"]:
                services.learning_unmark(idea_id=idea.pk, kind=data["kind"], actor=request.user,
                                         team_id=data["team"])
                done = "Mark taken back."
            else:
                services.learning_mark(idea_id=idea.pk, kind=data["kind"], actor=request.user,
                                       team_id=data["team"], note=data["note"])
                done = f"Learning marked as {data['kind']}."
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, done)
            return redirect(_back(request, idea.pk))
    messages.error(request, next(iter(form.errors.values()))[0] if form.errors
                   else "That mark could not be made.")
    idea = selectors.idea_detail(request.user, pk)
    return render(request, "ideas/detail.html", detail_context(request, idea), status=status)
