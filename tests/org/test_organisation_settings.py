"""The organisation settings: one row, edited in the admin, never added twice or deleted."""

from decimal import Decimal

import pytest

from org.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def test_load_creates_one_row_with_defaults():
    first = OrganisationSettings.load()
    again = OrganisationSettings.load()
    assert first.pk == again.pk == 1
    assert OrganisationSettings.objects.count() == 1
    assert first.anonymous_raising is True and first.hold_check_days == 30
    assert first.impact_validation is False and first.impact_validation_since is None


def test_saving_another_row_updates_the_one_row():
    OrganisationSettings.load()
    OrganisationSettings(hold_check_days=45).save()
    assert OrganisationSettings.objects.count() == 1
    assert OrganisationSettings.load().hold_check_days == 45


def test_switching_validation_on_records_when():
    settings = OrganisationSettings.load()
    settings.impact_validation = True
    settings.save()
    since = OrganisationSettings.load().impact_validation_since
    assert since is not None
    settings.validation_money_threshold = Decimal("2500")
    settings.save()
    assert OrganisationSettings.load().impact_validation_since == since  # kept, not moved


def test_admin_opens_the_one_row_and_refuses_add_and_delete(org, client_as):
    client = client_as(org.admin)
    response = client.get("/admin/org/organisationsettings/")
    assert response.status_code == 302 and response.url.endswith("/1/change/")
    assert client.get(response.url).status_code == 200
    assert client.get("/admin/org/organisationsettings/add/").status_code == 403
    assert client.get("/admin/org/organisationsettings/1/delete/").status_code == 403
    response = client.post("/admin/org/organisationsettings/1/change/", {
        "anonymous_raising": "on", "hold_check_days": "0", "validation_money_threshold": "1000",
        "validation_hours_threshold": "40"})
    assert response.status_code == 200 and b"greater than or equal to 1" in response.content
    assert OrganisationSettings.load().hold_check_days == 30


def test_only_staff_reach_it(org, client_as):
    response = client_as(org.lead).get("/admin/org/organisationsettings/")
    assert response.status_code == 302 and "/login/" in response.url
