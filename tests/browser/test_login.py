"""Real Chromium: a demo-style user logs in at phone width, sees their teams, logs out."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_at_phone_width_home_and_logout(org, new_page):
    page = new_page(width=375, height=740)
    page.goto("/")
    assert "/accounts/login/" in page.url
    browser_login(page, "member")
    page.wait_for_url("**/")
    teams = page.get_by_test_id("my-teams")
    assert "Line 1" in teams.inner_text()
    assert "Tier 1" in teams.inner_text()
    # Nothing overflows sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The menu folds behind a button on a phone.
    nav = page.locator("#main-nav")
    assert not nav.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert nav.is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_failed_login_shows_a_message(org, new_page):
    page = new_page()
    browser_login(page, "member", password="wrong-password")
    assert "do not match" in page.get_by_test_id("login-error").inner_text()


def test_no_csp_violations_on_home(org, new_page):
    page = new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_login(page, "member")
    page.wait_for_url("**/")
    page.goto("/teams/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
