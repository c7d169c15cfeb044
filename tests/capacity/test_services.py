"""Protected capacity, improvement time and the weekly "time is being sacrificed" nudge."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from capacity import jobs
from capacity import selectors as sel
from capacity import services as svc
from capacity.models import TeamCapacity, TimeEntry
from core.errors import DomainError, Forbidden
from ideas.models import IdeaEvent
from org.models import Membership, Notification
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 18)  # a Wednesday
MONDAY = date(2026, 11, 16)


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY if not a else
                        timezone.localtime(a[0]).date())
    return TODAY


def _capacity(team, actor, unit="hours", amount="10", since_weeks=10):
    cap = svc.capacity_set(team=team, actor=actor, unit=unit, amount=amount)
    TeamCapacity.objects.filter(pk=cap.pk).update(
        created_at=timezone.now() - timedelta(weeks=since_weeks + 60))
    return cap


def _log(user, idea, hours, day, team=None):
    return TimeEntry.objects.create(user=user, idea=idea, team=team or idea.team, date=day,
                                    hours=Decimal(str(hours)))


# ---------------------------------------------------------------- capacity


def test_lead_sets_hours_and_percent_capacity(org):
    cap = svc.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount="6")
    assert (cap.unit, cap.amount, cap.updated_by) == ("hours", Decimal("6"), org.lead)
    cap = svc.capacity_set(team=org.line1, actor=org.lead, unit="percent", amount="10",
                           member_hours_per_week="40")
    assert TeamCapacity.objects.count() == 1
    # 10 % of 2 members × 40 h = 8 h a week.
    assert sel.protected_hours(cap, 2) == Decimal("8.0")


@pytest.mark.parametrize("unit, amount, message", [
    ("percent", "100.5", "cannot exceed 100 %"),
    ("percent", "150", "cannot exceed 100 %"),
    ("hours", "-1", "cannot be negative"),
    ("hours", "abc", "must be a number"),
    ("hours", "NaN", "must be a number"),
    ("hours", "2500", "At most"),
    ("weeks", "5", "Choose hours per week"),
])
def test_bad_capacities_are_refused(org, unit, amount, message):
    with pytest.raises(DomainError, match=message):
        svc.capacity_set(team=org.line1, actor=org.lead, unit=unit, amount=amount)
    assert not TeamCapacity.objects.exists()


def test_percent_of_exactly_100_is_allowed(org):
    assert svc.capacity_set(team=org.line1, actor=org.lead, unit="percent",
                            amount="100").amount == 100


@pytest.mark.parametrize("who", ["member", "other", "supervisor", "executive"])
def test_only_the_teams_leads_and_admins_set_capacity(org, who):
    with pytest.raises(Forbidden):
        svc.capacity_set(team=org.line1, actor=getattr(org, who), unit="hours", amount="4")
    assert svc.capacity_set(team=org.line1, actor=org.admin, unit="hours", amount="4")


# ---------------------------------------------------------------- time entries


def test_member_logs_time_on_an_item(org, make_idea):
    idea = make_idea()
    entry = svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours="1.5",
                                  note="Fixed the jig")
    assert (entry.team, entry.hours, entry.date) == (org.line1, Decimal("1.5"),
                                                     timezone.localdate())
    assert IdeaEvent.objects.filter(idea=idea, verb="time_logged").count() == 1


def test_time_counts_for_the_loggers_own_team(org, make_idea):
    # A supervisor helps on Line 1's item: the hours count for the supervisors' capacity.
    idea = make_idea()
    entry = svc.time_entry_create(idea_id=idea.pk, actor=org.supervisor, hours=2)
    assert entry.team == org.sup
    with pytest.raises(DomainError, match="team you belong to"):
        svc.time_entry_create(idea_id=idea.pk, actor=org.supervisor, hours=1, team=org.line2)


@pytest.mark.parametrize("hours, message", [
    ("0", "positive"), ("-2", "positive"), ("24.5", "at most 24"), ("100", "at most 24"),
    ("0.1", "quarter of an hour"), ("x", "must be a number"),
])
def test_bad_hours_are_refused(org, make_idea, hours, message):
    idea = make_idea()
    with pytest.raises(DomainError, match=message) as exc:
        svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=hours)
    assert exc.value.field == "hours"
    assert not TimeEntry.objects.exists()


def test_more_than_24_hours_a_day_for_one_person_is_refused(org, make_idea):
    a, b = make_idea(), make_idea(title="Second item")
    day = timezone.localdate() - timedelta(days=1)
    svc.time_entry_create(idea_id=a.pk, actor=org.member, hours=20, day=day)
    with pytest.raises(DomainError, match="a day has 24"):
        svc.time_entry_create(idea_id=b.pk, actor=org.member, hours="4.25", day=day)
    # Exactly 24 is fine; another day or another person is separate.
    svc.time_entry_create(idea_id=b.pk, actor=org.member, hours=4, day=day)
    svc.time_entry_create(idea_id=b.pk, actor=org.member, hours=4)
    svc.time_entry_create(idea_id=b.pk, actor=org.lead, hours=4, day=day)
    assert TimeEntry.objects.filter(user=org.member, date=day).count() == 2


def test_future_and_ancient_days_are_refused(org, make_idea):
    idea = make_idea()
    with pytest.raises(DomainError, match="has not happened"):
        svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1,
                              day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(DomainError, match="last 90 days"):
        svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1,
                              day=timezone.localdate() - timedelta(days=120))


def test_time_on_an_invisible_private_item_is_refused_as_not_found(org, make_idea):
    idea = make_idea(is_private=True)
    with pytest.raises(DomainError) as exc:
        svc.time_entry_create(idea_id=idea.pk, actor=org.other, hours=1)
    assert exc.value.code == "not_found"


def test_someone_without_a_team_cannot_log(org, make_idea):
    idea = make_idea()
    loner = UserFactory(username="loner")
    with pytest.raises(Forbidden):
        svc.time_entry_create(idea_id=idea.pk, actor=loner, hours=1)


def test_delete_own_entry_or_as_lead(org, make_idea):
    idea = make_idea()
    mine = svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    with pytest.raises(Forbidden):
        svc.time_entry_delete(entry_id=mine.pk, actor=org.other)
    svc.time_entry_delete(entry_id=mine.pk, actor=org.lead)
    assert not TimeEntry.objects.exists()


# ---------------------------------------------------------------- protected vs used


def test_capacity_by_week_exact_figures(org, make_idea, frozen_today):
    idea = make_idea()
    _capacity(org.line1, org.lead, amount="10")
    _log(org.member, idea, "3", MONDAY)  # this week
    _log(org.lead, idea, "2.5", MONDAY + timedelta(days=2))  # this week
    _log(org.member, idea, "4", MONDAY - timedelta(days=1))  # last week (Sunday)
    _log(org.member, idea, "1", MONDAY - timedelta(weeks=3))  # outside 3 weeks
    views = sel.capacity_by_week([org.line1.pk, org.line2.pk], 3)
    line1 = views[org.line1.pk]
    assert [w.week for w in line1.weeks] == [MONDAY - timedelta(weeks=2),
                                             MONDAY - timedelta(weeks=1), MONDAY]
    assert [w.used for w in line1.weeks] == [Decimal("0"), Decimal("4"), Decimal("5.5")]
    assert [w.protected for w in line1.weeks] == [Decimal("10")] * 3
    assert [w.percent for w in line1.weeks] == [0, 40, 55]
    assert [w.sacrificed for w in line1.weeks] == [True, True, False]
    assert line1.used_total == Decimal("9.5")
    line2 = views[org.line2.pk]
    assert line2.capacity is None and line2.protected == 0
    assert not any(w.sacrificed for w in line2.weeks)


def test_percent_capacity_counts_members(org, frozen_today):
    svc.capacity_set(team=org.line1, actor=org.lead, unit="percent", amount="10",
                     member_hours_per_week="40")
    MembershipFactory(team=org.line1, user=UserFactory(username="third"))
    assert sel.capacity_by_week([org.line1.pk], 1)[org.line1.pk].protected == Decimal("12.0")


def test_capacity_by_week_is_two_queries(org, django_assert_num_queries, frozen_today):
    with django_assert_num_queries(3):  # teams, capacities, the aggregate
        sel.capacity_by_week([org.line1.pk, org.line2.pk, org.sup.pk], 8)


def test_weeks_before_the_capacity_was_set_do_not_count(org, frozen_today):
    svc.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount="10")
    TeamCapacity.objects.update(created_at=timezone.make_aware(datetime(2026, 11, 17, 9)))
    weeks = sel.capacity_by_week([org.line1.pk], 3)[org.line1.pk].weeks
    assert [w.counted for w in weeks] == [False, False, True]
    assert not any(w.sacrificed for w in weeks[:2])


def test_capacity_by_tier(org, make_idea, frozen_today):
    idea = make_idea()
    _capacity(org.line1, org.lead, amount="10")
    _capacity(org.line2, org.admin, amount="5")
    for i in range(1, 5):
        _log(org.member, idea, "6", MONDAY - timedelta(weeks=i))
    tiers = {row["tier"].level: row for row in sel.capacity_by_tier(4)}
    front = tiers[1]
    assert (front["teams"], front["with_capacity"]) == (2, 2)
    assert front["protected"] == Decimal("60") and front["used"] == Decimal("24")
    assert front["percent"] == 40
    assert front["sacrificing"] == 1  # Line 2 used nothing for four weeks


# ---------------------------------------------------------------- the nudge


def _nudges():
    return Notification.objects.filter(verb="capacity_sacrificed")


@pytest.mark.django_db(transaction=True)
def test_capacity_nudge_once_per_streak(org, make_idea):
    idea = make_idea()
    _capacity(org.line1, org.lead, amount="10")
    _log(org.member, idea, "4", MONDAY - timedelta(weeks=3))  # below half
    _log(org.member, idea, "4.5", MONDAY - timedelta(weeks=2))
    # Week -1: nothing.
    run = jobs.check_improvement_capacity(today=TODAY)
    assert run["nudged"] == 1
    recipients = set(_nudges().values_list("recipient__username", flat=True))
    # The team's leads and the leads of the team above.
    assert recipients == {"lead", "supervisor"}
    note = _nudges().first()
    assert "Improvement time is being sacrificed" in note.text
    assert "Line 1" in note.text and "(4, 4.5, 0 h)" in note.text
    # Again the same day, and a week later while the streak goes on: nobody is told again.
    assert jobs.check_improvement_capacity(today=TODAY)["nudged"] == 0
    assert jobs.check_improvement_capacity(today=TODAY + timedelta(weeks=1))["nudged"] == 0
    assert _nudges().count() == 2
    # A good week breaks the streak; three bad weeks after it are a new streak.
    _log(org.lead, idea, "8", MONDAY + timedelta(weeks=1))
    later = TODAY + timedelta(weeks=2)
    assert jobs.check_improvement_capacity(today=later)["nudged"] == 0
    assert jobs.check_improvement_capacity(today=TODAY + timedelta(weeks=5))["nudged"] == 1
    assert _nudges().count() == 4


def test_a_team_using_half_or_more_is_not_nudged(org, make_idea, django_capture_on_commit_callbacks):
    idea = make_idea()
    _capacity(org.line1, org.lead, amount="10")
    for i in (1, 2, 3):
        _log(org.member, idea, "5", MONDAY - timedelta(weeks=i))
    with django_capture_on_commit_callbacks(execute=True):
        run = jobs.check_improvement_capacity(today=TODAY)
    assert run == {"teams": 1, "sacrificing": 0, "nudged": 0, "continued": 0}
    assert not _nudges().exists()


def test_a_new_capacity_is_not_held_against_past_weeks(org, django_capture_on_commit_callbacks):
    svc.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount="10")
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.check_improvement_capacity()["nudged"] == 0
    assert not _nudges().exists()


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_by_name_through_its_task(org, capsys):
    call_command("run_job", "check_improvement_capacity")
    assert capsys.readouterr().out.startswith("check_improvement_capacity: ")


def test_nudge_recipients_ignore_members(org, make_idea, django_capture_on_commit_callbacks):
    _capacity(org.line1, org.lead, amount="10")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.check_improvement_capacity(today=TODAY)
    assert not _nudges().filter(recipient=org.member).exists()
    assert Membership.objects.filter(team=org.line1, role="lead").count() == 1
