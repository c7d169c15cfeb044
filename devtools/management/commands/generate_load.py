"""`python manage.py generate_load --ideas 1000000 --teams 200`: a large, realistic data set
built with bulk inserts (COPY on PostgreSQL), for load tests and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from devtools.load import generate_load


class Command(BaseCommand):
    help = "Build a large data set quickly: teams, people, items and escalations."

    def add_arguments(self, parser):
        parser.add_argument("--ideas", type=int, required=True, help="How many items.")
        parser.add_argument("--teams", type=int, required=True, help="How many teams.")
        parser.add_argument("--stale", type=float, default=0.1,
                            help="Share of items that are open and idle beyond their tier's "
                                 "aging threshold (default 0.1).")
        parser.add_argument("--people", type=int, default=6, help="People per team.")
        parser.add_argument("--prefix", default="load",
                            help="Slug and username prefix (one data set per prefix).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **o):
        began = time.perf_counter()
        try:
            result = generate_load(ideas=o["ideas"], teams=o["teams"], stale=o["stale"],
                                   per_team=o["people"], prefix=o["prefix"], seed=o["seed"])
        except DomainError as exc:
            raise CommandError(exc.message)
        seconds = time.perf_counter() - began
        self.stdout.write(self.style.SUCCESS(
            f"{result.ideas:,} items ({result.stale:,} stale), {result.escalations:,} "
            f"escalations, {result.teams} teams, {result.users:,} people in {seconds:.1f} s."))
