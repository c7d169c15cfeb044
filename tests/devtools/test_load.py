"""generate_load: a realistic data set in bulk, whose stale share the aging job confirms."""

import pytest
from django.core.management import CommandError, call_command

from devtools.load import generate_load
from escalation.models import Escalation
from ideas.jobs import flag_aging_items
from ideas.models import Idea
from org.models import Membership, Team

pytestmark = pytest.mark.django_db


def test_the_stale_items_it_builds_are_exactly_the_ones_the_job_flags(db):
    result = generate_load(ideas=3000, teams=12, stale=0.1, seed=7)
    assert Idea.objects.count() == 3000
    assert 250 < result.stale < 350  # 10% of 3,000, drawn at random
    assert Team.objects.count() == 12
    assert Team.objects.filter(parent__isnull=True).count() == 1
    assert Membership.objects.filter(role="lead").count() == 12
    assert Escalation.objects.count() == result.escalations > 0
    # every active escalation's item waits on its target team (as the services keep it)
    for esc in Escalation.objects.filter(state__in=["open", "acknowledged"]):
        assert esc.idea.waiting_on_team_id == esc.to_team_id
    assert flag_aging_items()["flagged"] == result.stale


def test_the_command_reports_and_refuses_a_second_set_with_the_same_prefix(db, capsys):
    call_command("generate_load", "--ideas", "500", "--teams", "6")
    assert "500 items" in capsys.readouterr().out
    with pytest.raises(CommandError, match="prefix"):
        call_command("generate_load", "--ideas", "10", "--teams", "6")
    call_command("generate_load", "--ideas", "10", "--teams", "3", "--prefix", "more")
    assert Idea.objects.count() == 510
