"""Review-by dates on priorities and constraints, and the daily nudge to their owners."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from core.errors import DomainError
from org.models import Notification
from strategy import jobs, services
from strategy.models import Constraint, Priority

from .conftest import make_priority

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_priorities_and_constraints_carry_a_review_by_date(org, strat):
    p = services.priority_create(actor=org.executive, goal=strat.goal, title="New",
                                 why_now="Now", owner_team=org.plant, start=today(),
                                 end=today() + timedelta(days=365))
    assert p.review_by == today() + timedelta(days=90)
    short = services.priority_create(actor=org.executive, goal=strat.goal, title="Short",
                                     why_now="Now", owner_team=org.plant, start=today(),
                                     end=today() + timedelta(days=20))
    assert short.review_by == short.end
    c = services.constraint_create(actor=org.executive, statement="No overtime",
                                   start=today(), review_by=today() + timedelta(days=7))
    assert c.review_by == today() + timedelta(days=7)
    with pytest.raises(DomainError) as exc:
        services.constraint_update(constraint_id=c.pk, actor=org.executive,
                                   review_by=today() - timedelta(days=1))
    assert exc.value.field == "review_by"
    with pytest.raises(DomainError) as exc:
        services.priority_update(priority_id=p.pk, actor=org.executive, review_by=None)
    assert exc.value.code == "review_by_required"


def test_the_api_takes_and_shows_review_by(org, strat, api):
    client = api.as_user(org.executive)
    day = str(today() + timedelta(days=10))
    r = client.patch(f"/api/v1/priorities/{strat.priority.pk}/", {"review_by": day},
                     format="json")
    assert r.status_code == 200 and r.json()["review_by"] == day
    r = client.patch(f"/api/v1/priorities/{strat.priority.pk}/",
                     {"review_by": str(today() - timedelta(days=3))}, format="json")
    assert r.status_code == 400 and "review_by" in r.json()["errors"]
    r = client.post("/api/v1/constraints/", {"statement": "S", "start": str(today()),
                                             "review_by": day}, format="json")
    assert r.status_code == 201 and r.json()["review_by"] == day


def _past(obj, days=1):
    type(obj).objects.filter(pk=obj.pk).update(review_by=today() - timedelta(days=days))


def test_owners_are_nudged_once_per_review_by_date(org, strat, constraint,
                                                   django_capture_on_commit_callbacks):
    _past(strat.priority)
    closed = make_priority(strat.goal, org.plant, title="Closed", status="closed")
    _past(closed)
    mine = constraint(statement="No new headcount", team=org.sup)
    Constraint.objects.filter(pk=mine.pk).update(set_by=org.executive)
    _past(mine)
    nobody = constraint(statement="Freeze", team=org.sup)  # set_by gone: the team's leads
    _past(nobody, days=3)
    ended = constraint(statement="Over", end=today() - timedelta(days=1))
    _past(ended)
    future = constraint(statement="Later", team=org.sup)
    Constraint.objects.filter(pk=future.pk).update(review_by=today())  # passes tomorrow

    with django_capture_on_commit_callbacks(execute=True):
        run = jobs.nudge_overdue_reviews()
    assert run == {"priorities": 1, "constraints": 2, "notified": 3}
    assert Notification.objects.get(verb="priority_review_due").recipient == org.manager
    recipients = set(Notification.objects.filter(verb="constraint_review_due")
                     .values_list("recipient__username", flat=True))
    assert recipients == {"executive", "supervisor"}
    assert jobs.nudge_overdue_reviews() == {"priorities": 0, "constraints": 0, "notified": 0}
    # the owners reviewed it and set a new date; when that passes too, they are told again
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             review_by=today())
    assert jobs.nudge_overdue_reviews()["priorities"] == 0
    later = jobs.nudge_overdue_reviews(today=today() + timedelta(days=1))
    assert later["priorities"] == 1 and later["constraints"] == 1  # and "Later" passed too
    assert Notification.objects.filter(verb="priority_review_due").count() == 2


def test_setting_a_review_date_outside_a_window_needs_no_cause(org, strat):
    from strategy.models import PlanningWindow, StrategyChange

    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=60),
                                  end=today() - timedelta(days=50))
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             review_by=today() + timedelta(days=14))
    assert StrategyChange.objects.get().outside_window is False
    assert Priority.objects.get(pk=strat.priority.pk).review_by == today() + timedelta(days=14)


def test_the_job_is_scheduled_and_runs_by_name(org, capsys):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "strategy.tasks.nudge_overdue_reviews" in scheduled
    call_command("run_job", "nudge_overdue_reviews")
    assert capsys.readouterr().out.startswith("nudge_overdue_reviews: ")
