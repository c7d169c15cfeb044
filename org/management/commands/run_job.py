"""Runs one periodic job once, now, in this process: `python manage.py run_job flag_aging_items`.

For operators (after an outage, or to see what a job does) and for tests. The job runs through
its Celery task (the same code as the worker runs), synchronously; `--enqueue` hands it to the
worker instead."""

import json
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

JOBS = {
    "flag_aging_items": "ideas.tasks.flag_aging_items",
    "check_improvement_capacity": "ideas.tasks.check_improvement_capacity",
    "flag_stalled_escalations": "escalation.tasks.flag_stalled_escalations",
    "snapshot_scorecards": "scorecards.tasks.snapshot_scorecards",
    "ask_hold_checks": "holdcheck.tasks.ask_hold_checks",
    "send_digests": "org.tasks.send_digests",
    "send_due_emails": "org.tasks.send_due_emails",
    "heartbeat": "org.tasks.heartbeat",
    "nudge_overdue_reviews": "strategy.tasks.nudge_overdue_reviews",
}


class Command(BaseCommand):
    help = "Run one periodic job once by name: " + ", ".join(JOBS) + "."
    # A job is often run from cron or by hand at a busy moment: the system checks (which import
    # every URL configuration, view and serializer) are for starting servers, not for running
    # one task — they cost more than an idle rerun of the job itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("name", help="The job: " + ", ".join(JOBS)
                            + " (or its full task name).")
        parser.add_argument("--enqueue", action="store_true",
                            help="Send it to the Celery worker instead of running it here.")

    def handle(self, *args, name, enqueue, **options):
        from celery import current_app as app  # the Tierline app (config/celery.py)

        task_name = JOBS.get(name, name)
        if task_name not in JOBS.values():
            raise CommandError(f"Unknown job {name!r}. Jobs: {', '.join(JOBS)}.")
        task = _task(app, task_name)
        if task is None:  # pragma: no cover - every listed task is defined
            raise CommandError(f"The task {task_name} is not registered.")
        if enqueue:
            result = task.apply_async()
            self.stdout.write(f"Queued {task_name} ({result.id}).")
            return
        result = task.apply(throw=True)
        value = result.get()
        self.stdout.write(self.style.SUCCESS(f"{name}: {json.dumps(value, default=str)}"))


def _task(app, task_name: str):
    """The task, importing only the module its name points at (``ideas.tasks``); every app's
    tasks module only when the task lives elsewhere under its public name."""
    try:
        import_module(task_name.rsplit(".", 1)[0])
    except ImportError:  # pragma: no cover - every listed name is an importable module
        pass
    if task_name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(task_name)
