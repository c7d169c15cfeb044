"""Who may see and do what with an idea. Pure predicates; the selectors, views, API and admin
all use these."""

from django.http import Http404

from org.permissions import is_admin, is_lead, is_member
from org.selectors import user_team_ids

from .models import Idea
from .visibility import ideas_visible_to


def can_view(user, idea: Idea) -> bool:
    if is_admin(user) or not idea.is_private:
        return True
    if idea.reporter_id == user.pk or is_member(user, idea.team_id):
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
    if idea.reporter_id == user.pk and idea.status == Idea.Status.NEW:
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
    return attachment.uploaded_by_id == user.pk or can_edit(user, idea)


def can_watch(user, idea: Idea) -> bool:
    return can_view(user, idea)


def access_idea(user, idea_id: int, queryset=None) -> Idea:
    """The idea if the user may see it; 404 otherwise — an outsider learns nothing of a
    private item, not even that it exists."""
    qs = queryset if queryset is not None else ideas_visible_to(user)
    try:
        return qs.get(pk=idea_id)
    except (Idea.DoesNotExist, ValueError, TypeError):
        raise Http404("No such item.")


# ---------------------------------------------------------------- system work


def can_log_time(user, idea: Idea) -> bool:
    """Anyone in a team who can see an item may log improvement time on it (the helpers of an
    escalated item too); the time counts against their own team's protected capacity."""
    return bool(user_team_ids(user)) and can_view(user, idea)


def can_delete_time_entry(user, entry) -> bool:
    """The person who logged it, the leads of the team it counts against, admins."""
    return is_admin(user) or entry.user_id == user.pk or is_lead(user, entry.team_id)


def can_set_capacity(user, team) -> bool:
    """A team's leads set its protected improvement capacity (admins too)."""
    return is_admin(user) or is_lead(user, team)


def can_create_systemic_issue(user) -> bool:
    """Team leads, executives and admins open systemic issues."""
    from org.permissions import is_executive
    from org.selectors import user_led_team_ids

    return is_admin(user) or bool(user_led_team_ids(user)) or is_executive(user)


def can_own_systemic_issue(user, team) -> bool:
    """An issue is owned by a team its creator leads; executives and admins assign any team."""
    from org.permissions import is_executive

    return is_admin(user) or is_executive(user) or is_lead(user, team)


def can_edit_systemic_issue(user, issue) -> bool:
    """The owner team's leads, executives and admins edit an issue and unlink problems."""
    return can_own_systemic_issue(user, issue.owner_team_id)


def can_link_problem(user, issue, idea: Idea) -> bool:
    """A lead links a problem they can see: leads of the owning team link from any team (the
    point is to gather what recurs elsewhere), leads of the problem's team link their own."""
    if not can_view(user, idea):
        return False
    return can_edit_systemic_issue(user, issue) or is_lead(user, idea.team_id)
