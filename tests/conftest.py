"""Fixtures shared by the whole suite: a small organisation, people in each role, API clients,
a real Celery worker and real Chromium."""

import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from org.models import Membership, Team, Tier, User
from tests.factories import MembershipFactory, TeamFactory, TierFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Org:
    """A four-tier organisation:

    exec (T4) ── plant (T3) ── sup (T2) ── line1 (T1), line2 (T1)
              └─ support (T3) ── maint (T2)
    """

    tiers: dict[int, Tier]
    exec: Team
    plant: Team
    support: Team
    sup: Team
    maint: Team
    line1: Team
    line2: Team
    member: User  # line1 member
    lead: User  # line1 lead
    other: User  # line2 member
    supervisor: User  # sup lead
    manager: User  # plant lead
    executive: User  # exec lead
    admin: User


@pytest.fixture(autouse=True, scope="session")
def _celery_tasks_registered():
    """Every app's tasks module imported, as a worker imports them at start: a task queued by
    name (``signature("org.tasks…")``) then runs eagerly in the tests whichever test comes
    first, instead of going to Redis when no earlier test happened to import its module."""
    from config.celery import app

    app.loader.import_default_modules()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture
def org(db) -> Org:
    tiers = {
        1: TierFactory(level=1, name="Front line", authority_limit=Decimal("500"),
                       aging_threshold_days=10, sla_ack_hours=8, sla_resolve_hours=48),
        2: TierFactory(level=2, name="Supervisors", authority_limit=Decimal("5000"),
                       sla_ack_hours=24, sla_resolve_hours=96),
        3: TierFactory(level=3, name="Managers", authority_limit=Decimal("50000"),
                       sla_ack_hours=48, sla_resolve_hours=168),
        4: TierFactory(level=4, name="Executive", authority_limit=Decimal("500000"),
                       sla_ack_hours=72, sla_resolve_hours=336),
    }
    ex = TeamFactory(name="Executive", slug="exec", tier=tiers[4])
    plant = TeamFactory(name="Plant", slug="plant", tier=tiers[3], parent=ex)
    support = TeamFactory(name="Support", slug="support", tier=tiers[3], parent=ex)
    sup = TeamFactory(name="Supervisors", slug="sup", tier=tiers[2], parent=plant)
    maint = TeamFactory(name="Maintenance", slug="maint", tier=tiers[2], parent=support)
    line1 = TeamFactory(name="Line 1", slug="line1", tier=tiers[1], parent=sup)
    line2 = TeamFactory(name="Line 2", slug="line2", tier=tiers[1], parent=sup)

    def person(username, team, role=Membership.Role.MEMBER):
        user = UserFactory(username=username, display_name=username.title())
        MembershipFactory(user=user, team=team, role=role)
        return user

    member = person("member", line1)
    lead = person("lead", line1, Membership.Role.LEAD)
    other = person("other", line2)
    supervisor = person("supervisor", sup, Membership.Role.LEAD)
    manager = person("manager", plant, Membership.Role.LEAD)
    executive = person("executive", ex, Membership.Role.LEAD)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return Org(tiers, ex, plant, support, sup, maint, line1, line2, member, lead, other,
               supervisor, manager, executive, admin)


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` authenticates it."""

    class _Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user=user)
            return self

    return _Client()


@pytest.fixture
def client_as(client):
    """``client_as(user)`` returns the Django test client logged in as that user."""

    def _login(user):
        client.force_login(user, backend="org.backends.UsernameOrEmailBackend")
        return client

    return _login


# ------------------------------------------------------------------ Celery


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = eager


# ------------------------------------------------------------------ browser

CHROMIUM = os.environ.get("TIERLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=375)`` opens a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def _open(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def browser_login(page, username: str, password: str = "pw-for-tests-1") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
