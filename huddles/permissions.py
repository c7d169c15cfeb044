"""Who may see and do what on a team's board. Pure predicates; views, API and services use them.

- Any logged-in user may look at any active team's board (private cards they may not see are
  left out); moving a card follows ideas.permissions.can_transition.
- Members of a team set today's SQDC letters and run its huddles; leads also correct past days,
  change the board settings and manage display links. Admins may do everything.
- Huddle records (notes, attendance) are for the team, the teams above it and admins.
- The tier view of a team is for its members, the members of the teams above it and admins.
"""

from datetime import date

from org.models import Team
from org.permissions import is_admin, is_lead, is_member
from org.selectors import user_team_ids


def can_view_board(user, team: Team) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (team.active or is_admin(user)))


def can_manage_board(user, team: Team | int) -> bool:
    """Board settings (WIP limits, done window, refresh) and display links."""
    return is_admin(user) or is_lead(user, team)


def can_set_people_letter(user) -> bool:
    return is_admin(user)


def can_set_sqdc(user, team: Team | int, day: date, today: date) -> bool:
    """Members set today's letters; leads may also correct past days; nobody sets the future."""
    if day > today:
        return False
    if is_admin(user) or is_lead(user, team):
        return True
    return day == today and is_member(user, team)


def can_run_huddle(user, team: Team | int) -> bool:
    return is_admin(user) or is_member(user, team)


def can_edit_ended_huddle(user, team: Team | int) -> bool:
    return is_admin(user) or is_lead(user, team)


def _in_team_or_above(user, team: Team, ancestor_ids) -> bool:
    mine = user_team_ids(user)
    return team.pk in mine or any(a in mine for a in ancestor_ids)


def can_view_huddles(user, team: Team, ancestor_ids) -> bool:
    return is_admin(user) or _in_team_or_above(user, team, ancestor_ids)


def can_view_tier(user, team: Team, ancestor_ids) -> bool:
    return is_admin(user) or _in_team_or_above(user, team, ancestor_ids)


def can_escalate_from_board(user, team: Team | int) -> bool:
    """Whether the board offers the 'Escalate' link; the escalation page checks for itself."""
    return is_admin(user) or is_member(user, team)
