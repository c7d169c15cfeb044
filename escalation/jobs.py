"""The stalled-escalation job: escalated problems must not disappear.

An active escalation is *stalled* once it is past its due time — to acknowledge while open, to
resolve once acknowledged. The job sets ``stalled_at`` (one UPDATE per batch) and nudges the
target team's leads (level 1). When it is still stalled after twice its SLA — the time from
``raised_at`` to the missed due time, doubled — the leads of the next team up (the target
team's parent, a higher tier) are told as well (level 2). A target team without leads sends
level 1 straight up too.

Once per flag and level: the event key holds the flag's timestamp and the level, so reruns and
duplicate deliveries add nothing. Any action on the step clears the flag (the escalation
services do it; the job also clears flags that no longer hold), and a later stall is a new flag.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from org.models import Team
from org.notifications import Note, notify_many
from org.selectors import lead_ids_by_team

from .models import Escalation
from .selectors import overdue_q, with_sla_due
from .workflow import ACTIVE, State

BATCH_SIZE = 2000


def flag_stalled_escalations(*, now: datetime | None = None,
                             batch_size: int = BATCH_SIZE) -> dict:
    """Runs the job once; returns counts of what it did."""
    now = now or timezone.now()
    cleared = clear_stalled_flags(now=now)
    flagged = 0
    while True:
        with transaction.atomic():
            ids = list(Escalation.objects.filter(overdue_q(now), stalled_at__isnull=True)
                       .order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            flagged += (Escalation.objects.filter(overdue_q(now), pk__in=ids,
                                                  stalled_at__isnull=True)
                        .update(stalled_at=now))
        if len(ids) < batch_size:
            break
    notified = notify_stalled(now=now)
    return {"flagged": flagged, "cleared": cleared, "notified": notified}


def clear_stalled_flags(*, now: datetime | None = None) -> int:
    """Flags of steps that were acted on (closed, or acknowledged and now within the time to
    resolve) no longer hold."""
    now = now or timezone.now()
    with transaction.atomic():
        return (Escalation.objects.filter(stalled_at__isnull=False).exclude(overdue_q(now))
                .update(stalled_at=None))


@transaction.atomic
def notify_stalled(*, now: datetime | None = None) -> int:
    """Nudges for every stalled step: level 1 to the target team's leads, level 2 (past twice
    the SLA) to the leads of the team above. The notification ledger (one per recipient and
    event key) makes a repeated nudge a no-op, so the job can simply ask again every run."""
    now = now or timezone.now()
    rows = list(  # an active step's SLA due time is the one it missed
        with_sla_due(Escalation.objects.filter(stalled_at__isnull=False, state__in=ACTIVE))
        .values_list("pk", "state", "stalled_at", "raised_at", "sla_due_at", "to_team_id",
                     "to_team__name", "to_team__parent_id", "idea__title")
    )
    if not rows:
        return 0
    leads = lead_ids_by_team()
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    notes = []
    for pk, state, stalled_at, raised_at, missed_due, team_id, team_name, parent_id, title in rows:
        stamp = stalled_at.isoformat()
        what = "acknowledged" if state == State.OPEN else "resolved"
        url = f"/escalations/{pk}/"
        target = (Escalation, pk)
        level_one = leads.get(team_id, [])
        # Nobody leads the target team: the nudge goes up at once.
        up_team = parent_id
        for _ in range(50):  # the tree has no cycles; the bound is only a guard
            if not up_team or leads.get(up_team) or not parents.get(up_team):
                break
            up_team = parents[up_team]
        level_two = leads.get(up_team, []) if up_team else []
        text = f"Escalation stalled: “{title[:150]}” was not {what} in time by {team_name}."
        for user_id in level_one or level_two:
            notes.append(Note(recipient_id=user_id, verb="stalled", text=text, url=url,
                              target=target, event_key=f"escalation:{pk}:stalled:{stamp}:1"))
        twice_sla = raised_at + 2 * (missed_due - raised_at)
        if now >= twice_sla:
            text2 = (f"Still stalled after twice its SLA: “{title[:150]}” awaits "
                     f"{team_name}. Please step in.")
            for user_id in level_two:
                notes.append(Note(recipient_id=user_id, verb="stalled", text=text2, url=url,
                                  target=target, event_key=f"escalation:{pk}:stalled:{stamp}:2"))
    return notify_many(notes)
