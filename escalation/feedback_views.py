"""Did the answer help? The raising team's verdict on a resolved or returned escalation: the
panel on the escalation page (``answer_context``) and its own small page, which takes the
verdict and shows refusals as form errors. Rules in ``escalation/feedback.py``."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.forms import apply_error

from . import selectors
from .feedback import SAID, answer_feedback_give, feedback_of
from .forms import AnswerFeedbackForm
from .models import Escalation
from .permissions import access_escalation, can_rate_answer


def answer_context(user, escalation: Escalation, form=None) -> dict:
    """The verdict on a decided step and, for the raising team, the form to give or change
    it (two queries at most: the verdict, the chain when not read yet)."""
    if not escalation.is_decided:
        return {"answer": None}
    chain = getattr(escalation, "chain", None) or selectors.chain_of(escalation)
    feedback = feedback_of(escalation)
    may_rate = can_rate_answer(user, escalation, chain[0])
    if may_rate and form is None:
        form = AnswerFeedbackForm(auto_id="id_answer_%s", initial={
            "rating": feedback.rating if feedback else None,
            "note": feedback.note if feedback else ""})
    return {"answer": {"feedback": feedback, "may_rate": may_rate,
                       "form": form if may_rate else None, "team": chain[0].from_team,
                       "action": reverse("escalation:feedback", args=[escalation.pk])}}


@require_http_methods(["GET", "POST"])
def answer_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the decision and the form; POST: the verdict (back to the escalation page), or
    the form again with what was refused (400, 403 or 409)."""
    escalation = access_escalation(request.user, pk, selectors.with_row_data(
        selectors.escalations_visible_to(request.user)))
    form, status = None, 200
    if request.method == "POST":
        form = AnswerFeedbackForm(request.POST, auto_id="id_answer_%s")
        status = 400
        if form.is_valid():
            try:
                feedback = answer_feedback_give(
                    escalation_id=escalation.pk, actor=request.user,
                    rating=form.cleaned_data["rating"], note=form.cleaned_data["note"])
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"Thank you: {escalation.to_team.name} hears that "
                                          f"{SAID[feedback.rating]}.")
                return redirect(reverse("escalation:detail", args=[escalation.pk])
                                + "#answer-feedback")
    context = {"esc": escalation, "idea": escalation.idea,
               **answer_context(request.user, escalation, form)}
    if form is not None and not (context["answer"] and context["answer"]["may_rate"]):
        # refused outright (not answered yet, not the raising team): no form to show it on
        context["error"] = next((e for errs in form.errors.values() for e in errs), "")
    return render(request, "escalation/feedback.html", context, status=status)
