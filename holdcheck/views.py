""""Did it hold?" pages: the checks waiting on me (/hold-checks/), one check with its form
(/hold-checks/<id>/), and a lead opening the systemic issue a second slip proposed."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import Conflict, DomainError
from core.forms import apply_error

from . import selectors as sel
from . import services as svc
from .forms import AnswerForm, OpenSystemicForm
from .permissions import can_answer, can_confirm_systemic


@require_GET
def check_list(request: HttpRequest) -> HttpResponse:
    return render(request, "holdcheck/list.html", {
        "pending": list(sel.pending_checks_for(request.user)[:100]),
        "proposals": list(sel.proposals_for(request.user)[:50]),
    })


def _context(request, check, form=None) -> dict:
    idea = check.idea
    may_answer = check.pending and idea.done_at == check.done_at and can_answer(request.user,
                                                                                 idea)
    may_open = (check.outcome == check.Outcome.SYSTEMIC_PROPOSED
                and can_confirm_systemic(request.user, idea))
    title, statement = svc.proposal_text(check) if may_open else ("", "")
    return {
        "check": check, "idea": idea, "may_answer": may_answer,
        "form": form or (AnswerForm() if may_answer else None),
        "readings": (check.kpi_readings if check.answer else sel.kpi_readings(idea,
                                                                               check.done_at)),
        "systemic_form": OpenSystemicForm(initial={"title": title, "statement": statement})
        if may_open else None,
    }


@require_http_methods(["GET", "POST"])
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = sel.access_check(request.user, pk)
    if request.method == "GET":
        return render(request, "holdcheck/detail.html", _context(request, check))
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            check = svc.hold_check_answer(check_id=check.pk, actor=request.user,
                                          answer=form.cleaned_data["answer"],
                                          note=form.cleaned_data["note"])
        except DomainError as exc:
            if exc.status_code != 400:
                messages.error(request, exc.message)
                check = sel.access_check(request.user, pk)
                return render(request, "holdcheck/detail.html", _context(request, check),
                              status=exc.status_code)
            apply_error(form, exc)
        else:
            messages.success(request, _said(check))
            return redirect("ideas:detail", pk=check.idea_id)
    return render(request, "holdcheck/detail.html", _context(request, check, form), status=status)


def _said(check) -> str:
    if check.outcome == check.Outcome.REOPENED:
        return "Thank you: it slipped, so the item is back in progress with your note."
    if check.outcome == check.Outcome.SYSTEMIC_PROPOSED:
        return ("Thank you: it slipped a second time, so a systemic issue is proposed to the "
                "team's leads.")
    return f"Thank you: recorded as {check.get_answer_display().lower()}."


@require_POST
def check_open_systemic(request: HttpRequest, pk: int) -> HttpResponse:
    check = sel.access_check(request.user, pk)
    form = OpenSystemicForm(request.POST)
    if form.is_valid():
        try:
            issue = svc.hold_check_open_systemic(check_id=check.pk, actor=request.user,
                                                 **form.cleaned_data)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("holdcheck:detail", pk=check.pk)
        except DomainError as exc:
            if exc.status_code == 403:
                messages.error(request, exc.message)
                return render(request, "holdcheck/detail.html", _context(request, check),
                              status=403)
            apply_error(form, exc)
        else:
            messages.success(request, f"Systemic issue “{issue.title}” opened.")
            return redirect("systemic:detail", pk=issue.pk)
    context = _context(request, check)
    if context["systemic_form"] is None:
        return render(request, "holdcheck/detail.html", context, status=403)
    context["systemic_form"] = form
    return render(request, "holdcheck/detail.html", context, status=400)
