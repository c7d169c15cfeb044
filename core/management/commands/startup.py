"""Everything `make run` / `make dev` do before starting the processes, in one Django boot:
migrate, the cache table (when the cache is PostgreSQL), the demo organisation, static files,
and the demo logins."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the database and static files, seed the demo, print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--no-seed", action="store_true", help="Skip the demo data.")
        parser.add_argument("--no-static", action="store_true", help="Skip collectstatic.")

    def handle(self, *args, **options):
        self.stdout.write("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)
        if not options["no_seed"]:
            call_command("seed_demo", verbosity=0, stdout=self.stdout)
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("demo_logins", stdout=self.stdout)
