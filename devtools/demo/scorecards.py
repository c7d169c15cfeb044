"""Demo scorecards: eight weeks of snapshots so trends show from the first start — daily for
the last two weeks, weekly before that (charts place points by date) — and a few targets an
admin might have set. Idempotent: days that have their snapshots are kept, so a second run
changes nothing (and a run on a later day only adds the days since)."""

from datetime import timedelta

from django.utils import timezone

from escalation.jobs import flag_stalled_escalations
from ideas.jobs import flag_aging_items
from scorecards.models import Snapshot, Target
from scorecards.services import snapshot_take

WEEKS = 8
DAILY = 14


def seed(context: dict) -> None:
    tiers = context["tiers"]
    # The front line is asked for more ideas per member; the executive tier for speed.
    for metric, level, green, amber in [("submitted_per_member", 1, 1.5, 0.75),
                                        ("ack_time_median", 3, 12, 24)]:
        Target.objects.get_or_create(metric=metric, tier=tiers[level],
                                     defaults={"green": green, "amber": amber})
    now = timezone.now()
    # The hourly jobs' first run, as the worker would do it within the hour: the flags (and
    # nudges) the demo's aging items and overdue escalations call for, so that "aging now"
    # agrees with the history reconstructed for the earlier days. Reruns flag nothing new.
    flag_aging_items(now=now)
    flag_stalled_escalations(now=now)
    yesterday = timezone.localdate(now) - timedelta(days=1)
    days = {yesterday - timedelta(days=back) for back in range(DAILY)}
    days |= {yesterday - timedelta(weeks=week) for week in range(WEEKS + 1)}
    have = set(Snapshot.objects.filter(scope=Snapshot.Scope.ORG, date__in=days)
               .values_list("date", flat=True))
    for day in sorted(days - have):
        snapshot_take(day=day, now=now)
