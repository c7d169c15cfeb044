"""NarrowPaginator: the page is found on the ids, then only its rows are read in full — the same
rows in the same order as a plain slice, with joins, annotations and prefetches intact."""

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, F

from core.pagination import NarrowPaginator
from ideas.models import Idea, Label
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas(org):
    label = Label.objects.create(name="tooling")
    made = [IdeaFactory(team=org.line1 if i % 2 else org.line2, reporter=org.member,
                        title=f"Item {i:02}", estimated_money_per_year=i % 7)
            for i in range(23)]
    made[3].labels.add(label)
    return made


def _full(qs):
    return (qs.select_related("team", "team__tier", "reporter").prefetch_related("labels")
            .annotate(n_labels=Count("labels")))


@pytest.mark.parametrize("order", [("title",), ("-estimated_money_per_year", "-id"),
                                   (F("estimated_money_per_year").desc(), "team__name", "id")])
def test_pages_match_a_plain_slice_in_every_order(org, ideas, order,
                                                  django_assert_num_queries):
    qs = _full(Idea.objects.all()).order_by(*order)
    plain = Paginator(qs, 5)
    narrow = NarrowPaginator(qs, 5)
    assert narrow.num_pages == plain.num_pages == 5
    for number in range(1, 6):
        expected = [(i.pk, i.n_labels) for i in plain.page(number)]
        with django_assert_num_queries(3):  # the ids, the rows with their joins, the labels
            page = list(narrow.page(number))
        assert [(i.pk, i.n_labels) for i in page] == expected
        assert all(i.team.tier.level for i in page)  # joined, no further query
    last = narrow.page(5)
    assert len(last) == 3 and not last.has_next()


def test_orphans_and_a_list_that_is_not_a_queryset(org, ideas):
    qs = _full(Idea.objects.all()).order_by("title")
    page = NarrowPaginator(qs, 10, orphans=3).page(2)
    assert [i.title for i in page] == [f"Item {n:02}" for n in range(10, 23)]
    values = Idea.objects.order_by("title").values("title")
    assert [r["title"] for r in NarrowPaginator(values, 10).page(3)] == ["Item 20", "Item 21",
                                                                        "Item 22"]
    assert list(NarrowPaginator(list(range(7)), 5).page(2)) == [5, 6]
