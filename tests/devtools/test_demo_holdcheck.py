"""The demo's "did it hold?" checks and what matters most: answered checks of every kind (slips
reopened), checks waiting on Tom and Amira, a second slip proposing a systemic issue to Amira,
and open problems ranked with reasons; idempotent."""

import pytest

from devtools.demo import holdcheck as holdcheck_demo
from devtools.demo import ideas as ideas_demo
from devtools.demo import org as org_demo
from devtools.demo import systemic as systemic_demo
from holdcheck.models import HoldCheck
from holdcheck.selectors import pending_checks_for, proposals_for
from ideas.models import Idea
from org.models import User
from scorecards.selectors.importance import importance_rows


def _seed(context):
    for module in (ideas_demo, systemic_demo, holdcheck_demo):
        module.seed(context)


@pytest.mark.django_db(transaction=True)
def test_seed_adds_hold_checks_and_ranks_the_open_problems():
    _seed(org_demo.seed())
    answers = set(HoldCheck.objects.exclude(answer="").values_list("answer", flat=True))
    assert answers == {"held", "partly", "slipped"}
    assert HoldCheck.objects.filter(outcome=HoldCheck.Outcome.REOPENED).exists()
    for check in HoldCheck.objects.filter(outcome="reopened").select_related("idea"):
        if check.idea.done_at is None:  # reopened by this slip (not an earlier round)
            assert check.idea.status == Idea.Status.IN_PROGRESS
    amira, tom = User.objects.get(username="amira"), User.objects.get(username="tom")
    assert pending_checks_for(amira).count() >= 2
    assert pending_checks_for(tom).count() >= 1
    assert proposals_for(amira).count() == 1
    top = importance_rows(Idea.objects.all(), limit=5)
    assert top[0].importance >= 8 and top[0].importance_reasons
    counts = (HoldCheck.objects.count(), HoldCheck.objects.exclude(answer="").count())
    _seed(org_demo.seed())
    assert (HoldCheck.objects.count(), HoldCheck.objects.exclude(answer="").count()) == counts
