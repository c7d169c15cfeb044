"""Hooks that let apps above ideas (escalation, strategy, huddles…) add rules and panels
without ideas importing them. Each app registers in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from core.registry import Builder, Hooks

# A guard raises core.errors.DomainError to refuse; a panel builder answers
# {"template": str, "context": dict}, or None when it has nothing to show.
Guard = Callable[..., None]

_transition_guards: Hooks[Guard] = Hooks(
    "guard(idea, target_status, actor, **details), run inside the transition's transaction, "
    "after the workflow check, with the idea locked.")
register_transition_guard, transition_guards = _transition_guards.register, _transition_guards.all

_create_guards: Hooks[Guard] = Hooks("guard(team, actor, **fields), before an item is created "
                                     "or assigned.")
register_create_guard, create_guards = _create_guards.register, _create_guards.all

_idea_panels: Hooks[Builder] = Hooks("Panels on the idea page: builder(request, idea).")
register_idea_panel, idea_panels = _idea_panels.register, _idea_panels.all

_form_extensions: Hooks = Hooks(
    "Extra fields on the idea form (e.g. strategy priorities): an object with "
    "add_fields(form, user), save(form, idea, actor) and, optionally, clean(form).")
register_form_extension, form_extensions = _form_extensions.register, _form_extensions.all


CardBadgeProvider = Callable[[list], dict]
card_badge_providers: Hooks[CardBadgeProvider] = Hooks(
    "Badges on cards and list rows: provider(ideas) -> {idea_id: [{label, title, css}]}, called "
    "once per page for all rows, so each provider costs one query whatever the count.")
register_card_badge_provider = card_badge_providers.register


def card_badges(ideas: list) -> dict[int, list[dict]]:
    """Merged badges of every provider for these ideas."""
    merged: dict[int, list[dict]] = {}
    for provider in card_badge_providers:
        for idea_id, badges in provider(ideas).items():
            merged.setdefault(idea_id, []).extend(badges)
    return merged


_board_panels: Hooks[Builder] = Hooks(
    "Panels on a team's board (e.g. the constraints that apply to the team): "
    "builder(request, team).")
register_board_panel, board_panels = _board_panels.register, _board_panels.all


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


_learning_panels: Hooks[Builder] = Hooks(
    "Sections added to the learning library (e.g. decided experiments): builder(request).")
register_learning_panel, learning_panels = _learning_panels.register, _learning_panels.all

escalation_state_providers: Hooks = Hooks(
    "The latest escalation step of items (the open one while escalated, else the last decided), "
    "for pages and API resources that show an item's escalation state without owning "
    "escalations: provider(idea_ids) -> {idea_id: {id, state, state_label, active, to_team, "
    "raised_at}}, one query for all ids.")
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

learning_curator_teams: Hooks = Hooks(
    "Teams on whose behalf a person may mark learning as useful beside the teams they lead "
    "(the Centre of Excellence, from standards): provider(user) -> set of team ids.")
register_learning_curator = learning_curator_teams.register
