"""The daily "did it hold?" ask (run by holdcheck.tasks): every item done ``hold_check_days``
ago (organisation settings) gets its check and its owner — or, without an active owner, the
team's leads — is asked. Set-based: one INSERT … SELECT … RETURNING for the lot, one query for
the owners and leads, one INSERT of the notifications (``notify_many``)."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from ideas.models import Idea
from org.models import Membership, OrganisationSettings, User
from org.notifications import Note, notify_many

from .models import HoldCheck

# Items done at most this many days before their check was due are still asked (a job that
# did not run for a while catches up); older ones are not asked about any more.
CATCH_UP_DAYS = 14

_INSERT = """
INSERT INTO {checks} (idea_id, done_at, due_on, asked_at, answer, note, kpi_readings, outcome)
SELECT i.id, i.done_at, (i.done_at AT TIME ZONE %(tz)s)::date + %(days)s, %(now)s, '', '',
       '[]'::jsonb, ''
FROM {ideas} i
WHERE i.status = %(done)s AND i.done_at <= %(due)s AND i.done_at > %(oldest)s
ON CONFLICT (idea_id, done_at) DO NOTHING
RETURNING id, idea_id
"""


@transaction.atomic
def ask_hold_checks(*, now: datetime | None = None) -> dict:
    """Creates the checks that are due and asks the people who answer them; a rerun finds them
    made and asks nobody twice (the unique check per item and done moment, and the
    notification's event key)."""
    now = now or timezone.now()
    days = OrganisationSettings.load().hold_check_days
    due = now - timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(checks=connection.ops.quote_name(HoldCheck._meta.db_table),
                           ideas=connection.ops.quote_name(Idea._meta.db_table)),
            {"tz": timezone.get_current_timezone_name(), "days": days, "now": now,
             "done": Idea.Status.DONE, "due": due, "oldest": due - timedelta(days=CATCH_UP_DAYS)})
        made = cursor.fetchall()
    if not made:
        return {"asked": 0, "notified": 0}
    by_idea = {idea_id: check_id for check_id, idea_id in made}
    ideas = list(Idea.objects.filter(pk__in=list(by_idea))
                 .values_list("pk", "title", "team_id", "owner_id"))
    owners = {o for *_, o in ideas if o}
    active = set(User.objects.filter(pk__in=owners, is_active=True).values_list("pk", flat=True))
    leads: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in (Membership.objects.filter(
            team_id__in={t for _, _, t, _ in ideas}, role=Membership.Role.LEAD,
            user__is_active=True).values_list("team_id", "user_id")):
        leads[team_id].append(user_id)
    notes = []
    for pk, title, team_id, owner_id in ideas:
        check_id = by_idea[pk]
        for user_id in ([owner_id] if owner_id in active else leads.get(team_id, [])):
            notes.append(Note(recipient_id=user_id, verb="hold_check",
                              text=f"Did it hold? {days} days after it was done: {title[:200]}",
                              url=f"/hold-checks/{check_id}/", target=(HoldCheck, check_id),
                              event_key=f"hold-check:{check_id}:ask"))
    return {"asked": len(made), "notified": notify_many(notes)}
