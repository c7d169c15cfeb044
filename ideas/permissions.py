"""Who may see and do what with an idea. Pure predicates; the selectors, views, API and admin
all use these."""

from django.http import Http404

from org.permissions import is_admin, is_lead, is_member
from org.selectors import user_led_team_ids, user_team_ids

from .anonymity import is_reporter
from .models import Idea, LearningMark
from .registry import learning_curator_teams
from .visibility import ideas_visible_to


def can_view(user, idea: Idea) -> bool:
    if is_admin(user) or not idea.is_private:
        return True
    if is_reporter(user, idea) or is_member(user, idea.team_id):
        return True
    team_ids = user_team_ids(user)
    shared = getattr(idea, "_prefetched_objects_cache", {}).get("shared_with_teams")
    if shared is not None:
        return any(t.pk in team_ids for t in shared)
    return idea.shared_with_teams.filter(pk__in=team_ids).exists()


def can_edit(user, idea: Idea) -> bool:
    """The reporter edits their own new item; the owner and the team's leads edit any time."""
    if is_admin(user):
        return True
    if idea.status == Idea.Status.NEW and is_reporter(user, idea):
        return True
    return idea.owner_id == user.pk or is_lead(user, idea.team_id)


def can_transition(user, idea: Idea) -> bool:
    """The owner and the owning team's leads move an item; admins do anything."""
    return is_admin(user) or idea.owner_id == user.pk or is_lead(user, idea.team_id)


def can_assign(user, idea: Idea) -> bool:
    return is_admin(user) or is_lead(user, idea.team_id)


def can_comment(user, idea: Idea) -> bool:
    """Anyone who can see an item may comment on it (team members, watchers, helpers)."""
    return can_view(user, idea)


def can_attach(user, idea: Idea) -> bool:
    """Anyone who may comment may add a photo or a PDF."""
    return can_comment(user, idea)


def can_delete_attachment(user, idea: Idea, attachment) -> bool:
    mine = attachment.uploaded_by_id == user.pk or (
        attachment.uploaded_by_id is None and idea.is_anonymous and is_reporter(user, idea))
    return mine or can_edit(user, idea)


def can_watch(user, idea: Idea) -> bool:
    """The anonymous reporter follows their item on My work: a watcher list shows names."""
    return can_view(user, idea) and not (idea.is_anonymous and is_reporter(user, idea))


def curator_team_ids(user) -> set[int]:
    """Teams on whose behalf ``user`` marks learning as useful (the CoE; see the hook)."""
    ids: set[int] = set()
    for provider in learning_curator_teams:
        ids |= set(provider(user))
    return ids


def learning_mark_teams(user, idea: Idea, kind: str) -> set[int]:
    """The teams on whose behalf ``user`` may mark this item's learning as ``kind``: a team's
    leads mark *reused* or *useful*, the CoE marks *useful*; never for the item's own team (the
    point is that others got something from it), and only learning the user may see."""
    if idea.status != Idea.Status.DONE or not idea.learning or not can_view(user, idea):
        return set()
    return mark_teams(kind, idea.team_id, led=set(user_led_team_ids(user)),
                      curators=curator_team_ids(user))


def mark_teams(kind: str, idea_team_id: int, *, led: set[int], curators: set[int]) -> set[int]:
    """The rule behind ``learning_mark_teams`` for teams already read (a page of lessons):
    ``led`` the teams the person leads, ``curators`` the CoE teams they mark for."""
    if kind == LearningMark.Kind.USEFUL:
        teams = led | curators
    elif kind == LearningMark.Kind.REUSED:
        teams = set(led)
    else:
        return set()
    return teams - {idea_team_id}


def can_mark_learning(user, idea: Idea, kind: str, team_id: int | None = None) -> bool:
    teams = learning_mark_teams(user, idea, kind)
    return bool(teams) if team_id is None else team_id in teams


def access_idea(user, idea_id: int, queryset=None) -> Idea:
    """The idea if the user may see it; 404 otherwise — an outsider learns nothing of a
    private item, not even that it exists."""
    qs = queryset if queryset is not None else ideas_visible_to(user)
    try:
        return qs.get(pk=idea_id)
    except (Idea.DoesNotExist, ValueError, TypeError):
        raise Http404("No such item.")
