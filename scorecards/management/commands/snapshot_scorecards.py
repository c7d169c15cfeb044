"""Takes the scorecard snapshots of one day or backfills a range:

    python manage.py snapshot_scorecards                       # yesterday
    python manage.py snapshot_scorecards --date 2026-03-01
    python manage.py snapshot_scorecards --from 2026-01-01 --to 2026-03-31

Idempotent: a day taken again is replaced, never duplicated."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import DomainError
from scorecards.services import snapshot_backfill


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{name} must be a date (YYYY-MM-DD), not {value!r}.")


class Command(BaseCommand):
    help = "Take (or retake) the scorecard snapshots of a day or a range of days."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="One day (default: yesterday).")
        parser.add_argument("--from", dest="start", help="First day of a backfill.")
        parser.add_argument("--to", dest="end", help="Last day of a backfill (default: "
                                                     "yesterday).")

    def handle(self, *args, date=None, start=None, end=None, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        if date and (start or end):
            raise CommandError("Give either --date or --from/--to, not both.")
        if date:
            first = last = _day(date, "date")
        else:
            last = _day(end, "to") if end else yesterday
            first = _day(start, "from") if start else last
        began = time.perf_counter()
        try:
            rows = snapshot_backfill(start=first, end=last)
        except DomainError as exc:
            raise CommandError(exc.message)
        days = (last - first).days + 1
        self.stdout.write(self.style.SUCCESS(
            f"{rows} snapshots for {days} day{'s' if days != 1 else ''} "
            f"({first} to {last}) in {time.perf_counter() - began:.1f} s."))
