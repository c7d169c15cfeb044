"""CSV import of teams and of users with memberships: good rows land, any bad row saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from org.models import Membership, Team, User

GOOD_TEAMS = (
    "name,slug,tier_level,parent_slug,description,active\n"
    "Line 3,line3,1,sup,Third line,1\n"
    "Cell 3A,cell3a,1,plant,Reports two tiers up,1\n"
)
BAD_TEAMS = (
    "name,slug,tier_level,parent_slug,description,active\n"
    "Line 3,line3,1,sup,ok row,1\n"
    "Upside down,upside,3,line1,parent below,1\n"
    "No tier,notier,9,sup,unknown tier,1\n"
)
GOOD_USERS = (
    "username,email,display_name,first_name,last_name,teams\n"
    "nia,nia@example.test,Nia Cole,Nia,Cole,line1:lead; sup\n"
    "raj,raj@example.test,Raj Iyer,Raj,Iyer,line2\n"
)
BAD_USERS = (
    "username,email,display_name,first_name,last_name,teams\n"
    "nia,nia@example.test,Nia Cole,Nia,Cole,line1\n"
    "dup,member@example.test,Dup,Dup,Licate,line1\n"
    "ghost,ghost@example.test,Ghost,Gh,Ost,nowhere:lead\n"
    "boss,boss@example.test,Boss,Bo,Ss,line1:king\n"
)


def _import(client, model, text):
    upload = SimpleUploadedFile("import.csv", text.encode(), content_type="text/csv")
    return client.post(f"/admin/org/{model}/import/",
                       {"import_file": upload, "format": "0", "resource": "0"})


def _confirm(client, model, response):
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(f"/admin/org/{model}/process_import/", data)


@pytest.mark.django_db
def test_good_teams_file_imports(client_as, org):
    client = client_as(org.admin)
    preview = _import(client, "team", GOOD_TEAMS)
    assert preview.status_code == 200
    assert not preview.context["result"].has_validation_errors()
    assert not Team.objects.filter(slug="line3").exists()  # a preview saves nothing
    done = _confirm(client, "team", preview)
    assert done.status_code == 302
    line3 = Team.objects.get(slug="line3")
    assert line3.parent == org.sup and line3.tier.level == 1
    assert Team.objects.get(slug="cell3a").parent == org.plant


@pytest.mark.django_db
def test_bad_team_rows_are_reported_and_nothing_is_saved(client_as, org):
    client = client_as(org.admin)
    response = _import(client, "team", BAD_TEAMS)
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = {row.number for row in result.invalid_rows}
    assert invalid == {2, 3}
    assert b"higher tier" in response.content
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Team.objects.filter(slug__in=["line3", "upside", "notier"]).exists()


@pytest.mark.django_db
def test_good_users_file_imports_with_memberships(client_as, org):
    client = client_as(org.admin)
    preview = _import(client, "user", GOOD_USERS)
    assert not preview.context["result"].has_validation_errors()
    assert _confirm(client, "user", preview).status_code == 302
    nia = User.objects.get(username="nia")
    roles = dict(Membership.objects.filter(user=nia).values_list("team__slug", "role"))
    assert roles == {"line1": "lead", "sup": "member"}
    assert not nia.has_usable_password()


@pytest.mark.django_db
def test_bad_user_rows_are_reported_and_nothing_is_saved(client_as, org):
    client = client_as(org.admin)
    response = _import(client, "user", BAD_USERS)
    result = response.context["result"]
    assert result.has_validation_errors()
    assert {row.number for row in result.invalid_rows} == {2, 3, 4}
    content = response.content.decode()
    assert "already exists" in content and "nowhere" in content and "king" in content
    assert not User.objects.filter(username__in=["nia", "dup", "ghost", "boss"]).exists()


@pytest.mark.django_db
def test_only_admins_import(client_as, org):
    response = client_as(org.executive).get("/admin/org/team/import/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
