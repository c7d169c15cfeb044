"""Standards pages: only the CoE edits, everyone reads and comments; bad edits answer 400 and
change nothing; constant queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from standards.models import Standard, StandardVersion
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def test_permission_matrix(org, coe, standard, client_as):
    """roles × pages → status (GET reads are open to everyone logged in; writes are not)."""
    rows = [
        ("get", reverse("standards:index"), None,
         {"member": 200, "executive": 200, "olga": 200}),
        ("get", reverse("standards:detail", args=[standard.pk]), None,
         {"member": 200, "executive": 200, "olga": 200}),
        ("get", reverse("standards:new"), None,
         {"member": 403, "executive": 403, "admin": 403, "olga": 200}),
        ("post", reverse("standards:revise", args=[standard.pk]),
         {"body": "2. New", "change_note": "why"},
         {"member": 403, "executive": 403, "admin": 403, "olga": 302}),
        ("post", reverse("standards:comment", args=[standard.pk]), {"text": "Hi"},
         {"member": 302, "executive": 302}),
    ]
    users = {"member": org.member, "executive": org.executive, "olga": coe, "admin": org.admin}
    for method, url, data, expected in rows:
        for role, code in expected.items():
            got = _status(client_as(users[role]), method, url, data)
            assert got == code, (method, url, role, got)
    assert standard.versions.count() == 2




def test_standards_pages_run_constant_queries(org, coe, client_as):
    client = client_as(org.executive)
    team = coe.memberships.get().team

    def make(n):
        for i in range(n):
            s = Standard.objects.create(title=f"S{i}", owner_team=team, review_date=today())
            StandardVersion.objects.create(standard=s, number=1, body="b")
        return s

    last = make(10)
    small = count_queries(client, reverse("standards:index"))
    small_detail = count_queries(client, reverse("standards:detail", args=[last.pk]))
    last = make(90)
    for i in range(20):
        StandardVersion.objects.create(standard=last, number=i + 2, body="b")
    assert count_queries(client, reverse("standards:index")) == small
    assert count_queries(client, reverse("standards:detail", args=[last.pk])) == small_detail


def test_bad_standard_edits_answer_400_with_the_form_and_change_nothing(org, coe, standard,
                                                                        client_as):
    client = client_as(coe)
    bad_edit = client.post(f"/standards/{standard.pk}/edit/", {"title": "", "review_date": "x"})
    assert bad_edit.status_code == 400
    assert b"This field is required." in bad_edit.content
    bad_revise = client.post(f"/standards/{standard.pk}/revise/", {"body": "", "change_note": ""})
    assert bad_revise.status_code == 400
    standard.refresh_from_db()
    assert standard.title == "Safety walk" and standard.versions.count() == 1
