"""WCAG 2.1 A/AA in real Chromium: axe-core (the npm package, `make test` installs it) over the
main pages of each role, on the demo organisation, so the chips, badges, muted text and wall
columns the pages really show are checked. Wall screens are read from across a hall and tablets
in bright light: colour contrast is the failure this guards against first.

One seed for all pages (the demo takes a while); the test lists every violation it finds, by
page and rule, before failing."""

from pathlib import Path

import pytest
from django.core.management import call_command

from huddles import services as huddle_services
from ideas.models import Idea
from org.models import Team, User

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "tierline-demo"
# The WCAG 2.0 / 2.1 level A and AA rules (axe-core's tags).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# role (demo username, or None for a visitor) → (viewport width, pages)
PAGES = {
    None: (1280, ["/accounts/login/"]),
    "tom": (375, ["/", "/ideas/", "/ideas/new/", "{idea}", "/boards/line-1-day/"]),
    "amira": (1280, ["/", "/ideas/", "/escalations/", "/boards/line-1-day/",
                     "/capacity/line-1-day/", "/learning/"]),
    "sofia": (1280, ["/escalations/", "/boards/assembly-supervisors/", "/scorecards/"]),
    "helen": (1440, ["/", "/strategy/", "/scorecards/", "/scorecards/executive/",
                     "/escalations/overview/", "/systemic-issues/", "/strategy/constraints/",
                     "/scorecards/tiers/1/", "/scorecards/teams/line-1-day/"]),
    "olga": (1280, ["/standards/", "/learning/"]),
}


def _axe(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the pages' CSP allows no injected script tag.
    page.evaluate("source => { (0, eval)(source); }", AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' +"
        " (n.any.concat(n.all)[0] || {message: ''}).message), count: v.nodes.length})))",
        TAGS)
    return result


def _report(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}, {v['count']} elements) {v['help']}")
            lines += [f"    {node}" for node in v["nodes"]]
    return "\n".join(lines)


def test_the_main_pages_of_every_role_meet_wcag_aa(new_page):
    assert AXE.exists(), "axe-core is missing: `make test` installs it with npm"
    call_command("seed_demo", verbosity=0)
    idea = (Idea.objects.filter(team__slug="line-1-day", is_private=False)
            .order_by("-created_at").first())
    line = Team.objects.get(slug="line-1-day")
    _, key = huddle_services.display_link_create(
        team=line, actor=User.objects.get(username="amira"), label="Hall TV")

    found: dict[str, list[dict]] = {}
    checked = 0
    for username, (width, paths) in PAGES.items():
        page = new_page(width=width)
        if username:
            browser_login(page, username, DEMO_PASSWORD)
        for path in paths:
            url = path.format(idea=f"/ideas/{idea.pk}/")
            response = page.goto(url)
            assert response.status == 200, f"{username} {url}: {response.status}"
            violations = _axe(page)
            checked += 1
            if violations:
                found[f"{username or 'visitor'} {url}"] = violations
    # The wall, as the hall's TV opens it.
    wall = new_page(width=1920, height=1080)
    assert wall.goto(f"/boards/line-1-day/wall/?key={key}").status == 200
    violations = _axe(wall)
    checked += 1
    if violations:
        found["TV /boards/line-1-day/wall/"] = violations

    assert checked >= 20
    assert not found, "WCAG 2 A/AA violations:\n" + _report(found)


def test_the_check_finds_a_contrast_failure(new_page, org):
    """The check is able to fail: grey text on white is reported as colour contrast."""
    page = new_page()
    page.goto("/accounts/login/")
    page.evaluate("document.querySelector('h1, h2, label').style.color = '#c8c8c8'")
    assert "color-contrast" in {v["id"] for v in _axe(page)}
