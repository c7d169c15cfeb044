"""Long lists stay fast without lying: counts past the cap say "more than", a search with too
many matches to rank sorts newest first, and neither ever shows a row the person may not see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pagination import NarrowPaginator
from ideas import selectors
from ideas.models import Idea
from ideas.visibility import ideas_visible_to
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(org):
    """Four public items about the conveyor (the oldest matches best), one private one in
    another team."""
    now = timezone.now()
    made = []
    for n, title in enumerate(["Conveyor conveyor conveyor", "Conveyor belt", "Conveyor guard",
                               "Conveyor light"]):
        i = IdeaFactory(team=org.line1, reporter=org.lead, title=title, description="")
        Idea.objects.filter(pk=i.pk).update(created_at=now - timedelta(days=10 - n))
        made.append(i)
    hidden = IdeaFactory(team=org.maint, reporter=org.admin, title="Conveyor secret",
                         is_private=True)
    return made, hidden


def test_a_capped_count_says_more_than_and_an_exact_one_does_not(items, org):
    qs = ideas_visible_to(org.member).order_by("-created_at", "-id")
    capped = NarrowPaginator(qs, 2, count_cap=3)
    assert capped.count == 4 and capped.count_exact is False
    exact = NarrowPaginator(qs, 2, count_cap=4)
    assert exact.count == 4 and exact.count_exact is True
    assert [i.pk for i in exact.page(2).object_list] == [items[0][1].pk, items[0][0].pk]


def test_the_page_says_more_than_past_the_cap(items, org, client, monkeypatch):
    monkeypatch.setattr("ideas.views.lists.COUNT_CAP", 3)
    client.force_login(org.member)
    page = client.get(reverse("ideas:list")).content.decode()
    assert "More than 3 items" in page
    assert "Conveyor secret" not in page
    monkeypatch.setattr("ideas.views.lists.COUNT_CAP", 10)
    assert "4 items" in client.get(reverse("ideas:list")).content.decode()


def test_the_api_marks_an_inexact_count(items, org, api, monkeypatch):
    monkeypatch.setattr("core.api.COUNT_CAP", 3)
    body = api.as_user(org.member).get("/api/v1/ideas/").json()
    assert (body["count"], body["count_exact"]) == (4, False)
    monkeypatch.setattr("core.api.COUNT_CAP", 4)
    body = api.as_user(org.member).get("/api/v1/ideas/").json()
    assert body["count"] == 4 and "count_exact" not in body


def test_a_search_with_too_many_matches_sorts_newest_first(items, org, monkeypatch):
    made, hidden = items
    ranked = list(selectors.idea_list(org.member, {"q": "conveyor"}))
    assert ranked[0] == made[0]  # the best match, though the oldest
    monkeypatch.setattr(selectors, "RANK_LIMIT", 3)
    newest = list(selectors.idea_list(org.member, {"q": "conveyor"}))
    assert newest == list(reversed(made))
    assert hidden not in newest
    # the admin sees five matches; four would still be ranked at a limit of five
    monkeypatch.setattr(selectors, "RANK_LIMIT", 5)
    assert list(selectors.idea_list(org.admin, {"q": "conveyor"}))[0] == made[0]
