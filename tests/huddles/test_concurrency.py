"""Two people drop the same card at the same moment: one move wins, the other gets a 409,
and no update is lost (real PostgreSQL row locks, real threads)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from ideas.models import Idea, IdeaEvent
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(org, idea, moves):
    barrier = threading.Barrier(len(moves))
    results = [None] * len(moves)

    def run(i, user, to):
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:
            response = client.post(f"/api/v1/boards/{org.line1.pk}/",
                                   {"idea": idea.pk, "to": to, "version": idea.version},
                                   format="json")
            results[i] = (response.status_code, to)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, user, to))
               for i, (user, to) in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_moves_with_the_same_version(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, owner=org.member)
    results = _race(org, idea, [(org.lead, "in_progress"), (org.member, "parked")])
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409], results
    winner = next(to for code, to in results if code == 200)
    idea.refresh_from_db()
    assert idea.status == winner and idea.version == 2
    assert IdeaEvent.objects.filter(idea=idea, verb="status").count() == 1


def test_many_people_at_once_one_wins(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, owner=org.member)
    results = _race(org, idea, [(org.lead, "in_progress")] * 3 + [(org.admin, "parked")] * 3)
    assert sorted(code for code, _ in results) == [200] + [409] * 5, results
    assert Idea.objects.get(pk=idea.pk).version == 2
