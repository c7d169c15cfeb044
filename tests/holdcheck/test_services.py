"""The "did it hold?" rules: who answers, what a slip does, what a second slip proposes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from holdcheck import services as svc
from holdcheck.models import HoldCheck
from holdcheck.permissions import can_answer, can_confirm_systemic
from ideas import services as idea_services
from ideas.models import Idea
from org.models import Notification
from strategy.models import KPI, AnnualGoal, KPIReading, Objective, Priority, PriorityLink
from systemic.models import SystemicIssue

from .conftest import asked, done_item

pytestmark = pytest.mark.django_db


def test_held_is_recorded_and_changes_nothing_else(org):
    idea = done_item(org)
    check = asked(idea)
    check = svc.hold_check_answer(check_id=check.pk, actor=org.member, answer="held")
    idea.refresh_from_db()
    assert (check.answer, check.outcome, check.answered_by) == ("held", "", org.member)
    assert idea.status == Idea.Status.DONE
    assert idea.events.filter(verb="hold_check").count() == 1


def test_partly_and_slipped_need_a_note(org):
    check = asked(done_item(org))
    for answer in ("partly", "slipped"):
        with pytest.raises(DomainError) as exc:
            svc.hold_check_answer(check_id=check.pk, actor=org.member, answer=answer, note=" ")
        assert exc.value.field == "note"
    with pytest.raises(DomainError) as exc:
        svc.hold_check_answer(check_id=check.pk, actor=org.member, answer="maybe")
    assert exc.value.field == "answer"
    check.refresh_from_db()
    assert check.answer == "" and check.answered_at is None  # nothing half-saved


def test_who_answers(org):
    idea = done_item(org)
    check = asked(idea)
    assert can_answer(org.member, idea) and can_answer(org.lead, idea)
    assert can_answer(org.admin, idea)
    for outsider in (org.other, org.supervisor, org.executive):
        assert not can_answer(outsider, idea)
        with pytest.raises(Forbidden):
            svc.hold_check_answer(check_id=check.pk, actor=outsider, answer="held")


def test_answered_twice_or_after_a_reopen_is_a_conflict(org):
    check = asked(done_item(org))
    svc.hold_check_answer(check_id=check.pk, actor=org.lead, answer="held")
    with pytest.raises(Conflict):
        svc.hold_check_answer(check_id=check.pk, actor=org.member, answer="slipped", note="x")

    other = asked(done_item(org, title="Shadow board"))
    idea_services.idea_transition(idea_id=other.idea_id, to="in_progress", actor=org.lead,
                                  reason="More to do")
    with pytest.raises(Conflict):
        svc.hold_check_answer(check_id=other.pk, actor=org.lead, answer="held")


def test_a_first_slip_reopens_the_item_with_the_note(org):
    idea = done_item(org)
    check = svc.hold_check_answer(check_id=asked(idea).pk, actor=org.member, answer="slipped",
                                  note="Bins unlabelled again on nights.")
    idea.refresh_from_db()
    assert check.outcome == HoldCheck.Outcome.REOPENED
    assert idea.status == Idea.Status.IN_PROGRESS
    assert idea.status_reason == "Did it hold? Slipped: Bins unlabelled again on nights."
    assert idea.done_at is None


def test_a_second_slip_proposes_a_systemic_issue_a_lead_opens(org, django_capture_on_commit_callbacks):
    idea = done_item(org)
    svc.hold_check_answer(check_id=asked(idea).pk, actor=org.member, answer="slipped",
                          note="Came back.")
    # Done again, and checked again weeks later.
    idea_services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead,
                                  learning="Second try: labels in a holder this time.")
    Idea.objects.filter(pk=idea.pk).update(done_at=timezone.now() - timedelta(days=31))
    idea.refresh_from_db()
    second = asked(idea)
    assert HoldCheck.objects.filter(idea=idea).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        second = svc.hold_check_answer(check_id=second.pk, actor=org.member, answer="slipped",
                                       note="Holders broke.")
    idea.refresh_from_db()
    assert second.outcome == HoldCheck.Outcome.SYSTEMIC_PROPOSED
    assert idea.status == Idea.Status.DONE  # not reopened: proposed instead
    assert SystemicIssue.objects.count() == 0  # nothing opened without a lead
    told = Notification.objects.filter(verb="hold_systemic_proposed")
    assert set(told.values_list("recipient__username", flat=True)) == {"lead"}

    assert not can_confirm_systemic(org.member, idea)
    with pytest.raises(Forbidden):
        svc.hold_check_open_systemic(check_id=second.pk, actor=org.member)
    issue = svc.hold_check_open_systemic(check_id=second.pk, actor=org.lead)
    assert issue.owner_team == org.line1 and issue.category == idea.category
    assert issue.title == "Keeps slipping: Label the bins"
    assert list(issue.problems.all()) == [idea]
    second.refresh_from_db()
    assert (second.outcome, second.systemic_issue, second.confirmed_by) == (
        HoldCheck.Outcome.SYSTEMIC_OPENED, issue, org.lead)
    with pytest.raises(Conflict):
        svc.hold_check_open_systemic(check_id=second.pk, actor=org.lead)


def test_the_answer_keeps_the_kpi_readings_before_and_since(org):
    idea = done_item(org, days_ago=31)
    done_day = timezone.localdate(idea.done_at)
    objective = Objective.objects.create(title="Flow", horizon_year=done_day.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=done_day.year, title="Less walking")
    priority = Priority.objects.create(goal=goal, title="Bins", why_now="Now", owner_team=org.plant,
                                       start=date(done_day.year - 1, 1, 1),
                                       end=date(done_day.year + 1, 12, 31))
    PriorityLink.objects.create(priority=priority, idea=idea)
    kpi = KPI.objects.create(priority=priority, name="Minutes searching", unit="min",
                             baseline=10, target=2, direction="down", owner_team=org.plant)
    for offset, value in ((-20, 9), (-3, 8), (5, 4), (20, 3.5)):
        KPIReading.objects.create(kpi=kpi, date=done_day + timedelta(days=offset),
                                  value=value)
    check = svc.hold_check_answer(check_id=asked(idea).pk, actor=org.member, answer="held")
    assert check.kpi_readings == [{
        "kpi": "Minutes searching", "unit": "min", "direction": "down",
        "before": "8", "before_date": (done_day - timedelta(days=3)).isoformat(),
        "since": "3.5", "since_date": (done_day + timedelta(days=20)).isoformat()}]
