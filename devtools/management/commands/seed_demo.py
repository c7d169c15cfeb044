"""Demo data for Tierline. Idempotent: running it twice changes nothing.

Each app that has a module in ``devtools.demo`` with ``seed(context)`` adds its part, in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.demo import org as org_demo

# Standards after reviews: its demo draws on the reviews' random sequence (devtools.demo.standards).
APPS_IN_ORDER = ["ideas", "capacity", "systemic", "huddles", "escalation", "strategy",
                 "experiments", "reviews", "standards", "method", "holdcheck", "scorecards"]


class Command(BaseCommand):
    help = "Create (or complete) the Tierline demo organisation and its data."

    def handle(self, *args, **options):
        with transaction.atomic():
            context = org_demo.seed()
            for app in APPS_IN_ORDER:
                try:
                    module = importlib.import_module(f"devtools.demo.{app}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"devtools.demo.{app}":
                        raise
                    continue
                module.seed(context)
                self.stdout.write(f"  {app}: demo data ready")
        self.stdout.write(self.style.SUCCESS(
            f"Demo organisation ready: {len(context['teams'])} teams, password "
            f"'{org_demo.DEMO_PASSWORD}' for every demo user."
        ))
