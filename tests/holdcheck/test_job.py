"""The daily ask: the right items, after the organisation's delay, the right people, once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from holdcheck.jobs import ask_hold_checks
from holdcheck.models import HoldCheck
from ideas.models import Idea
from org.models import Notification, OrganisationSettings

from .conftest import done_item

pytestmark = pytest.mark.django_db


def test_items_done_the_delay_ago_are_asked_once(org, django_capture_on_commit_callbacks):
    owned = done_item(org, days_ago=31, title="Owned")
    unowned = done_item(org, days_ago=30, title="Unowned")
    Idea.objects.filter(pk=unowned.pk).update(owner=None)
    done_item(org, days_ago=29, title="Too recent")
    done_item(org, days_ago=45, title="Too old: done before the catch-up window")
    with django_capture_on_commit_callbacks(execute=True):
        run = ask_hold_checks()
    assert run == {"asked": 2, "notified": 2}
    assert set(HoldCheck.objects.values_list("idea__title", flat=True)) == {"Owned", "Unowned"}
    check = HoldCheck.objects.get(idea=owned)
    assert check.due_on == timezone.localdate(owned.done_at) + timedelta(days=30)
    # The owner is asked; without an owner the team's leads are.
    asked = dict(Notification.objects.filter(verb="hold_check").values_list(
        "recipient__username", "url"))
    assert asked == {"member": f"/hold-checks/{check.pk}/",
                     "lead": f"/hold-checks/{HoldCheck.objects.get(idea=unowned).pk}/"}
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_hold_checks() == {"asked": 0, "notified": 0}
    assert Notification.objects.filter(verb="hold_check").count() == 2


def test_the_delay_comes_from_the_organisation_settings(org):
    settings = OrganisationSettings.load()
    settings.hold_check_days = 7
    settings.save()
    done_item(org, days_ago=8, title="A week on")
    done_item(org, days_ago=6, title="Not yet")
    assert ask_hold_checks()["asked"] == 1
    assert HoldCheck.objects.get().idea.title == "A week on"


def test_run_job_runs_it_by_name(org, capsys):
    done_item(org, days_ago=31)
    call_command("run_job", "ask_hold_checks")
    assert '"asked": 1' in capsys.readouterr().out


def test_the_job_is_a_late_acked_task_on_the_beat_schedule(settings):
    from config.celery import app

    app.loader.import_default_modules()
    task = app.tasks["holdcheck.tasks.ask_hold_checks"]
    assert task.acks_late and task.time_limit > task.soft_time_limit and task.autoretry_for
    scheduled = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    daily = scheduled["holdcheck.tasks.ask_hold_checks"]
    assert (daily.hour, daily.minute) == ({6}, {15})
