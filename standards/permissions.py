"""Who may do what with the standards library. Pure predicates; the services, views and API all
use these.

The CoE team's members create and edit standards and decide proposals. Nobody else edits — not
executives (they say what must be true; the CoE owns how), not admins (they only designate the
CoE). Everyone logged in reads and comments. Whoever may edit a done item (or wrote its
learning) proposes a change from it."""

from ideas.permissions import can_edit as can_edit_idea
from org.selectors import user_team_ids

from .models import CentreOfExcellence


def coe_team_ids() -> set[int]:
    return set(CentreOfExcellence.objects.values_list("team_id", flat=True))


def is_coe(user) -> bool:
    cached = getattr(user, "_tierline_is_coe", None)
    if cached is None:
        cached = bool(getattr(user, "is_authenticated", False) and user.is_active
                      and coe_team_ids() & set(user_team_ids(user)))
        user._tierline_is_coe = cached
    return cached


def can_edit_standards(user) -> bool:
    return is_coe(user)


def can_comment_standard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_propose_from(user, idea) -> bool:
    return can_edit_idea(user, idea) or idea.learning_by_id == getattr(user, "pk", None)
