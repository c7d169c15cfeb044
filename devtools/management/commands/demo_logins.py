from django.conf import settings
from django.core.management.base import BaseCommand

from devtools.demo.org import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(f"Tierline is starting at {settings.TIERLINE_BASE_URL}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<8} {what}")
        self.stdout.write("")
