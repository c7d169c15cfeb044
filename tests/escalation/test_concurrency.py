"""Races on real PostgreSQL: many threads, each with its own database connection."""

import threading

import pytest
from django.db import connection, connections

from core.errors import Conflict
from escalation import services
from escalation.models import Escalation
from ideas import services as idea_services
from org.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls):
    """Runs every call in its own thread at once; returns ["ok" | "conflict" | error repr]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=20)
            call()
            results[i] = "ok"
        except Conflict:
            results[i] = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported to the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_fifty_threads_escalating_the_same_idea_make_one_escalation(org):
    assert connection.vendor == "postgresql"
    idea = idea_services.idea_create(actor=org.member, team=org.line1, title="Press 4",
                                     category="safety")
    people = [org.member, org.lead] + [UserFactory() for _ in range(48)]
    for user in people[2:]:
        MembershipFactory(user=user, team=org.line1)
    results = race([
        (lambda u=u: services.escalation_raise(idea_id=idea.pk, actor=u, reason="resources",
                                               ask=f"Help from {u.username}"))
        for u in people
    ])
    assert results.count("ok") == 1, results
    assert results.count("conflict") == 49, results
    assert Escalation.objects.filter(idea=idea).count() == 1
    assert idea.events.filter(verb="escalated").count() == 1


def test_two_acknowledges_one_wins(org):
    second = UserFactory()
    MembershipFactory(user=second, team=org.sup, role=Membership.Role.MEMBER)
    idea = idea_services.idea_create(actor=org.member, team=org.line1, title="Press 4",
                                     category="safety")
    esc = services.escalation_raise(idea_id=idea.pk, actor=org.member, reason="resources",
                                    ask="Help")
    results = race([
        lambda: services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor),
        lambda: services.escalation_acknowledge(escalation_id=esc.pk, actor=second),
    ])
    assert sorted(results) == ["conflict", "ok"], results
    esc.refresh_from_db()
    assert esc.state == "acknowledged"
    assert idea.events.filter(verb="acknowledged").count() == 1


def test_resolve_return_and_escalate_race_one_wins(org):
    lead2 = UserFactory()
    MembershipFactory(user=lead2, team=org.sup, role=Membership.Role.LEAD)
    idea = idea_services.idea_create(actor=org.member, team=org.line1, title="Press 4",
                                     category="safety")
    esc = services.escalation_raise(idea_id=idea.pk, actor=org.member, reason="resources",
                                    ask="Help")
    results = race([
        lambda: services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                            decision="Yes"),
        lambda: services.escalation_return(escalation_id=esc.pk, actor=lead2, decision="No"),
        lambda: services.escalation_escalate_further(escalation_id=esc.pk, actor=lead2,
                                                     ask="Up"),
    ])
    assert results.count("ok") == 1 and results.count("conflict") == 2, results
    assert Escalation.objects.filter(idea=idea, state__in=["open", "acknowledged"]).count() <= 1
    esc.refresh_from_db()
    assert esc.state in ("resolved", "returned", "escalated")
