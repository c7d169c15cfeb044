"""The review-by nudge (run by strategy.tasks): a priority or a constraint whose review-by date
has passed is brought to its owners — once per review-by date.

Owners: a priority's owner-team leads; a constraint's author (``set_by``), or — when they are
gone — the leads of the constrained team (the executive team's for an organisation-wide one).
"""

from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from org.models import Membership, User
from org.notifications import Note, notify_many
from org.selectors import root_team

from .models import Constraint, Priority


def _due(qs, today: date):
    """Rows whose review-by day has passed and whose owners were not told about that day."""
    return (qs.filter(review_by__lt=today)
            .filter(Q(review_nudged_for__isnull=True) | ~Q(review_nudged_for=F("review_by"))))


def _leads_by_team(team_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = (Membership.objects.filter(team_id__in=team_ids, role=Membership.Role.LEAD,
                                      user__is_active=True)
            .values_list("team_id", "user_id").order_by("user_id"))
    for team_id, user_id in rows:
        out.setdefault(team_id, []).append(user_id)
    return out


def _priority_notes(priorities: list[Priority]) -> list[Note]:
    leads = _leads_by_team({p.owner_team_id for p in priorities})
    return [Note(recipient_id=user_id, verb="priority_review_due",
                 text=f"Review the priority “{p.title}”: its review-by date "
                      f"({p.review_by:%-d %b %Y}) has passed. Does it still hold? Set the next "
                      f"review-by date, change it or close it.",
                 event_key=f"strategy:review:priority:{p.pk}:{p.review_by.isoformat()}",
                 url=reverse("strategy:priority", args=[p.pk]), target=(Priority, p.pk))
            for p in priorities for user_id in leads.get(p.owner_team_id, [])]


def _constraint_notes(constraints: list[Constraint]) -> list[Note]:
    active_authors = set(User.objects.filter(
        pk__in={c.set_by_id for c in constraints if c.set_by_id}, is_active=True)
        .values_list("pk", flat=True))
    root = root_team()
    fallback = {c.pk: c.team_id or (root.pk if root else None) for c in constraints
                if c.set_by_id not in active_authors}
    leads = _leads_by_team({t for t in fallback.values() if t})
    notes = []
    for c in constraints:
        recipients = ([c.set_by_id] if c.set_by_id in active_authors
                      else leads.get(fallback.get(c.pk), []))
        notes += [Note(recipient_id=user_id, verb="constraint_review_due",
                       text=f"Review the constraint “{c.statement}”: its review-by date "
                            f"({c.review_by:%-d %b %Y}) has passed. Is the boundary still "
                            f"right? Set the next review-by date, change it or lift it.",
                       event_key=f"strategy:review:constraint:{c.pk}:{c.review_by.isoformat()}",
                       url=reverse("strategy:constraints"), target=(Constraint, c.pk))
                  for user_id in recipients]
    return notes


def nudge_overdue_reviews(*, today: date | None = None) -> dict:
    """Daily: active priorities and constraints in force (or still to come) whose review-by
    date has passed. Each row is locked (rows another run holds are skipped), marked as nudged
    for its review-by date and its owners told in one transaction; a rerun, or a second
    delivery, finds nothing to do (and the notification's event key is the date's anyway).
    Setting a new review-by date arms the nudge again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        priorities = list(_due(Priority.objects.filter(status=Priority.Status.ACTIVE), today)
                          .select_for_update(skip_locked=True).order_by("pk"))
        constraints = list(_due(Constraint.objects.filter(Q(end__isnull=True)
                                                          | Q(end__gte=today)), today)
                           .select_for_update(skip_locked=True).order_by("pk"))
        Priority.objects.filter(pk__in=[p.pk for p in priorities]).update(
            review_nudged_for=F("review_by"))
        Constraint.objects.filter(pk__in=[c.pk for c in constraints]).update(
            review_nudged_for=F("review_by"))
        told = notify_many(_priority_notes(priorities) + _constraint_notes(constraints))
    return {"priorities": len(priorities), "constraints": len(constraints), "notified": told}



