"""The standards library: only the CoE edits standards; proposals from done items and the CoE's
decisions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from org.models import Notification
from standards import services as svc
from standards.models import StandardProposal
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_standards_are_edited_by_the_coe_only(org, coe, django_capture_on_commit_callbacks):
    standard = svc.standard_create(actor=coe, title="Safety walk", body="1. Walk",
                                   review_date=today() + timedelta(days=90))
    assert standard.current_version == 1 and standard.owner_id == coe.pk
    for outsider in (org.executive, org.admin, org.manager, org.member):
        outsider = type(outsider).objects.get(pk=outsider.pk)
        with pytest.raises(Forbidden):
            svc.standard_revise(standard_id=standard.pk, actor=outsider, body="x",
                                change_note="y")
        with pytest.raises(Forbidden):
            svc.standard_update(standard_id=standard.pk, actor=outsider, title="x")
        with pytest.raises(Forbidden):
            svc.standard_create(actor=outsider, title="x", body="x", review_date=today())
    # executives read and comment
    assert svc.standard_comment(standard_id=standard.pk, actor=org.executive,
                                text="Must cover contractors").pk
    version = svc.standard_revise(standard_id=standard.pk, actor=coe, body="1. Walk\n2. Check",
                                  change_note="Added the check")
    assert version.number == 2
    with pytest.raises(DomainError):
        svc.standard_revise(standard_id=standard.pk, actor=coe, body="x", change_note="")


def test_proposals_from_done_items(org, coe, django_capture_on_commit_callbacks):
    standard = svc.standard_create(actor=coe, title="Changeover", body="1. Stop",
                                   review_date=today())
    open_item = IdeaFactory(team=org.line1, reporter=org.member, owner=org.member)
    with pytest.raises(DomainError) as exc:
        svc.proposal_create(standard_id=standard.pk, idea_id=open_item.pk, actor=org.member,
                            text="Change it")
    assert exc.value.code == "not_done"
    done = IdeaFactory(team=org.line1, reporter=org.member, status="done", owner=org.member)
    with pytest.raises(Forbidden):
        svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.other,
                            text="Change it")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = svc.proposal_create(standard_id=standard.pk, idea_id=done.pk,
                                       actor=org.member, text="Check the pins first")
    assert Notification.objects.filter(recipient=coe, verb="standard_proposal").exists()
    with pytest.raises(Conflict):
        svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.member,
                            text="Again")
    with pytest.raises(Forbidden):
        svc.proposal_accept(proposal_id=proposal.pk, actor=org.executive, body="x")
    with pytest.raises(DomainError):
        svc.proposal_decline(proposal_id=proposal.pk, actor=coe, reason="")
    accepted = svc.proposal_accept(proposal_id=proposal.pk, actor=coe,
                                   body="1. Check pins\n2. Stop")
    assert accepted.state == "accepted" and accepted.version.number == 2
    assert accepted.version.idea_id == done.pk
    with pytest.raises(Conflict):
        svc.proposal_decline(proposal_id=proposal.pk, actor=coe, reason="late")
    second = svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.member,
                                 text="Another")
    declined = svc.proposal_decline(proposal_id=second.pk, actor=coe, reason="Covered by v2")
    assert declined.state == "declined" and declined.reason == "Covered by v2"
    assert StandardProposal.objects.filter(state="pending").count() == 0
