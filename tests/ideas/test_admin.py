"""Admin for ideas, comments, attachments and labels: changes go through the services."""

import pytest

from ideas import services
from ideas.models import Attachment, Comment, IdeaEvent, Label


@pytest.fixture
def idea(org, png):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Jam", category="cost",
                                labels=services.labels_resolve("wrap"))
    services.comment_create(idea_id=idea.pk, actor=org.lead, text="Seen")
    services.attachment_add(idea_id=idea.pk, actor=org.member, upload=png())
    return idea


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/admin/ideas/idea/", "/admin/ideas/idea/{idea}/change/", "/admin/ideas/idea/?status=new",
    "/admin/ideas/idea/?q=jam", "/admin/ideas/comment/", "/admin/ideas/comment/{comment}/change/",
    "/admin/ideas/attachment/", "/admin/ideas/attachment/{attachment}/change/",
    "/admin/ideas/label/", "/admin/ideas/label/add/", "/admin/ideas/idea/{idea}/history/",
])
def test_admin_pages_open(org, client_as, idea, url):
    url = url.format(idea=idea.pk, comment=Comment.objects.get().pk,
                     attachment=Attachment.objects.get().pk)
    assert client_as(org.admin).get(url).status_code == 200


@pytest.mark.django_db
def test_admin_change_goes_through_the_service(org, client_as, idea):
    client = client_as(org.admin)
    form = {"kind": "problem", "title": "Jam at the merge", "description": "",
            "team": org.line1.pk, "owner": org.lead.pk, "category": "cost",
            "priority": "high", "labels": [Label.objects.get().pk], "level": "team",
            "change_kind": "", "problem_statement": "", "root_cause": "", "countermeasure": "",
            "result": "", "estimated_benefit": "", "actual_benefit": "",
            **{f"{prefix}-{k}": "0" for prefix in ("comments", "attachments", "events")
               for k in ("TOTAL_FORMS", "INITIAL_FORMS")}}
    response = client.post(f"/admin/ideas/idea/{idea.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    idea.refresh_from_db()
    assert idea.title == "Jam at the merge" and idea.priority == "high" and idea.owner == org.lead
    assert IdeaEvent.objects.filter(idea=idea, verb="edited").exists()
    assert IdeaEvent.objects.filter(idea=idea, verb="assigned").exists()
    # An owner outside the team is refused with a form error; nothing changes.
    form.update(owner=org.other.pk, title="Changed again")
    refused = client.post(f"/admin/ideas/idea/{idea.pk}/change/", form)
    assert refused.status_code == 200 and "is not a member of" in refused.content.decode()
    idea.refresh_from_db()
    assert idea.title == "Jam at the merge"


@pytest.mark.django_db
def test_admin_deletes_attachment_with_its_files(org, client_as, idea,
                                                  django_capture_on_commit_callbacks):
    import os

    att = Attachment.objects.get()
    path = att.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(org.admin).post(f"/admin/ideas/attachment/{att.pk}/delete/",
                                             {"post": "yes"})
    assert response.status_code == 302
    assert not Attachment.objects.exists() and not os.path.exists(path)


@pytest.mark.django_db
def test_non_staff_cannot_reach_admin(org, client_as, idea):
    response = client_as(org.lead).get("/admin/ideas/idea/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
