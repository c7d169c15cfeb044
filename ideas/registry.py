"""Hooks that let apps above ideas (escalation, strategy, huddles…) add rules and panels
without ideas importing them. Each app registers in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

# guard(idea, target_status, actor, **details) -> None; raises core.errors.DomainError to refuse.
# Runs inside the transition's transaction, after the workflow check, with the idea locked.
TransitionGuard = Callable[..., None]
_transition_guards: list[TransitionGuard] = []

# guard(team, actor, **fields) -> None; raises DomainError to refuse creating/assigning an item.
CreateGuard = Callable[..., None]
_create_guards: list[CreateGuard] = []


def register_transition_guard(guard: TransitionGuard) -> TransitionGuard:
    if guard not in _transition_guards:
        _transition_guards.append(guard)
    return guard


def transition_guards() -> list[TransitionGuard]:
    return list(_transition_guards)


def register_create_guard(guard: CreateGuard) -> CreateGuard:
    if guard not in _create_guards:
        _create_guards.append(guard)
    return guard


def create_guards() -> list[CreateGuard]:
    return list(_create_guards)


# Panels on the idea page: builder(request, idea) -> {"template": str, "context": dict} | None.
IdeaPanel = Callable[..., dict | None]
_idea_panels: list[IdeaPanel] = []


def register_idea_panel(builder: IdeaPanel) -> IdeaPanel:
    if builder not in _idea_panels:
        _idea_panels.append(builder)
    return builder


def idea_panels() -> list[IdeaPanel]:
    return list(_idea_panels)


# Extra fields on the idea form (e.g. strategy priorities):
# an object with add_fields(form, user), save(form, idea, actor) and, optionally, clean(form).
_form_extensions: list = []


def register_form_extension(extension) -> object:
    if extension not in _form_extensions:
        _form_extensions.append(extension)
    return extension


def form_extensions() -> list:
    return list(_form_extensions)


# Badges on cards and list rows: provider(ideas: list[Idea]) -> {idea_id: [{"label", "title",
# "css"}]}. Called once per page for all rows, so each provider costs one query whatever the count.
CardBadgeProvider = Callable[[list], dict]
_card_badge_providers: list[CardBadgeProvider] = []


def register_card_badge_provider(provider: CardBadgeProvider) -> CardBadgeProvider:
    if provider not in _card_badge_providers:
        _card_badge_providers.append(provider)
    return provider


def card_badges(ideas: list) -> dict[int, list[dict]]:
    """Merged badges of every provider for these ideas."""
    merged: dict[int, list[dict]] = {}
    for provider in _card_badge_providers:
        for idea_id, badges in provider(ideas).items():
            merged.setdefault(idea_id, []).extend(badges)
    return merged


# Panels on a team's board (e.g. the constraints that apply to the team):
# builder(request, team) -> {"template": str, "context": dict} | None.
BoardPanel = Callable[..., dict | None]
_board_panels: list[BoardPanel] = []


def register_board_panel(builder: BoardPanel) -> BoardPanel:
    if builder not in _board_panels:
        _board_panels.append(builder)
    return builder


def board_panels() -> list[BoardPanel]:
    return list(_board_panels)


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
_learning_panels: list = []


def register_learning_panel(builder) -> object:
    if builder not in _learning_panels:
        _learning_panels.append(builder)
    return builder


def learning_panels() -> list:
    return list(_learning_panels)


# Sections on a systemic issue's page (e.g. the escalation of its tracking item):
# builder(request, issue) -> {"template": str, "context": dict} | None. Each costs a constant
# number of queries.
_systemic_panels: list = []


def register_systemic_panel(builder) -> object:
    if builder not in _systemic_panels:
        _systemic_panels.append(builder)
    return builder


def systemic_panels() -> list:
    return list(_systemic_panels)


# The latest escalation step of items (the open one while escalated, else the last decided),
# for pages and API resources that show an item's escalation state without owning escalations:
# provider(idea_ids) -> {idea_id: {"id", "state", "state_label", "active", "to_team": Team,
# "raised_at"}}, one query for all ids.
_escalation_state_providers: list = []


def register_escalation_state_provider(provider) -> object:
    if provider not in _escalation_state_providers:
        _escalation_state_providers.append(provider)
    return provider


def escalation_states(idea_ids: list[int]) -> dict[int, dict]:
    """The latest escalation step of each of these items that has one (merged over providers)."""
    ids = [i for i in idea_ids if i]
    merged: dict[int, dict] = {}
    if not ids:
        return merged
    for provider in _escalation_state_providers:
        merged.update(provider(ids))
    return merged
