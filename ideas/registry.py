"""Hooks that let apps above ideas (escalation, strategy, huddles…) add rules and panels
without ideas importing them. Each app registers in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from core.registry import Hooks

# guard(idea, target_status, actor, **details) -> None; raises core.errors.DomainError to refuse.
# Runs inside the transition's transaction, after the workflow check, with the idea locked.
TransitionGuard = Callable[..., None]
_transition_guards = Hooks()
register_transition_guard = _transition_guards.register
transition_guards = _transition_guards.all

# guard(team, actor, **fields) -> None; raises DomainError to refuse creating/assigning an item.
CreateGuard = Callable[..., None]
_create_guards = Hooks()
register_create_guard = _create_guards.register
create_guards = _create_guards.all


# Panels on the idea page: builder(request, idea) -> {"template": str, "context": dict} | None.
IdeaPanel = Callable[..., dict | None]
_idea_panels = Hooks()
register_idea_panel = _idea_panels.register
idea_panels = _idea_panels.all


# Extra fields on the idea form (e.g. strategy priorities):
# an object with add_fields(form, user), save(form, idea, actor) and, optionally, clean(form).
_form_extensions = Hooks()
register_form_extension = _form_extensions.register
form_extensions = _form_extensions.all


# Badges on cards and list rows: provider(ideas: list[Idea]) -> {idea_id: [{"label", "title",
# "css"}]}. Called once per page for all rows, so each provider costs one query whatever the count.
CardBadgeProvider = Callable[[list], dict]
card_badge_providers: Hooks[CardBadgeProvider] = Hooks()
register_card_badge_provider = card_badge_providers.register


def card_badges(ideas: list) -> dict[int, list[dict]]:
    """Merged badges of every provider for these ideas."""
    merged: dict[int, list[dict]] = {}
    for provider in card_badge_providers:
        for idea_id, badges in provider(ideas).items():
            merged.setdefault(idea_id, []).extend(badges)
    return merged


# Panels on a team's board (e.g. the constraints that apply to the team):
# builder(request, team) -> {"template": str, "context": dict} | None.
BoardPanel = Callable[..., dict | None]
_board_panels = Hooks()
register_board_panel = _board_panels.register
board_panels = _board_panels.all


# Extra filters on the idea list page and API (e.g. "linked priority" from strategy):
# ListFilter(name, label, choices(user) -> [(value, label)], apply(queryset, value) -> queryset).
@dataclass(frozen=True)
class ListFilter:
    name: str
    label: str
    choices: Callable[..., list]
    apply: Callable[..., object]


_list_filters: dict[str, ListFilter] = {}


def register_list_filter(list_filter: ListFilter) -> ListFilter:
    _list_filters[list_filter.name] = list_filter
    return list_filter


def list_filters() -> list[ListFilter]:
    return list(_list_filters.values())


# Sections added to the learning library (e.g. decided experiments):
# builder(request) -> {"template": str, "context": dict} | None.
_learning_panels = Hooks()
register_learning_panel = _learning_panels.register
learning_panels = _learning_panels.all


# Sections on a systemic issue's page (e.g. the escalation of its tracking item):
# builder(request, issue) -> {"template": str, "context": dict} | None. Each costs a constant
# number of queries.
_systemic_panels = Hooks()
register_systemic_panel = _systemic_panels.register
systemic_panels = _systemic_panels.all


# The latest escalation step of items (the open one while escalated, else the last decided),
# for pages and API resources that show an item's escalation state without owning escalations:
# provider(idea_ids) -> {idea_id: {"id", "state", "state_label", "active", "to_team": Team,
# "raised_at"}}, one query for all ids.
escalation_state_providers: Hooks = Hooks()
register_escalation_state_provider = escalation_state_providers.register


def escalation_states(idea_ids: list[int]) -> dict[int, dict]:
    """The latest escalation step of each of these items that has one (merged over providers)."""
    ids = [i for i in idea_ids if i]
    merged: dict[int, dict] = {}
    if not ids:
        return merged
    for provider in escalation_state_providers:
        merged.update(provider(ids))
    return merged
