"""The four jobs as Celery runs them: task names, acks_late and limits, the beat schedule, the
run_job command — and once through a real worker consuming from Redis."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.celery import app
from escalation.models import Escalation
from ideas.models import Idea
from org.models import Notification
from scorecards.models import Snapshot
from tests.factories import IdeaFactory

JOBS = {
    "ideas.tasks.flag_aging_items": "hourly",
    "escalation.tasks.flag_stalled_escalations": "every 15 minutes",
    "scorecards.tasks.snapshot_scorecards": "nightly",
    "org.tasks.send_digests": "every morning",
}


def test_every_job_is_a_late_acked_task_with_time_limits():
    app.loader.import_default_modules()
    for name in JOBS:
        task = app.tasks[name]
        assert task.acks_late is True, name
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit, name
        assert task.autoretry_for, name  # transient errors are retried
    assert app.conf.task_reject_on_worker_lost is True  # a killed worker's job is redelivered


def test_the_beat_schedule_is_in_one_place_and_names_every_job():
    scheduled = {entry["task"]: entry["schedule"] for entry in
                 settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(JOBS) <= set(scheduled)
    assert "org.tasks.heartbeat" in scheduled
    aging = scheduled["ideas.tasks.flag_aging_items"]
    assert aging.minute == {5} and len(aging.hour) == 24
    stalled = scheduled["escalation.tasks.flag_stalled_escalations"]
    assert stalled.minute == {0, 15, 30, 45}
    nightly = scheduled["scorecards.tasks.snapshot_scorecards"]
    assert (nightly.hour, nightly.minute) == ({0}, {20})
    assert scheduled["org.tasks.send_due_emails"] == timedelta(minutes=1)
    digest = scheduled["org.tasks.send_digests"]
    assert (digest.hour, digest.minute) == ({6}, {30})


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["flag_stalled_escalations", "snapshot_scorecards",
                                  "send_digests", "heartbeat"])
def test_run_job_runs_each_job_by_name(org, name, capsys):
    call_command("run_job", name)
    assert capsys.readouterr().out.startswith(f"{name}: ")


@pytest.mark.django_db
def test_run_job_refuses_an_unknown_name(db):
    with pytest.raises(CommandError, match="Unknown job 'flag_everything'"):
        call_command("run_job", "flag_everything")


def _wait(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
def test_the_jobs_run_on_a_real_worker_and_a_duplicate_delivery_changes_nothing(
        org, celery_worker_real):
    from escalation.tasks import flag_stalled_escalations
    from ideas.tasks import flag_aging_items
    from org.tasks import send_digests
    from scorecards.tasks import snapshot_scorecards

    now = timezone.now()
    aging = IdeaFactory(team=org.line1, reporter=org.member, owner=org.member,
                        title="Idle for weeks", last_activity_at=now - timedelta(days=20))
    waiting = IdeaFactory(team=org.line1, reporter=org.member, title="Needs the supervisors",
                          waiting_on_team=org.sup)
    raised = now - timedelta(hours=10)
    escalation = Escalation.objects.create(
        idea=waiting, from_team=org.line1, to_team=org.sup, reason="resources", ask="Help",
        raised_by=org.lead, raised_at=raised, due_ack_at=raised + timedelta(hours=8),
        due_resolve_at=raised + timedelta(hours=48))

    # Each job delivered twice, as a broker may do after a lost acknowledgement.
    for task in (flag_aging_items, flag_stalled_escalations):
        task.delay()
        task.delay()
    assert _wait(lambda: Idea.objects.filter(pk=aging.pk, aging_flagged_at__isnull=False)
                 .exists()), "the aging job did not run"
    assert _wait(lambda: Escalation.objects.filter(pk=escalation.pk, stalled_at__isnull=False)
                 .exists()), "the stalled job did not run"
    assert _wait(lambda: Notification.objects.filter(verb="stalled").exists())
    snapshot_scorecards.delay()
    snapshot_scorecards.delay()
    assert _wait(lambda: Snapshot.objects.filter(scope="org").exists()), "no snapshot"
    send_digests.delay()
    send_digests.delay()
    assert _wait(lambda: Notification.objects.filter(verb="digest").count() >= 2)
    # Let every queued delivery finish, then count: each nudge exists once.
    time.sleep(2)
    assert list(Notification.objects.filter(verb="aging")
                .values_list("recipient__username", flat=True)) == ["member"]
    assert list(Notification.objects.filter(verb="stalled")
                .values_list("recipient__username", flat=True)) == ["supervisor"]
    assert Snapshot.objects.filter(scope="org").count() == 1
    assert Snapshot.objects.count() == 7 + 4 + 1
    digests = sorted(m.to[0] for m in mail.outbox if "Morning digest" in m.subject)
    # member: the aging item; supervisor: the escalation; lead: nothing unowned is aging
    assert digests == ["member@example.test", "supervisor@example.test"]
