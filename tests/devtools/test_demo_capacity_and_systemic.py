"""The demo data of improvement as system work on the items' side: levels and kinds of change,
protected capacity and eight weeks of improvement time (one team sacrificing it, its leads
told), and systemic issues gathering problems across teams; idempotent."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from capacity.selectors import capacity_by_week
from devtools.demo import capacity as capacity_demo
from devtools.demo import ideas as ideas_demo
from devtools.demo import org as org_demo
from devtools.demo import systemic as systemic_demo
from ideas.models import Idea
from org.models import Notification
from systemic.models import SystemicIssue, SystemicLink


def _seed(context):
    """Items first, then the system work on them, in seed_demo's order."""
    for module in (ideas_demo, capacity_demo, systemic_demo):
        module.seed(context)


@pytest.mark.django_db(transaction=True)
def test_seed_adds_system_work():
    context = org_demo.seed()
    _seed(context)
    assert set(Idea.objects.values_list("level", flat=True)) == set(Idea.Level.values)
    assert not Idea.objects.filter(level="system", change_kind="").exists()
    assert TeamCapacity.objects.count() == len(context["teams"])
    assert TimeEntry.objects.count() > 100
    # No one logs more than 24 hours a day.
    per_day = TimeEntry.objects.values("user", "date").annotate(h=Sum("hours"))
    assert max(row["h"] for row in per_day) <= 24
    views = capacity_by_week([t.pk for t in context["teams"].values()], 3,
                             include_current=False)
    sacrificing = {context["teams"][slug].pk for slug in context["teams"]
                   if views[context["teams"][slug].pk].sacrificed_streak >= 3}
    assert sacrificing == {context["teams"][capacity_demo.SACRIFICING_TEAM].pk}
    assert Notification.objects.filter(verb="capacity_sacrificed").exists()
    issues = list(SystemicIssue.objects.all())
    assert len(issues) == 2
    for issue in issues:
        teams = set(SystemicLink.objects.filter(issue=issue).values_list("idea__team",
                                                                         flat=True))
        assert len(teams) >= 2
    # Idempotent.
    counts = (TimeEntry.objects.count(), SystemicLink.objects.count(),
              Notification.objects.count())
    _seed(org_demo.seed())
    assert (TimeEntry.objects.count(), SystemicLink.objects.count(),
            Notification.objects.count()) == counts
    assert timezone.localdate() - TimeEntry.objects.order_by("date").first().date < timedelta(
        weeks=9)
