"""Strategy pages: the deployment at a glance, priorities, KPIs, constraints, catchball and the
executives' forms. Views are thin: forms validate, services change, selectors read."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import Conflict, DomainError, Forbidden
from core.forms import apply_error
from core.params import local_url, parse_id, parse_int
from ideas.permissions import can_edit as can_edit_idea
from org.models import Team

from . import selectors, services
from .forms import (
    AnswerForm,
    CloseForm,
    CommentForm,
    ConstraintForm,
    DeployForm,
    GoalForm,
    KPIForm,
    LinkForm,
    ObjectiveForm,
    PriorityForm,
    ReadingForm,
    ReviseForm,
)
from .kpi import kpi_notes, kpi_warnings
from .models import KPI, AnnualGoal, Constraint, Deployment, KPIReading, Objective, Priority
from .permissions import (
    access_priority,
    can_answer_deployment,
    can_comment_deployment,
    can_manage_links,
    can_manage_strategy,
    can_record_reading,
)
from .system_selectors import priority_resources

STATUS_FILTERS = {"active": Priority.Status.ACTIVE, "closed": Priority.Status.CLOSED, "all": None}


def _require_manager(request) -> None:
    if not can_manage_strategy(request.user):
        raise PermissionDenied(services.NOT_EXECUTIVE)


def _next_url(request, default: str) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next")) or default


def _run(request, action: Callable, success: str | None = None) -> bool:
    """Runs a service for a plain POST action; refusals become messages, Forbidden a 403."""
    try:
        action()
    except Forbidden as exc:
        raise PermissionDenied(exc.message)
    except Conflict as exc:
        messages.warning(request, exc.message)
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


# ---------------------------------------------------------------- the deployment at a glance


def _year_choice(request, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if raw == "all":
        return None
    if (year := parse_int(raw)) in years:
        return year
    today = timezone.localdate().year
    return today if today in years or not years else years[0]


def index(request: HttpRequest) -> HttpResponse:
    """Objectives → annual goals → priorities → KPIs, an X-matrix of priorities against goals,
    KPIs and the teams they are deployed to, and how much improvement work is aligned."""
    years = selectors.goal_years()
    year = _year_choice(request, years)
    status_key = request.GET.get("status", "active")
    if status_key not in STATUS_FILTERS:
        status_key = "active"
    objectives = selectors.strategy_tree(year=year, status=STATUS_FILTERS[status_key])
    goals = [g for o in objectives for g in o.goals.all()]
    priorities = [p for g in goals for p in g.priorities.all()]
    figures = selectors.priority_figures([p.pk for p in priorities], user=request.user)
    teams: dict[int, Team] = {}
    kpis_total = kpis_on_track = kpis_with_data = 0
    for p in priorities:
        p.figures = figures[p.pk]
        p.deployment_by_team = {d.team_id: d for d in p.deployments.all()}
        for d in p.deployments.all():
            teams.setdefault(d.team_id, d.team)
        for kpi in p.kpis.all():
            kpis_total += 1
            kpis_with_data += kpi.latest is not None
            kpis_on_track += kpi.status.on_track
    team_columns = sorted(teams.values(), key=lambda t: (-t.tier.level, t.name))
    matrix = [{
        "priority": p,
        "goals": [g.pk == p.goal_id for g in goals],
        "teams": [p.deployment_by_team.get(t.pk) for t in team_columns],
    } for p in priorities]
    today = timezone.localdate()
    period_year = year or today.year
    start, end = selectors.year_period(period_year)
    context = {
        "objectives": objectives,
        "goals": goals,
        "priorities": priorities,
        "matrix": matrix,
        "team_columns": team_columns,
        "years": years,
        "year": year,
        "status_key": status_key,
        "period": (start, min(end, today) if period_year == today.year else end),
        "alignment": selectors.alignment_for_organisation(start=start, end=end,
                                                          user=request.user),
        "kpis": {"total": kpis_total, "on_track": kpis_on_track, "with_data": kpis_with_data},
        "catchball": selectors.catchball_counts(),
        "can_manage": can_manage_strategy(request.user),
    }
    return render(request, "strategy/index.html", context)


# ---------------------------------------------------------------- a priority


def priority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        priority = selectors.priority_detail(pk)
    except Priority.DoesNotExist:
        raise Http404("No such priority.")
    return render(request, "strategy/priority.html", _priority_context(request, priority))


def _priority_context(request, priority: Priority, **forms) -> dict:
    user = request.user
    manager = can_manage_strategy(user)
    link_manager = can_manage_links(user, priority)
    for kpi in priority.kpis.all():
        selectors.annotate_kpi(kpi, priority)
        kpi.may_record = can_record_reading(user, kpi)
        kpi.warnings = kpi_warnings(direction=kpi.direction, baseline=kpi.baseline,
                                    target=kpi.target)
        kpi.notes = kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target)
        kpi.form = (forms.get("reading_form") if forms.get("reading_kpi") == kpi.pk
                    else ReadingForm(auto_id=f"id_kpi{kpi.pk}_%s")) if kpi.may_record else None
    deployments = list(priority.deployments.all())
    for d in deployments:
        d.may_answer = can_answer_deployment(user, d) and d.state == Deployment.State.PROPOSED
        d.may_revise = manager
        d.may_comment = can_comment_deployment(user, d)
    ideas = list(selectors.linked_ideas(priority, user=user))
    for idea in ideas:
        idea.may_unlink = link_manager or can_edit_idea(user, idea)
    today = timezone.localdate()
    open_for_links = priority.is_open_for_linking(today)
    candidates = (selectors.link_candidates(priority, user=user, manager=link_manager)
                  if open_for_links else [])
    return {
        "priority": priority,
        "kpis": list(priority.kpis.all()),
        "deployments": deployments,
        "ideas": ideas,
        "figures": selectors.priority_figures([priority.pk], user=user)[priority.pk],
        "alignment": selectors.priority_alignment([priority], user=user)[priority.pk],
        "can_manage": manager,
        "open_for_links": open_for_links,
        "candidates": candidates,
        "link_form": forms.get("link_form") or LinkForm(),
        "deploy_form": (forms.get("deploy_form") or DeployForm(priority=priority))
        if manager and priority.status == Priority.Status.ACTIVE else None,
        "close_form": CloseForm() if manager else None,
        "history": list(priority.history.select_related("history_user")
                        .order_by("-history_date")[:8]) if manager else [],
        "changes": list(priority.changes.select_related("actor").order_by("-at", "-pk")[:10]),
        "resources": priority_resources([priority])[priority.pk],
        "today": today,
    }


@require_http_methods(["GET", "POST"])
def priority_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    initial = {}
    if (goal_id := parse_id(request.GET.get("goal"))) is not None:
        initial["goal"] = goal_id

    def save(data):
        priority = services.priority_create(actor=request.user, **data)
        return (f"“{priority.title}” is set. Add a KPI and deploy it to the teams that will "
                f"carry it.", reverse("strategy:priority", args=[priority.pk]))

    return _form_view(request, PriorityForm(request.POST or None, initial=initial), save,
                      title="New improvement priority", submit="Create priority",
                      cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    priority = access_priority(request.user, pk)
    initial = {"goal": priority.goal_id, "title": priority.title, "why_now": priority.why_now,
               "owner_team": priority.owner_team_id, "start": priority.start,
               "end": priority.end, "success_criteria": priority.success_criteria,
               "allocated_hours": priority.allocated_hours,
               "allocated_budget": priority.allocated_budget}
    form = PriorityForm(request.POST or None, initial=initial)
    if not priority.owner_team.active:
        # Keep the current (now inactive) owner choosable: the service refuses only a change.
        form.fields["owner_team"].queryset = (
            Team.objects.filter(Q(active=True) | Q(pk=priority.owner_team_id))
            .select_related("tier").order_by("-tier__level", "name"))
    back = reverse("strategy:priority", args=[priority.pk])

    def save(data):
        services.priority_update(priority_id=priority.pk, actor=request.user, **data)
        return "Priority saved.", back

    return _form_view(request, form, save, title=f"Edit “{priority.title}”", submit="Save",
                      cancel=back)


@require_POST
def priority_close(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _run(request, lambda: services.priority_close(priority_id=priority.pk, actor=request.user,
                                                  note=note),
         "Priority closed. Its links stay; new items can no longer pick it.")
    return redirect("strategy:priority", pk=priority.pk)


@require_POST
def priority_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    _run(request, lambda: services.priority_reopen(priority_id=priority.pk, actor=request.user,
                                                   cause=request.POST.get("cause", "")),
         "Priority reopened.")
    return redirect("strategy:priority", pk=priority.pk)


@require_POST
def priority_link(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(reverse("strategy:priority", args=[pk]) + "#ideas")
    idea_id = form.cleaned_data["idea"]
    try:
        _run(request, lambda: services.priority_link_idea(
            priority_id=priority.pk, idea_id=idea_id, actor=request.user),
            f"Item #{idea_id} now serves “{priority.title}”.")
    except Http404:
        messages.error(request, f"There is no item #{idea_id} that you can see.")
    return redirect(reverse("strategy:priority", args=[pk]) + "#ideas")


@require_POST
def priority_unlink(request: HttpRequest, pk: int, idea_id: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    _run(request, lambda: services.priority_unlink_idea(
        priority_id=priority.pk, idea_id=idea_id, actor=request.user),
        f"Item #{idea_id} no longer linked to “{priority.title}”.")
    return redirect(_next_url(request, reverse("strategy:priority", args=[pk]) + "#ideas"))


@require_POST
def priority_deploy(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    priority = get_object_or_404(
        Priority.objects.select_related("owner_team", "goal", "goal__objective")
        .prefetch_related(selectors.kpis_prefetch(selectors.CHART_READINGS),
                          selectors.deployments_prefetch(True)), pk=pk)
    form = DeployForm(request.POST, priority=priority)

    def save(data):
        made = services.deployments_create(actor=request.user, priority=priority,
                                           teams=data["teams"], ask=data["ask"])
        names = ", ".join(d.team.name for d in made)
        return (f"Proposed to {names}. Their leads accept or counter it on their My work page.",
                reverse("strategy:priority", args=[pk]) + "#deployments")

    return _save_form(request, form, save) or render(
        request, "strategy/priority.html", _priority_context(request, priority, deploy_form=form),
        status=400)


# ---------------------------------------------------------------- KPIs and readings


def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(
        KPI.objects.select_related("priority", "priority__owner_team", "owner_team")
        .prefetch_related(selectors.readings_prefetch(120)),
        pk=pk)
    return render(request, "strategy/kpi.html", _kpi_context(request, kpi))


def _kpi_context(request, kpi: KPI, form: ReadingForm | None = None) -> dict:
    selectors.annotate_kpi(kpi)
    may_record = can_record_reading(request.user, kpi)
    return {
        "kpi": kpi,
        "priority": kpi.priority,
        "readings": kpi.recent_readings,
        "may_record": may_record,
        "form": form or (ReadingForm() if may_record else None),
        "warnings": kpi_warnings(direction=kpi.direction, baseline=kpi.baseline,
                                 target=kpi.target),
        "notes": kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target),
        "can_manage": can_manage_strategy(request.user),
    }


@require_http_methods(["GET", "POST"])
def kpi_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    priority = access_priority(request.user, pk)
    back = reverse("strategy:priority", args=[priority.pk])

    def save(data):
        kpi = services.kpi_create(actor=request.user, priority=priority, **data)
        _kpi_messages(request, kpi, f"KPI “{kpi.name}” added.")
        return None, back + "#kpis"

    return _form_view(request, KPIForm(request.POST or None,
                                       initial={"owner_team": priority.owner_team_id}), save,
                      title=f"New KPI for “{priority.title}”", submit="Add KPI", cancel=back)


@require_http_methods(["GET", "POST"])
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    kpi = get_object_or_404(KPI.objects.select_related("priority"), pk=pk)
    initial = {f: getattr(kpi, f) for f in ("name", "unit", "direction", "baseline", "target",
                                             "review_frequency")}
    initial["owner_team"] = kpi.owner_team_id
    back = reverse("strategy:kpi", args=[kpi.pk])

    def save(data):
        saved = services.kpi_update(kpi_id=kpi.pk, actor=request.user, **data)
        _kpi_messages(request, saved, "KPI saved.")
        return None, back

    return _form_view(request, KPIForm(request.POST or None, initial=initial), save,
                      title=f"Edit KPI “{kpi.name}”", submit="Save", cancel=back)


def _kpi_messages(request, kpi: KPI, success: str) -> None:
    messages.success(request, success)
    for text in kpi_warnings(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target):
        messages.warning(request, text)
    for text in kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target):
        messages.info(request, text)


@require_POST
def reading_record(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(KPI.objects.select_related("priority", "owner_team"), pk=pk)
    if not can_record_reading(request.user, kpi):
        raise PermissionDenied(f"Only the leads of {kpi.owner_team.name} record this KPI.")
    form = ReadingForm(request.POST)

    def save(data):
        _, created = services.kpi_reading_record(kpi_id=kpi.pk, actor=request.user, **data)
        return ("Reading recorded." if created else
                "Reading corrected (that day already had one).",
                _next_url(request, reverse("strategy:kpi", args=[kpi.pk])))

    saved = _save_form(request, form, save)
    if saved is not None:
        return saved
    kpi = get_object_or_404(
        KPI.objects.select_related("priority", "priority__owner_team", "owner_team")
        .prefetch_related(selectors.readings_prefetch(120)),
        pk=pk)
    return render(request, "strategy/kpi.html", _kpi_context(request, kpi, form), status=400)


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reading = get_object_or_404(KPIReading, pk=pk)
    _run(request, lambda: services.kpi_reading_delete(reading_id=reading.pk, actor=request.user),
         f"Reading of {reading.date:%d %b %Y} removed.")
    return redirect("strategy:kpi", pk=reading.kpi_id)


# ---------------------------------------------------------------- objectives and goals


@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)

    def save(data):
        objective = services.objective_create(actor=request.user, **data)
        return (f"Objective “{objective.title}” added. Give it an annual goal next.",
                reverse("strategy:goal-new") + f"?objective={objective.pk}")

    return _form_view(request, ObjectiveForm(request.POST or None), save,
                      title="New breakthrough objective", submit="Add objective",
                      cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    objective = get_object_or_404(Objective, pk=pk)
    form = ObjectiveForm(request.POST or None, initial={
        "title": objective.title, "description": objective.description,
        "horizon_year": objective.horizon_year})

    def save(data):
        services.objective_update(objective_id=objective.pk, actor=request.user, **data)
        return "Objective saved.", reverse("strategy:index") + f"#objective-{objective.pk}"

    return _form_view(request, form, save, title=f"Edit “{objective.title}”", submit="Save",
                      cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    initial = {}
    if (objective_id := parse_id(request.GET.get("objective"))) is not None:
        initial["objective"] = objective_id

    def save(data):
        goal = services.goal_create(actor=request.user, **data)
        return (f"Annual goal “{goal.title}” added.",
                reverse("strategy:index") + f"?year={goal.year}#goal-{goal.pk}")

    return _form_view(request, GoalForm(request.POST or None, initial=initial), save,
                      title="New annual goal", submit="Add goal",
                      cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    goal = get_object_or_404(AnnualGoal, pk=pk)
    form = GoalForm(request.POST or None, initial={
        "objective": goal.objective_id, "year": goal.year, "title": goal.title,
        "measure": goal.measure})

    def save(data):
        services.goal_update(goal_id=goal.pk, actor=request.user, **data)
        return "Annual goal saved.", reverse("strategy:index") + f"?year={data['year']}"

    return _form_view(request, form, save, title=f"Edit “{goal.title}”", submit="Save",
                      cancel=reverse("strategy:index"))


# ---------------------------------------------------------------- constraints


def constraints(request: HttpRequest) -> HttpResponse:
    """Current, upcoming and ended constraints; ``?team=<slug>`` shows what applies to a team."""
    today = timezone.localdate()
    team = None
    slug = request.GET.get("team", "")
    if slug:
        team = Team.objects.filter(slug=slug).select_related("tier").first()
    if team is not None:
        current = list(selectors.constraints_for_team(team, on=today))
        upcoming, ended = [], []
    else:
        rows = list(selectors.constraints_listing().order_by("-start", "pk"))
        current = [c for c in rows if c.is_active_on(today)]
        upcoming = [c for c in rows if c.start > today]
        ended = [c for c in rows if c.end is not None and c.end < today][:50]
    return render(request, "strategy/constraints.html", {
        "current": current, "upcoming": upcoming, "ended": ended, "team": team,
        "teams": list(Team.objects.filter(active=True).select_related("tier")
                      .order_by("-tier__level", "name")),
        "can_manage": can_manage_strategy(request.user), "today": today,
    })


@require_http_methods(["GET", "POST"])
def constraint_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)

    def save(data):
        services.constraint_create(actor=request.user, **data)
        return ("Constraint set. Teams see it on their boards and when they log improvements.",
                reverse("strategy:constraints"))

    return _form_view(request, ConstraintForm(request.POST or None), save,
                      title="New constraint", submit="Set constraint",
                      cancel=reverse("strategy:constraints"))


@require_http_methods(["GET", "POST"])
def constraint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    constraint = get_object_or_404(Constraint, pk=pk)
    form = ConstraintForm(request.POST or None, initial={
        "statement": constraint.statement, "detail": constraint.detail,
        "team": constraint.team_id, "start": constraint.start, "end": constraint.end})

    def save(data):
        services.constraint_update(constraint_id=constraint.pk, actor=request.user, **data)
        return "Constraint saved.", reverse("strategy:constraints")

    return _form_view(request, form, save, title="Edit constraint", submit="Save",
                      cancel=reverse("strategy:constraints"))


@require_POST
def constraint_lift(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = get_object_or_404(Constraint, pk=pk)
    _run(request, lambda: services.constraint_lift(constraint_id=constraint.pk,
                                                   actor=request.user,
                                                   cause=request.POST.get("cause", "")),
         "Constraint lifted: it ends today.")
    return redirect("strategy:constraints")


# ---------------------------------------------------------------- catchball


def _deployment(pk: int) -> Deployment:
    return get_object_or_404(Deployment.objects.select_related("priority", "team"), pk=pk)


def _back_to_priority(deployment: Deployment) -> str:
    return reverse("strategy:priority", args=[deployment.priority_id]) + \
        f"#deployment-{deployment.pk}"


@require_POST
def deployment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A team lead accepts or counters (with a comment) a deployment to their team. From My
    work with htmx, the card is swapped for the answer (or shown again with the refusal)."""
    deployment = _deployment(pk)
    if not can_answer_deployment(request.user, deployment):
        raise PermissionDenied(f"Only the leads of {deployment.team.name} can answer a "
                               f"deployment to that team.")
    back = _next_url(request, _back_to_priority(deployment))
    form = AnswerForm(request.POST)
    error, success = None, None
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
    else:
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "accept":
                services.deployment_accept(deployment_id=pk, actor=request.user,
                                           comment=comment)
                success = f"Accepted “{deployment.priority.title}” for {deployment.team.name}."
            else:
                services.deployment_counter(deployment_id=pk, actor=request.user,
                                            comment=comment)
                success = (f"Countered “{deployment.priority.title}”; the executive team sees "
                           f"your comment.")
        except Forbidden as exc:
            raise PermissionDenied(exc.message)
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        deployment.refresh_from_db()
        if error:
            return render(request, "strategy/panels/home_answer.html#card", {
                "d": deployment, "error": error, "comment": request.POST.get("comment", ""),
                "next": back})
        return render(request, "strategy/panels/home_answer.html#answered",
                      {"d": deployment, "message": success})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(back)


@require_POST
def deployment_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    deployment = _deployment(pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        ask = form.cleaned_data["ask"] if "ask" in request.POST else None
        _run(request, lambda: services.deployment_revise(
            deployment_id=pk, actor=request.user, comment=form.cleaned_data["comment"], ask=ask),
            f"Proposed again to {deployment.team.name}.")
    return redirect(_next_url(request, _back_to_priority(deployment)))


@require_POST
def deployment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(pk)
    if not can_comment_deployment(request.user, deployment):
        raise PermissionDenied("Only executives and the team's leads take part in this "
                               "catchball.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["text"][0])
    else:
        _run(request, lambda: services.deployment_comment(
            deployment_id=pk, actor=request.user, text=form.cleaned_data["text"]))
    return redirect(_next_url(request, _back_to_priority(deployment)))


@require_POST
def deployment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    deployment = _deployment(pk)
    _run(request, lambda: services.deployment_withdraw(deployment_id=pk, actor=request.user),
         f"Withdrew “{deployment.priority.title}” from {deployment.team.name}.")
    return redirect(reverse("strategy:priority", args=[deployment.priority_id]) +
                    "#deployments")


# ---------------------------------------------------------------- shared


def _form_page(request, form, *, title: str, submit: str, cancel: str) -> HttpResponse:
    """The plain form page; a bound form is shown again (with its errors) as a 400."""
    return render(request, "strategy/form.html",
                  {"form": form, "title": title, "submit": submit, "cancel": cancel},
                  status=400 if form.is_bound else 200)


def _save_form(request, form, save: Callable[[dict], tuple[str | None, str]]
               ) -> HttpResponse | None:
    """On a POST with a valid form, runs ``save(form.cleaned_data)``, which calls the service
    and returns ``(message, url)``: the message is shown as a success (None when ``save`` put
    up its own messages) and the answer redirects to the url. A refusal of the service lands on
    the form (``apply_error``) and, like an invalid form or a GET, returns None: the caller
    then shows its page with the form."""
    if request.method == "POST" and form.is_valid():
        try:
            message, url = save(form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if message:
                messages.success(request, message)
            return redirect(url)
    return None


def _form_view(request, form, save: Callable[[dict], tuple[str | None, str]], *, title: str,
               submit: str, cancel: str) -> HttpResponse:
    """A create/edit view on the plain form page: ``_save_form``, else ``_form_page``."""
    return _save_form(request, form, save) or _form_page(
        request, form, title=title, submit=submit, cancel=cancel)

