"""Systemic-issue pages: the list with each issue's trend, opening one (with suggestions of
recurring problems as the title is typed), its page (linked problems, trend, suggestions, the
panels other apps add) and linking an item to an issue from the item page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.charts import monthly_bars, monthly_sparkline
from core.errors import DomainError
from core.forms import apply_error
from core.params import ids, parse_id
from ideas.permissions import access_idea, can_view
from org.models import Team

from . import selectors as sel
from . import services as svc
from .forms import LinkForm, SystemicFilterForm, SystemicIssueForm
from .permissions import can_create_systemic_issue, can_edit_systemic_issue, can_link_problem
from .registry import systemic_panels


@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    form = SystemicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(sel.systemic_issue_list(request.user, filters), 25).get_page(
        request.GET.get("page"))
    issues = sel.with_persistence(list(page.object_list))
    for issue in issues:
        issue.sparkline = monthly_sparkline(issue.series, label="Linked problems per month")
    context = {"form": form, "page": page, "issues": issues,
               "may_create": can_create_systemic_issue(request.user)}
    template = "systemic/list.html#results" if request.htmx else "systemic/list.html"
    return render(request, template, context)


def _suggestion_context(request, *, text: str, category: str, issue=None) -> dict:
    found = sel.suggestions(request.user, text=text, category=category, issue=issue)
    return {"suggestions": found, "suggest_text": text}


@require_http_methods(["GET", "POST"])
def issue_new(request: HttpRequest) -> HttpResponse:
    if not can_create_systemic_issue(request.user):
        messages.error(request, "Team leads, executives and admins open systemic issues.")
        return redirect("systemic:list")
    form = SystemicIssueForm(request.POST or None, user=request.user,
                             initial={"category": request.GET.get("category", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = svc.systemic_issue_create(
                actor=request.user, title=data["title"], statement=data["statement"],
                category=data["category"], owner_team=data["owner_team"],
                problems=data["problems"])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Systemic issue “{issue.title}” opened.")
            return redirect("systemic:detail", pk=issue.pk)
    context = {"form": form}
    if form.is_bound:
        context.update(_suggestion_context(request, text=form.data.get("title", ""),
                                           category=form.data.get("category", "")))
        context["chosen"] = set(ids(form.data.getlist("problems")))
    return render(request, "systemic/new.html", context, status=400 if form.is_bound
                  else 200)


@require_GET
def issue_suggest(request: HttpRequest) -> HttpResponse:
    """The candidates as the title is typed (htmx), or on a page of their own."""
    if not can_create_systemic_issue(request.user):
        raise Http404
    context = _suggestion_context(request, text=request.GET.get("title", ""),
                                  category=request.GET.get("category", ""))
    context["pickable"] = True
    if request.htmx:
        return render(request, "systemic/new.html#suggestions", context)
    return render(request, "systemic/suggest.html", context)


def _detail_context(request, issue, **extra) -> dict:
    user = request.user
    problems = sel.linked_problems(user, issue)
    visible = [p for p in problems if not p.hidden]
    may_edit = can_edit_systemic_issue(user, issue)
    may_link = can_create_systemic_issue(user)
    context = {
        "issue": issue,
        "problems": problems,
        "hidden_count": len(problems) - len(visible),
        "teams": sorted({p.idea.team.name for p in visible}),
        "chart": monthly_bars(issue.series, label="Linked problems per month", noun="problem"),
        "may_edit": may_edit,
        "may_link": may_link,
        "edit_form": extra.get("edit_form") or (SystemicIssueForm(
            user=user, editing=True, initial={
                "title": issue.title, "statement": issue.statement, "category": issue.category,
                "owner_team": issue.owner_team_id, "status": issue.status})
            if may_edit else None),
        "link_form": extra.get("link_form") or LinkForm(),
        # A tracking item the viewer may not see is named only as a private item.
        "tracking_visible": bool(issue.tracking_idea and can_view(user, issue.tracking_idea)),
        # Sections other apps add (the escalation of the tracking item), constant queries each.
        "panels": [panel for build in systemic_panels() if (panel := build(request, issue))],
    }
    if may_link:
        context.update(_suggestion_context(request, text=issue.title, category=issue.category,
                                           issue=issue))
        # Offer only what this lead may link (the owner team's leads: any team's problems).
        context["linkable"] = [i for i in context["suggestions"].items
                               if can_link_problem(user, issue, i)]
    return context


@require_GET
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = sel.issue_detail(request.user, pk)
    return render(request, "systemic/detail.html", _detail_context(request, issue))


@require_POST
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = sel.issue_detail(request.user, pk)
    form = SystemicIssueForm(request.POST, user=request.user, editing=True)
    if not can_edit_systemic_issue(request.user, issue):
        messages.error(request, "The owner team's leads, executives and admins edit a "
                                "systemic issue.")
        return redirect("systemic:detail", pk=pk)
    # The current owner team stays a valid choice for an editor who does not lead it.
    form.fields["owner_team"].queryset = (form.fields["owner_team"].queryset
                                          | Team.objects.filter(pk=issue.owner_team_id))
    if form.is_valid():
        data = form.cleaned_data
        try:
            svc.systemic_issue_update(
                issue_id=issue.pk, actor=request.user, title=data["title"],
                statement=data["statement"], category=data["category"],
                status=data["status"] or issue.status, owner_team=data["owner_team"])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("systemic:detail", pk=pk)
    context = _detail_context(request, issue, edit_form=form)
    context["edit_open"] = True
    return render(request, "systemic/detail.html", context, status=400)


@require_POST
def issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    issue = sel.issue_detail(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            links = svc.systemic_link(issue_id=issue.pk, idea_ids=form.cleaned_data["ideas"],
                                      actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            n = len(links)
            messages.success(request, f"Linked {n} problem{'s' if n != 1 else ''}."
                             if n else "Those problems were already linked.")
    else:
        messages.error(request, form.errors["ideas"][0])
    return redirect("systemic:detail", pk=pk)


@require_POST
def idea_link_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """From the item page: link this problem to a systemic issue."""
    idea = access_idea(request.user, pk)
    issue_id = parse_id(request.POST.get("issue"))
    if issue_id is None:
        messages.error(request, "Choose a systemic issue.")
        return redirect("ideas:detail", pk=idea.pk)
    issue = sel.access_systemic_issue(request.user, issue_id)
    try:
        svc.systemic_link(issue_id=issue.pk, idea_ids=[idea.pk], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Linked to the systemic issue “{issue.title}”.")
    return redirect("ideas:detail", pk=idea.pk)


@require_POST
def issue_unlink(request: HttpRequest, pk: int, idea_id: int) -> HttpResponse:
    issue = sel.issue_detail(request.user, pk)
    try:
        svc.systemic_unlink(issue_id=issue.pk, idea_id=idea_id, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Unlinked.")
    return redirect("systemic:detail", pk=pk)


@require_POST
def issue_track(request: HttpRequest, pk: int) -> HttpResponse:
    issue = sel.issue_detail(request.user, pk)
    try:
        idea = svc.systemic_issue_track(issue_id=issue.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("systemic:detail", pk=pk)
    if request.POST.get("escalate"):
        # Started to be escalated at once: straight to the item's escalate form, which comes
        # back to this issue.
        try:
            target = reverse("escalation:new")
        except NoReverseMatch:
            target = ""
        if target:
            messages.success(request, f"#{idea.pk} now carries the work on this issue: say "
                                      "why and what help it needs.")
            back = reverse("systemic:detail", args=[issue.pk])
            return redirect(f"{target}?{urlencode({'idea': idea.pk, 'next': back})}")
    messages.success(request, f"#{idea.pk} carries the work on this issue; escalate it from "
                              "its page if it needs help from above.")
    return redirect("ideas:detail", pk=idea.pk)


# ---------------------------------------------------------------- the item page


def idea_panel(request, idea) -> dict | None:
    """On the item page: the systemic issues it belongs to, and linking it to one (leads);
    registered in apps.py."""
    issues = sel.issues_linked_to(request.user, idea)
    choices = sel.link_choices_for(request.user, idea) if (
        idea.kind == idea.Kind.PROBLEM and can_create_systemic_issue(request.user)) else []
    if not issues and not choices:
        return None
    return {"template": "systemic/_idea_panel.html",
            "context": {"idea": idea, "issues": issues, "choices": choices}}
