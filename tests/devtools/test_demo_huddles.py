"""seed_demo's huddles part: WIP limits, a month of letters, weeks of huddles; idempotent."""


import pytest
from django.utils import timezone

from devtools.demo import huddles as demo
from devtools.demo import org as org_demo
from huddles.models import BoardSettings, Huddle, SqdcDay
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _snapshot():
    return (BoardSettings.objects.count(), SqdcDay.objects.count(), Huddle.objects.count(),
            Huddle.attendees.through.objects.count(), Huddle.discussed.through.objects.count(),
            sorted(SqdcDay.objects.values_list("team_id", "date", "category", "status",
                                               "note")))


def test_seed_is_realistic_idempotent_and_fast():
    context = org_demo.seed()
    line = context["teams"]["line-1-day"]
    for i in range(5):
        IdeaFactory(team=line, reporter=line.members.first(), title=f"Demo item {i}")
    demo.seed(context)
    first = _snapshot()
    demo.seed(context)
    assert _snapshot() == first

    teams = context["teams"]
    assert BoardSettings.objects.count() == len(teams)
    assert BoardSettings.objects.get(team=line).wip_in_progress == 5
    reds = SqdcDay.objects.filter(status="red")
    assert reds.exists() and not reds.filter(note="").exists()
    assert SqdcDay.objects.filter(category="safety", status="red").count() < \
        SqdcDay.objects.filter(category="delivery", status="red").count()
    assert not SqdcDay.objects.filter(category="people").exclude(
        team__board_settings__people_enabled=True).exists()
    assert not SqdcDay.objects.filter(date__gt=timezone.localdate()).exists()
    assert SqdcDay.objects.filter(team=line).values("date").distinct().count() >= 20
    huddles = Huddle.objects.filter(team=line)
    assert 10 <= huddles.count() <= 15
    assert not Huddle.objects.filter(date=timezone.localdate()).exists()
    assert not Huddle.objects.filter(ended_at__isnull=True).exists()
    assert all(5 <= h.duration_minutes <= 20 for h in huddles)
    assert Huddle.attendees.through.objects.filter(huddle__team=line).count() >= \
        huddles.count() * 3
    assert Huddle.discussed.through.objects.filter(huddle__team=line).exists()


def test_a_leads_settings_survive_a_reseed():
    context = org_demo.seed()
    demo.seed(context)
    team = context["teams"]["warehouse"]
    BoardSettings.objects.filter(team=team).update(wip_new=42)
    demo.seed(context)
    assert BoardSettings.objects.get(team=team).wip_new == 42
