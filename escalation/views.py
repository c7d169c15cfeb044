"""Escalation pages: escalate (with the routing preview), the inbox, the detail page and the
executive overview. Thin: input through forms, rules in services, reads in selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import apply_error
from core.pagination import NarrowPaginator
from core.params import local_url, parse_id
from ideas.permissions import access_idea
from org.selectors import user_team_ids

from . import selectors, services, workflow
from .authority import needs_spend_approval
from .feedback_views import answer_context
from .forms import ACTION_FORMS, ConflictViewForm, EscalateForm, InboxFilterForm
from .models import Escalation
from .permissions import (
    access_escalation,
    available_actions,
    can_raise,
    may_see_overview,
    view_sides,
)

PAGE_SIZE = 50


def _team_pk(team) -> int | None:
    return team.pk if team is not None else None


def _idea_for(request) -> int:
    idea_id = parse_id(request.GET.get("idea") or request.POST.get("idea"))
    if idea_id is None:
        raise DomainError("Choose the item to escalate.")
    return idea_id


# ---------------------------------------------------------------- escalate (new)


def _preview(request, idea, data) -> dict:
    """{"route": Route | None, "error": str} for the form's current values."""
    try:
        route = services.escalation_preview(
            idea_id=idea.pk, actor=request.user, reason=data.get("reason") or "",
            requested_spend=data.get("requested_spend") or None,
            other_team_id=data.get("other_team"))
    except DomainError as exc:
        return {"route": None, "error": exc.message}
    return {"route": route, "error": ""}


def _local(request, target: str) -> str:
    """``target`` if it is a URL on this site (safe to redirect to), else ""."""
    return local_url(request, target)


def _back_url(request) -> str:
    """Where the escalate form was opened from (e.g. a systemic issue's page), if local."""
    return _local(request, request.POST.get("next") or request.GET.get("next") or "")


def _new_context(request, idea, form, preview) -> dict:
    return {
        "idea": idea, "form": form, "preview": preview,
        "over_limit": needs_spend_approval(idea.required_spend, idea.team.tier),
        "limit": idea.team.tier.authority_limit, "back": _back_url(request),
    }


@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest) -> HttpResponse:
    """The escalate form: reason, the ask, requested spend, and where it will go."""
    try:
        idea_id = _idea_for(request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("escalation:inbox")
    idea = access_idea(request.user, idea_id)
    if not can_raise(request.user, idea):
        raise PermissionDenied(f"Only members of {idea.team.name} can escalate its items.")
    active = selectors.active_escalation_of(idea.pk)
    if active is not None:
        messages.info(request, f"This item is already escalated to {active.to_team.name}.")
        return redirect("escalation:detail", pk=active.pk)

    if request.method == "GET":
        over = needs_spend_approval(idea.required_spend, idea.team.tier)
        initial = {"requested_spend": idea.required_spend,
                   "reason": Escalation.Reason.AUTHORITY if over else ""}
        form = EscalateForm(initial=initial)
        preview = _preview(request, idea, initial)
        if preview["route"]:
            form.initial["expected_to_team"] = preview["route"].to_team.pk
        return render(request, "escalation/new.html",
                      _new_context(request, idea, form, preview))

    form = EscalateForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        if "preview" not in request.POST:
            try:
                escalation = services.escalation_raise(
                    idea_id=idea.pk, actor=request.user, reason=data["reason"], ask=data["ask"],
                    requested_spend=data["requested_spend"],
                    expected_to_team_id=data["expected_to_team"], options=data["options"],
                    recommendation=data["recommendation"],
                    other_team_id=_team_pk(data["other_team"]))
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, f"Escalated to {escalation.to_team.name}. Their leads are told; "
                             "you will hear when it is acknowledged and decided.")
                return redirect(_back_url(request)
                                or reverse("escalation:detail", args=[escalation.pk]))
        else:
            status = 200
    cleaned = getattr(form, "cleaned_data", {})
    preview = _preview(request, idea, {
        "reason": request.POST.get("reason", ""),
        "requested_spend": cleaned.get("requested_spend"),
        "other_team": _team_pk(cleaned.get("other_team"))})
    if preview["route"]:
        data = form.data.copy()
        data["expected_to_team"] = preview["route"].to_team.pk
        form.data = data
    return render(request, "escalation/new.html", _new_context(request, idea, form, preview),
                  status=status)


@require_GET
def escalation_preview(request: HttpRequest) -> HttpResponse:
    """The routing preview fragment, refreshed as the form changes (htmx)."""
    try:
        idea_id = _idea_for(request)
    except DomainError:
        return redirect("escalation:inbox")
    if not request.htmx:
        return redirect(f"{reverse('escalation:new')}?idea={idea_id}")
    idea = access_idea(request.user, idea_id)
    form = EscalateForm(request.GET)
    form.is_valid()
    spend_errors = form.errors.get("requested_spend")
    if spend_errors:
        preview = {"route": None, "error": spend_errors[0]}
    else:
        preview = _preview(request, idea, {
            "reason": request.GET.get("reason", ""),
            "requested_spend": form.cleaned_data.get("requested_spend"),
            "other_team": _team_pk(form.cleaned_data.get("other_team"))})
    return render(request, "escalation/new.html#preview",
                  {"idea": idea, "preview": preview, "oob_id": "id_expected_to_team"})


# ---------------------------------------------------------------- inbox


def _decorate(user, rows: list) -> list:
    """Chains (one query for the page) and the actions each row offers this user."""
    chains = selectors.chains_for(rows)
    for esc in rows:
        esc.chain = chains.get(esc.pk, [esc])
        esc.actions = available_actions(user, esc)  # the user's teams are cached: no query
        esc.sla_info = esc.sla()
    return rows


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Escalations sent to my teams, the next SLA deadline first."""
    data = request.GET.copy()
    data.setdefault("state", "active")  # the default view: what still needs an answer
    form = InboxFilterForm(data)
    qs = selectors.inbox(request.user, **form.filters())
    page = NarrowPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _decorate(request.user, list(page.object_list))
    context = {"form": form, "page": page, "rows": rows,
               "has_teams": bool(user_team_ids(request.user)),
               "may_overview": may_see_overview(request.user),
               "naming": list(selectors.naming_my_teams(request.user)[:20])}
    if request.htmx and request.htmx.target == "inbox-list":
        return render(request, "escalation/inbox.html#list", context)
    return render(request, "escalation/inbox.html", context)


# ---------------------------------------------------------------- detail and actions


def _detail_context(request, escalation, *, forms=None, further_preview=None) -> dict:
    user = request.user
    [escalation] = _decorate(user, [escalation])
    forms = forms or {}
    action_forms = {}
    for action in escalation.actions:
        if action in ACTION_FORMS:
            form_class = ACTION_FORMS[action]
            action_forms[action] = forms.get(action) or form_class(
                auto_id=f"id_{action}_%s", initial={"ask": ""})
    if further_preview is None and workflow.ESCALATE in escalation.actions:
        further_preview = _further_preview(request, escalation, {})
    return {"esc": escalation, "idea": escalation.idea, "action_forms": action_forms,
            "further_preview": further_preview, **_conflict_context(request, escalation, forms),
            **answer_context(user, escalation)}


def _conflict_context(request, escalation, forms) -> dict:
    """Both teams' views of a cross-team conflict, and the form for the side(s) I speak for."""
    if not escalation.other_team_id:
        return {}
    root = escalation.chain[0] if escalation.chain else escalation
    views = selectors.conflict_views(root, escalation.other_team)
    sides = view_sides(request.user, root, escalation) if escalation.is_active else []
    view_forms = []
    for side in sides:
        current = next((v["view"] for v in views if v["team"].pk == side.pk), None)
        form = forms.get(f"view-{side.pk}") or ConflictViewForm(
            auto_id=f"id_view_{side.pk}_%s",
            initial={"team": side.pk, "text": current.text if current else ""})
        view_forms.append({"team": side, "form": form, "existing": current})
    return {"views": views, "view_forms": view_forms}


def _further_preview(request, escalation, data) -> dict:
    try:
        route = services.escalation_further_preview(
            escalation_id=escalation.pk, actor=request.user, reason=data.get("reason") or "",
            requested_spend=data.get("requested_spend") or None)
    except DomainError as exc:
        return {"route": None, "error": exc.message}
    return {"route": route, "error": ""}


def _load(request, pk):
    return access_escalation(request.user, pk, selectors.with_row_data(
        selectors.escalations_visible_to(request.user)))


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _load(request, pk)
    return render(request, "escalation/detail.html", _detail_context(request, escalation))


@require_GET
def further_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Where escalating further would go (fragment for the inbox's small form)."""
    escalation = _load(request, pk)
    if not request.htmx:
        return redirect("escalation:detail", pk=escalation.pk)
    preview = _further_preview(request, escalation, request.GET)
    return render(request, "escalation/new.html#preview",
                  {"preview": preview, "further": True,
                   "oob_id": "id_escalate_expected_to_team" if request.GET.get("oob") else ""})


def _next_url(request, escalation) -> str:
    return (_local(request, request.POST.get("next", ""))
            or reverse("escalation:detail", args=[escalation.pk]))


def _row_response(request, pk, *, error: str = "", form=None, open_action="", status=200):
    escalation = _load(request, pk)
    [escalation] = _decorate(request.user, [escalation])
    escalation.error = error
    escalation.failed_form, escalation.open_action = form, open_action
    return render(request, "escalation/inbox.html#row", {"esc": escalation}, status=status)


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _load(request, pk)
    try:
        services.escalation_acknowledge(escalation_id=escalation.pk, actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return _row_response(request, pk, error=exc.message, status=exc.status_code)
        messages.error(request, exc.message)
        return redirect(_next_url(request, escalation))
    if request.htmx:
        return _row_response(request, pk)
    messages.success(request, f"Acknowledged: {escalation.to_team.name} has it.")
    return redirect(_next_url(request, escalation))


def _decision_view(request, pk: int, action: str) -> HttpResponse:
    escalation = _load(request, pk)
    form = ACTION_FORMS[action](request.POST, auto_id=f"id_{action}_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == workflow.RESOLVE:
                done = services.escalation_resolve(
                    escalation_id=escalation.pk, actor=request.user, decision=data["decision"],
                    approved_spend=data["approved_spend"])
                text = f"Resolved. The decision went back to {escalation.from_team.name}."
            elif action == workflow.RETURN:
                done = services.escalation_return(
                    escalation_id=escalation.pk, actor=request.user, decision=data["decision"])
                text = f"Returned to {escalation.from_team.name} with your guidance."
            else:
                done = services.escalation_escalate_further(
                    escalation_id=escalation.pk, actor=request.user, ask=data["ask"],
                    reason=data["reason"], requested_spend=data["requested_spend"],
                    expected_to_team_id=data["expected_to_team"], options=data["options"],
                    recommendation=data["recommendation"])
                text = f"Escalated further to {done.to_team.name}."
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status_code
        else:
            if request.htmx:
                return _row_response(request, pk)
            messages.success(request, text)
            if action == workflow.ESCALATE:
                return redirect("escalation:detail", pk=done.pk)
            return redirect(_next_url(request, escalation))
    if request.htmx:
        return _row_response(request, pk, form=form, open_action=action, status=status)
    context = _detail_context(request, escalation, forms={action: form})
    context["open_action"] = action
    if action not in context["action_forms"]:  # refused outright (not allowed / too late)
        context["error"] = next(iter(form.errors.get("__all__", [])), "")
    return render(request, "escalation/detail.html", context, status=status)


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_view(request, pk, workflow.RESOLVE)


@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_view(request, pk, workflow.RETURN)


@require_POST
def escalate_further(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_view(request, pk, workflow.ESCALATE)


@require_POST
def conflict_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's view of a cross-team conflict (added or replaced)."""
    escalation = _load(request, pk)
    form = ConflictViewForm(request.POST, auto_id=f"id_view_{request.POST.get('team', '')}_%s")
    status = 400
    if form.is_valid():
        try:
            view = services.escalation_view_set(
                escalation_id=escalation.pk, actor=request.user, text=form.cleaned_data["text"],
                team_id=form.cleaned_data["team"])
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, f"{view.team.name}'s view is recorded; "
                                      f"{escalation.to_team.name} sees both teams' views.")
            return redirect("escalation:detail", pk=escalation.pk)
    context = _detail_context(request, escalation,
                              forms={f"view-{request.POST.get('team', '')}": form})
    if not context.get("view_forms"):  # refused outright: not a party, or decided already
        context["error"] = next(iter(form.errors.get("__all__", [])), "") or next(
            (e for errs in form.errors.values() for e in errs), "")
    return render(request, "escalation/detail.html", context, status=status)


# ---------------------------------------------------------------- executive overview


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every open escalation (stalled and overdue first), counts per tier × state, and the
    median times to acknowledge and resolve per tier over 30 days. Executives and admins."""
    if not may_see_overview(request.user):
        raise PermissionDenied("The escalation overview is for executives and administrators.")
    page = NarrowPaginator(selectors.overview_rows(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = list(page.object_list)
    for esc in rows:
        esc.sla_info = esc.sla()
    return render(request, "escalation/overview.html", {
        "page": page, "rows": rows,
        "counts": selectors.tier_state_counts(request.user),
        "medians": selectors.sla_medians(request.user),
    })

