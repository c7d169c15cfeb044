"""The sections of the morning digest (org.digests.send_digests), registered here because
scorecards may read every app: aging items, escalations awaiting the person's teams, and
decisions on the person's items. Each section is one query for all recipients."""

from collections import defaultdict

from django.db.models import Q

from escalation.models import Escalation
from ideas.models import Idea
from org.digests import DigestContext, DigestLine, DigestSection


def aging_lines(ctx: DigestContext) -> dict[int, list[DigestLine]]:
    """Flagged items the person owns, and unowned flagged items of the teams they lead."""
    users = list(ctx.users)
    led = list(ctx.leads_of_team)
    out: dict[int, list[DigestLine]] = defaultdict(list)
    rows = (Idea.objects.filter(status__in=Idea.OPEN_STATUSES, aging_flagged_at__isnull=False)
            .filter(Q(owner_id__in=users) | Q(owner__isnull=True, team_id__in=led))
            .order_by("last_activity_at", "pk")
            .values_list("pk", "title", "team__name", "last_activity_at", "owner_id", "team_id"))
    for pk, title, team_name, last_activity, owner_id, team_id in rows:
        idle = max(0, (ctx.now - last_activity).days)
        line = DigestLine(f"#{pk} {title} — {team_name}, no activity for {idle} days",
                          f"/ideas/{pk}/")
        for user_id in ({owner_id} if owner_id else ctx.leads_of_team.get(team_id, set())):
            if user_id in ctx.users:
                out[user_id].append(line)
    return out


def escalation_lines(ctx: DigestContext) -> dict[int, list[DigestLine]]:
    """Open and acknowledged escalations sent to one of the person's teams."""
    out: dict[int, list[DigestLine]] = defaultdict(list)
    rows = (Escalation.objects.filter(to_team_id__in=list(ctx.users_of_team),
                                      state__in=Escalation.ACTIVE_STATES)
            .order_by("raised_at", "pk")
            .values_list("pk", "idea_id", "idea__title", "to_team_id", "to_team__name",
                         "from_team__name", "state", "stalled_at"))
    for pk, idea_id, title, team_id, team_name, from_name, state, stalled_at in rows:
        status = "STALLED" if stalled_at else (
            "acknowledged" if state == Escalation.State.ACKNOWLEDGED
            else "waiting for acknowledgement")
        line = DigestLine(f"#{idea_id} {title} — from {from_name} to {team_name}, {status}",
                          f"/escalations/{pk}/")
        for user_id in ctx.users_of_team.get(team_id, ()):
            out[user_id].append(line)
    return out


def decision_lines(ctx: DigestContext) -> dict[int, list[DigestLine]]:
    """Decisions that came back since yesterday on items the person reported or owns."""
    users = list(ctx.users)
    out: dict[int, list[DigestLine]] = defaultdict(list)
    rows = (Idea.objects.filter(decision_at__gte=ctx.since, decision_at__lt=ctx.now)
            .filter(Q(reporter_id__in=users) | Q(owner_id__in=users))
            .order_by("-decision_at", "-pk")
            .values_list("pk", "title", "decision_note", "reporter_id", "owner_id"))
    for pk, title, note, reporter_id, owner_id in rows:
        line = DigestLine(f"#{pk} {title}: {(note or 'decided')[:200]}", f"/ideas/{pk}/")
        for user_id in {reporter_id, owner_id}:
            if user_id in ctx.users:
                out[user_id].append(line)
    return out


SECTIONS = [
    DigestSection("aging", "Aging items (no activity beyond your tier's threshold)",
                  "aging item", "aging items", "/ideas/?aging=on&mine=on", aging_lines),
    DigestSection("escalations", "Escalations awaiting your teams",
                  "escalation awaiting your team", "escalations awaiting your teams",
                  "/escalations/", escalation_lines),
    DigestSection("decisions", "Decisions on your items", "decision on your items",
                  "decisions on your items", "/ideas/?reporter=me", decision_lines),
]
