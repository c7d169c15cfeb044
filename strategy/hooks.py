"""How strategy shows up in the rest of Tierline, through the registries of ideas and org
(they never import strategy): the priority picker on the idea form, the panel on the idea page,
the badge on cards and rows, the constraints panel on a team's board, the "linked priority"
list filter, the catchball panels on My work, a check before a team is deactivated, and the
spine rule on creating items (strategy.spine).

Everything here is registered once, in StrategyConfig.ready()."""

from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.params import parse_id
from ideas.registry import (
    ListFilter,
    register_board_panel,
    register_card_badge_provider,
    register_create_guard,
    register_form_extension,
    register_idea_panel,
    register_list_filter,
)
from org.models import Team
from org.registry import register_home_panel, register_open_work_check
from org.selectors import user_led_team_ids, user_primary_team

from . import selectors, services
from .models import Deployment, Priority, PriorityLink
from .permissions import can_manage_strategy
from .spine import spine_guard

# ---------------------------------------------------------------- the idea form


class PriorityPicker(forms.CheckboxSelectMultiple):
    """Checkboxes of the open priorities, each with its *why now*, followed by the
    constraints that apply to the item's team."""

    template = "strategy/widgets/priority_picker.html"

    def __init__(self, *args, constraints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.constraints = list(constraints)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["priority"] = getattr(value, "instance", None)
        return option

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        context["constraints"] = self.constraints
        return render_to_string(self.template, context)


class PriorityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, priority: Priority) -> str:
        return priority.title


class PriorityFormExtension:
    """Adds “Strategic priorities this serves” to the idea form and saves the links."""

    field_name = "priorities"

    def add_fields(self, form, user) -> None:
        options = list(selectors.open_priorities())
        if not options:
            return
        idea = form.instance if getattr(form.instance, "pk", None) else None
        team = idea.team if idea else None
        if team is None:
            posted = str(form.data.get("team", "")) if form.is_bound else ""
            team = parse_id(posted) or (form.initial.get("team") or user_primary_team(user))
        if team is not None and not hasattr(team, "pk"):
            team = Team.objects.filter(pk=team).first()
        constraints = list(selectors.constraints_for_team(team)) if team else \
            list(selectors.constraints_active().filter(team__isnull=True))
        field = PriorityChoiceField(
            queryset=selectors.open_priorities(), required=False,
            label="Strategic priorities this serves",
            help_text="Pick the active priorities this improvement helps; each says why it "
                      "matters now.",
            widget=PriorityPicker(constraints=constraints),
            error_messages={
                "invalid_choice": "“%(value)s” is not an active priority any more: pick one "
                                  "of those listed.",
                "invalid_pk_value": "Pick priorities from the list.",
            })
        field.widget.choices = field.choices
        form.fields[self.field_name] = field
        if idea is not None and not form.is_bound:
            form.initial[self.field_name] = list(
                PriorityLink.objects.filter(idea=idea).values_list("priority_id", flat=True))

    def save(self, form, idea, actor) -> None:
        if self.field_name not in form.fields:
            return
        chosen = form.cleaned_data.get(self.field_name) or []
        services.idea_set_priorities(idea=idea, priorities=chosen, actor=actor)


priority_form_extension = PriorityFormExtension()


# ---------------------------------------------------------------- the idea page


def idea_panel(request, idea) -> dict | None:
    """The priorities an item serves (with why now) and the constraints on its team."""
    links = list(PriorityLink.objects.filter(idea=idea)
                 .select_related("priority", "priority__owner_team")
                 .order_by("priority__title"))
    constraints = list(selectors.constraints_for_team(idea.team))
    if not links and not constraints:
        return None
    return {
        "title": "Strategy",
        "template": "strategy/panels/idea.html",
        "context": {"links": links, "constraints": constraints,
                    "today": timezone.localdate()},
    }


# ---------------------------------------------------------------- cards and rows


def strategy_badges(ideas) -> dict[int, list[dict]]:
    """One badge per item that serves a priority: one query for all cards."""
    ids = [i.pk for i in ideas if getattr(i, "pk", None)]
    if not ids:
        return {}
    out = {}
    for idea_id, items in selectors.priority_badges(ids).items():
        if len(items) == 1:
            label = "★ " + _short(items[0][1], 28)
        else:
            label = f"★ {len(items)} priorities"
        title = " · ".join(f"Serves “{t}”: {why}" for _, t, why in items)
        out[idea_id] = [{"label": label, "title": title[:500], "css": "chip-brand badge-strategy"}]
    return out


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- a team's board


def board_panel(request, team) -> dict | None:
    """The constraints that apply to the team and the priorities deployed to it."""
    constraints = list(selectors.constraints_for_team(team))
    deployments = list(
        Deployment.objects.filter(team=team, priority__status=Priority.Status.ACTIVE)
        .select_related("priority").order_by("priority__title"))
    if not constraints and not deployments:
        return None
    return {
        "title": "Priorities and constraints",
        "template": "strategy/panels/board.html",
        "context": {"team": team, "constraints": constraints, "deployments": deployments},
    }


# ---------------------------------------------------------------- the idea list filter


def _filter_choices(user) -> list[tuple[str, str]]:
    rows = (Priority.objects.order_by("status", "title")
            .values_list("pk", "title", "status"))
    return [("some", "Linked to a priority"), ("none", "Not linked")] + [
        (str(pk), title + (" (closed)" if status == Priority.Status.CLOSED else ""))
        for pk, title, status in rows]


def _filter_apply(qs, value):
    value = str(value or "").strip()
    links = PriorityLink.objects.filter(idea_id=OuterRef("pk"))
    if value == "some":
        return qs.filter(Exists(links))
    if value == "none":
        return qs.filter(~Exists(links))
    if (priority_id := parse_id(value)) is not None:
        return qs.filter(Exists(links.filter(priority_id=priority_id)))
    return qs


linked_priority_filter = ListFilter(name="linked_priority", label="Linked priority",
                                    choices=_filter_choices, apply=_filter_apply)


# ---------------------------------------------------------------- My work


def home_answer_panel(request) -> dict | None:
    """For team leads: deployments to their teams awaiting an answer, with accept / counter."""
    led = user_led_team_ids(request.user)
    if not led:
        return None
    deployments = list(selectors.deployments_awaiting(led))
    if not deployments:
        return None
    return {
        "title": "Priorities to answer",
        "template": "strategy/panels/home_answer.html",
        "context": {"deployments": deployments, "next": request.get_full_path()},
    }


def home_review_panel(request) -> dict | None:
    """Countered deployments to revise, for whoever proposed them: executives those from the
    top, a team's leads the cascades from their team."""
    from_top = can_manage_strategy(request.user)
    led = user_led_team_ids(request.user)
    if not from_top and not led:
        return None
    deployments = list(selectors.deployments_countered(from_top=from_top,
                                                       from_team_ids=led)[:20])
    if not deployments:
        return None
    for d in deployments:
        thread = list(d.comments.all())
        d.last_comment = thread[-1] if thread else None
    return {
        "title": "Counter-proposals to review",
        "template": "strategy/panels/home_review.html",
        "context": {"deployments": deployments, "next": request.get_full_path()},
    }


# ---------------------------------------------------------------- deactivating a team


def open_strategy_work(team) -> str | None:
    today = timezone.localdate()
    figures = Priority.objects.filter(status=Priority.Status.ACTIVE, end__gte=today).aggregate(
        owned=Count("pk", filter=Q(owner_team=team), distinct=True),
        kpis=Count("kpis", filter=Q(kpis__owner_team=team), distinct=True),
    )
    parts = []
    if figures["owned"]:
        parts.append(f"owns {figures['owned']} active strategic priorit"
                     f"{'y' if figures['owned'] == 1 else 'ies'}")
    if figures["kpis"]:
        parts.append(f"records {figures['kpis']} KPI{'s' if figures['kpis'] != 1 else ''} of "
                     f"active priorities")
    return " and ".join(parts) if parts else None


def register() -> None:
    register_create_guard(spine_guard)
    register_form_extension(priority_form_extension)
    register_idea_panel(idea_panel)
    register_card_badge_provider(strategy_badges)
    register_board_panel(board_panel)
    register_list_filter(linked_priority_filter)
    register_home_panel(home_answer_panel)
    register_home_panel(home_review_panel)
    register_open_work_check(open_strategy_work)
