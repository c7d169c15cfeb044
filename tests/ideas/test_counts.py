"""The daily created counters (ideas.counts, kept by triggers) answer exactly what counting the
visible items live answers: for every viewer (private items included), for windows that start
and end off a UTC midnight, for team scopes, and after items move, change privacy, change
their creation time, are bulk-inserted or deleted."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from core.dates import day_bounds
from ideas.counts import Window, created_counts
from ideas.models import Idea, IdeaDayCount
from ideas.visibility import ideas_visible_to
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=12, mm=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm))


def live(window: Window, user) -> int:
    qs = Idea.objects.all() if user is None else ideas_visible_to(user)
    qs = qs.filter(created_at__gte=window.lo, created_at__lt=window.hi)
    if window.team_ids is not None:
        qs = qs.filter(team_id__in=window.team_ids)
    return qs.count()


@pytest.fixture
def world(org):
    def idea(team, when, private=False, reporter=None, shared=()):
        i = IdeaFactory(team=team, reporter=reporter or org.admin, is_private=private)
        Idea.objects.filter(pk=i.pk).update(created_at=when)
        i.shared_with_teams.add(*shared)
        return i

    # London summer time: local midnight is 23:00 UTC, so day windows have slivers.
    return [
        idea(org.line1, at(2025, 7, 1, 0, 30)),              # 30 min after local midnight
        idea(org.line1, at(2025, 7, 1, 0, 30), private=True),
        idea(org.line2, at(2025, 7, 2), private=True),
        idea(org.line2, at(2025, 7, 3), private=True, reporter=org.member),
        idea(org.maint, at(2025, 7, 4), private=True, shared=[org.sup]),
        idea(org.maint, at(2025, 7, 5), private=True, shared=[org.line1, org.sup]),
        idea(org.sup, at(2025, 7, 31, 23, 45)),                # 15 min before local midnight
        idea(org.plant, at(2025, 8, 1, 0, 15), private=True),
        idea(org.exec, at(2025, 6, 30, 23, 59)),
        idea(org.line1, at(2025, 12, 31, 23, 59)),             # winter: UTC = local
        idea(org.line2, at(2026, 1, 1, 0, 0), private=True),
    ]


def windows(org) -> dict:
    july = day_bounds(date(2025, 7, 1), date(2025, 7, 31))
    year = day_bounds(date(2025, 1, 1), date(2025, 12, 31))
    one_day = day_bounds(date(2025, 7, 1), date(2025, 7, 1))
    sub = frozenset({org.sup.pk, org.line1.pk, org.line2.pk})
    return {
        "july": Window(*july), "year": Window(*year), "one day": Window(*one_day),
        "july, sup subtree": Window(*july, sub), "year, maint": Window(*year, frozenset({
            org.maint.pk})),
        "year, line1 + maint": Window(*year, frozenset({org.line1.pk, org.maint.pk})),
        "odd hours": Window(at(2025, 7, 1, 0, 45), at(2025, 7, 4, 13)),
        "no teams": Window(*year, frozenset()),
        "two years": Window(*day_bounds(date(2025, 1, 1), date(2026, 12, 31))),
    }


def viewers(org) -> list:
    return [None, org.admin, org.member, org.lead, org.other, org.supervisor, org.manager,
            org.executive]


def assert_equal_to_live(org):
    w = windows(org)
    for user in viewers(org):
        got = created_counts(w, user=user)
        assert got == {key: live(window, user) for key, window in w.items()}, user


def test_counts_equal_the_live_count_for_every_viewer_and_window(world, org):
    assert_equal_to_live(org)
    # and they are not trivially zero: the member sees the public items, their team's private
    # one, the private item they reported in line2 and the one shared with line1
    assert created_counts(windows(org), user=org.member)["july"] == 5
    assert created_counts(windows(org), user=org.other)["july"] == 4  # + both line2 private
    assert created_counts(windows(org))["july"] == 7


def test_counts_follow_moves_privacy_dates_bulk_inserts_and_deletes(world, org):
    first, second, third = world[0], world[1], world[2]
    Idea.objects.filter(pk=first.pk).update(team=org.maint)
    Idea.objects.filter(pk=second.pk).update(is_private=False)
    Idea.objects.filter(pk=third.pk).update(created_at=at(2025, 9, 9))
    assert_equal_to_live(org)
    third.refresh_from_db()
    third.team = org.line1
    third.is_private = False
    third.save()
    Idea.objects.bulk_create([
        Idea(team=org.line2, reporter=org.admin, title=f"Bulk {n}", category="quality",
             is_private=n % 2 == 0, last_activity_at=timezone.now(),
             status_changed_at=timezone.now()) for n in range(5)])
    Idea.objects.filter(title__startswith="Bulk").update(created_at=at(2025, 7, 10))
    assert_equal_to_live(org)
    Idea.objects.filter(pk__in=[world[4].pk, world[6].pk]).delete()
    assert_equal_to_live(org)


def test_a_flag_update_does_not_touch_the_counters(world, org):
    before = list(IdeaDayCount.objects.order_by("pk").values_list("pk", "n"))
    Idea.objects.update(aging_flagged_at=timezone.now(), last_activity_at=timezone.now())
    assert list(IdeaDayCount.objects.order_by("pk").values_list("pk", "n")) == before


def test_a_window_inside_one_day_is_counted_on_the_items(world, org):
    noon = at(2025, 7, 2, 0, 0)
    w = {"h": Window(noon - timedelta(hours=1), noon + timedelta(hours=13))}
    assert created_counts(w, user=org.other) == {"h": 1}
    assert created_counts(w, user=org.member) == {"h": 0}
