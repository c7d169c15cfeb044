"""escalation.tasks.flag_stalled_escalations on hand-built escalations: who is told, once per
flag and level, the chain up the tiers, and clearing when someone acts."""

from datetime import timedelta

import pytest

from escalation import jobs, services
from escalation.models import Escalation
from escalation.tasks import flag_stalled_escalations

from .conftest import notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, item, escalation, now):
    """Escalations from line1 to its supervisors (sup, led by "supervisor"; above it: plant, led
    by "manager"). SLA: 8 h to acknowledge, 48 h to resolve."""
    made = {}
    for name, hours_ago, fields in [
        ("late_ack", 10, {}),  # 2 h past the ack SLA, under twice it (16 h)
        ("very_late_ack", 20, {}),  # past twice the ack SLA
        ("in_time", 2, {}),
        ("acked_in_time", 20, {"state": "acknowledged", "acknowledged_at": now}),
        ("late_resolve", 60, {"state": "acknowledged",
                              "acknowledged_at": now - timedelta(hours=55)}),
        ("closed", 100, {"state": "resolved", "resolved_at": now - timedelta(hours=1),
                         "acknowledged_at": now - timedelta(hours=99),
                         "decision": "Done"}),
    ]:
        idea = item(org.line1, 0, title=name)
        made[name] = escalation(idea, org.sup, raised_hours_ago=hours_ago, **fields)
    return made


def stalled():
    return set(Escalation.objects.filter(stalled_at__isnull=False).values_list("pk", flat=True))


def test_flags_past_due_escalations_and_tells_the_right_leads(org, chain, now):
    result = jobs.flag_stalled_escalations(now=now)
    c = {k: e.pk for k, e in chain.items()}
    assert stalled() == {c["late_ack"], c["very_late_ack"], c["late_resolve"]}
    assert result["flagged"] == 3
    stamp = now.isoformat()
    assert notes("stalled") == sorted([
        ("supervisor", f"escalation:{c['late_ack']}:stalled:{stamp}:1"),
        ("supervisor", f"escalation:{c['very_late_ack']}:stalled:{stamp}:1"),
        # still stalled after twice its SLA: the next tier up hears of it too
        ("manager", f"escalation:{c['very_late_ack']}:stalled:{stamp}:2"),
        ("supervisor", f"escalation:{c['late_resolve']}:stalled:{stamp}:1"),
    ])
    assert result["notified"] == 4


def test_once_per_flag_and_level_across_reruns_and_duplicates(org, chain, now):
    jobs.flag_stalled_escalations(now=now)
    first = notes()
    jobs.flag_stalled_escalations(now=now + timedelta(minutes=15))
    flag_stalled_escalations.apply()
    flag_stalled_escalations.apply()
    assert notes() == first


def test_the_chain_climbs_when_it_stays_stalled(org, chain, now):
    """The late acknowledgement reaches twice its SLA seven hours later: level 2, once."""
    late = chain["late_ack"]
    jobs.flag_stalled_escalations(now=now)
    assert [n for n in notes() if n[1].startswith(f"escalation:{late.pk}:")] == [
        ("supervisor", f"escalation:{late.pk}:stalled:{now.isoformat()}:1")]
    jobs.flag_stalled_escalations(now=now + timedelta(hours=7))
    jobs.flag_stalled_escalations(now=now + timedelta(hours=8))
    assert [n for n in notes() if n[1].startswith(f"escalation:{late.pk}:")] == sorted([
        ("manager", f"escalation:{late.pk}:stalled:{now.isoformat()}:2"),
        ("supervisor", f"escalation:{late.pk}:stalled:{now.isoformat()}:1"),
    ])


def test_acting_clears_the_flag_and_a_later_stall_is_a_new_flag(org, chain, now):
    late = chain["late_ack"]
    jobs.flag_stalled_escalations(now=now)
    services.escalation_acknowledge(escalation_id=late.pk, actor=org.supervisor)
    late.refresh_from_db()
    assert late.stalled_at is None
    jobs.flag_stalled_escalations(now=now + timedelta(minutes=15))
    late.refresh_from_db()
    assert late.stalled_at is None

    # Acknowledged but never resolved: 48 h after raising it stalls again.
    again = late.due_resolve_at + timedelta(minutes=1)
    jobs.flag_stalled_escalations(now=again)
    late.refresh_from_db()
    assert late.stalled_at == again
    assert [n for n in notes() if n[1].startswith(f"escalation:{late.pk}:")] == sorted([
        ("supervisor", f"escalation:{late.pk}:stalled:{now.isoformat()}:1"),
        ("supervisor", f"escalation:{late.pk}:stalled:{again.isoformat()}:1"),
    ])


def test_a_flag_that_no_longer_holds_is_cleared_by_the_job(org, chain, now):
    jobs.flag_stalled_escalations(now=now)
    # Acknowledged by a path that left the flag (an import): within the time to resolve now.
    Escalation.objects.filter(pk=chain["late_ack"].pk).update(state="acknowledged",
                                                              acknowledged_at=now)
    result = jobs.flag_stalled_escalations(now=now + timedelta(minutes=1))
    assert result["cleared"] == 1
    assert chain["late_ack"].pk not in stalled()


def test_a_target_team_without_leads_sends_the_nudge_up_at_once(org, item, escalation, now):
    """Maintenance and Support have no leads: the Executive team's lead hears of it."""
    esc = escalation(item(org.line1, 0), org.maint, raised_hours_ago=10)
    jobs.flag_stalled_escalations(now=now)
    assert notes("stalled") == [
        ("executive", f"escalation:{esc.pk}:stalled:{now.isoformat()}:1")]
