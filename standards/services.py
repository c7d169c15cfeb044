"""Writes of the standards library: the CoE designated by admins, standards and their versions
(edited by the CoE only), changes proposed from done items and the CoE's decisions, comments.
Keyword-only, one transaction, the standard locked while a version is added."""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import access_idea
from org.models import Team, User
from org.notifications import notify
from org.permissions import is_admin, is_member
from org.selectors import team_leads, user_team_ids
from strategy.checks import clean_text, existing_row, known_fields, lock_row

from .models import (
    CentreOfExcellence,
    Standard,
    StandardComment,
    StandardProposal,
    StandardVersion,
)
from .permissions import can_edit_standards, can_propose_from, coe_team_ids

NOT_COE = ("Only the Centre of Excellence edits standards: executives say what must be true, "
           "the CoE owns how the work is done.")


def _require_coe(actor: User) -> None:
    if not can_edit_standards(actor):
        raise Forbidden(NOT_COE)


def _standard_url(standard_id: int) -> str:
    return reverse("standards:detail", args=[standard_id])


def _coe_leads(team_id: int) -> list[int]:
    return list(team_leads(team_id).values_list("pk", flat=True))


@transaction.atomic
def coe_designate(*, actor: User, team: Team | int) -> CentreOfExcellence:
    """Admins designate the team that owns the standards library."""
    if not is_admin(actor):
        raise Forbidden("Only administrators designate the Centre of Excellence.")
    team_obj = Team.objects.filter(pk=getattr(team, "pk", team), active=True).first()
    if team_obj is None:
        raise DomainError("Choose an active team.", field="team")
    coe, _ = CentreOfExcellence.objects.get_or_create(team=team_obj)
    return coe


def _coe_team_for(actor: User) -> Team:
    ids = sorted(coe_team_ids() & set(user_team_ids(actor)))
    return Team.objects.get(pk=ids[0])


def _check_standard(standard: Standard) -> None:
    standard.title = clean_text(standard.title, field="title", label="A title", limit=200)
    standard.summary = clean_text(standard.summary, field="summary", label="The summary",
                                  limit=500, required=False)
    if standard.review_date is None:
        raise DomainError("Give the date the standard is next reviewed.", field="review_date")
    if standard.owner_id and not is_member(standard.owner, standard.owner_team_id):
        raise DomainError("The owner is someone in the Centre of Excellence.", field="owner")


@transaction.atomic
def standard_create(*, actor: User, title: str, body: str, review_date: date,
                    summary: str = "", owner: User | None = None,
                    change_note: str = "First version.") -> Standard:
    _require_coe(actor)
    standard = Standard(title=title, summary=summary, review_date=review_date,
                        owner_team=_coe_team_for(actor), owner=owner or actor)
    _check_standard(standard)
    body = clean_text(body, field="body", label="The standard's text", limit=20000)
    standard.save()
    StandardVersion.objects.create(standard=standard, number=1, body=body, created_by=actor,
                                   change_note=(change_note or "")[:500])
    return standard


@transaction.atomic
def standard_update(*, standard_id: int, actor: User, **fields) -> Standard:
    """Edits the standard's card (title, summary, owner, review date); the text changes only by
    a new version."""
    _require_coe(actor)
    standard = lock_row(Standard, standard_id, "standard")
    known_fields(fields, {"title", "summary", "review_date", "owner"})
    for key, value in fields.items():
        setattr(standard, key, value)
    _check_standard(standard)
    standard.save()
    return standard


def _new_version(standard: Standard, *, actor: User, body: str, change_note: str,
                 idea: Idea | None = None) -> StandardVersion:
    body = clean_text(body, field="body", label="The standard's text", limit=20000)
    change_note = clean_text(change_note, field="change_note", label="What changed", limit=500)
    standard.current_version += 1
    standard.save(update_fields=["current_version", "updated_at"])
    return StandardVersion.objects.create(standard=standard, number=standard.current_version,
                                          body=body, change_note=change_note, idea=idea,
                                          created_by=actor)


@transaction.atomic
def standard_revise(*, standard_id: int, actor: User, body: str,
                    change_note: str) -> StandardVersion:
    """A new version of the standard's text. Locks the standard: versions never collide."""
    _require_coe(actor)
    standard = lock_row(Standard, standard_id, "standard")
    return _new_version(standard, actor=actor, body=body, change_note=change_note)


@transaction.atomic
def proposal_create(*, standard_id: int, idea_id: int, actor: User,
                    text: str) -> StandardProposal:
    """A done item proposes a change to a standard; the CoE's leads are told."""
    standard = Standard.objects.filter(pk=standard_id).first()
    if standard is None:
        raise DomainError("No such standard.", field="standard", code="not_found")
    idea = access_idea(actor, idea_id)
    if idea.status != Idea.Status.DONE:
        raise DomainError("Only a done item — with what it taught — can propose a change to a "
                          "standard.", field="idea", code="not_done")
    if not can_propose_from(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads or whoever closed it propose "
                        "changes from it.")
    if StandardProposal.objects.filter(standard=standard, idea=idea,
                                       state=StandardProposal.State.PENDING).exists():
        raise Conflict("This item already has a pending proposal for this standard.")
    proposal = StandardProposal.objects.create(
        standard=standard, idea=idea, proposed_by=actor,
        text=clean_text(text, field="text", label="The proposed change", limit=5000))
    notify(recipients=_coe_leads(standard.owner_team_id), verb="standard_proposal",
           actor=actor, text=f"A change to “{standard.title}” was proposed.",
           event_key=f"strategy:proposal:{proposal.pk}", url=_standard_url(standard.pk),
           target=proposal)
    return proposal


def _pending(proposal_id: int, actor: User) -> StandardProposal:
    _require_coe(actor)
    proposal = (StandardProposal.objects.select_for_update()
                .select_related("standard").filter(pk=proposal_id).first())
    if proposal is None:
        raise DomainError("No such proposal.", code="not_found")
    if proposal.state != StandardProposal.State.PENDING:
        raise Conflict(f"This proposal was already {proposal.get_state_display().lower()}.")
    return proposal


@transaction.atomic
def proposal_accept(*, proposal_id: int, actor: User, body: str,
                    change_note: str = "") -> StandardProposal:
    """The CoE accepts: the standard gets a new version that names the item behind it."""
    proposal = _pending(proposal_id, actor)
    standard = Standard.objects.select_for_update().get(pk=proposal.standard_id)
    version = _new_version(standard, actor=actor, body=body,
                           change_note=change_note or f"From item #{proposal.idea_id}.",
                           idea=proposal.idea)
    proposal.version = version
    return _decide(proposal, actor=actor, state=StandardProposal.State.ACCEPTED,
                   text=f"Your change to “{standard.title}” was accepted: "
                        f"version {version.number}.")


@transaction.atomic
def proposal_decline(*, proposal_id: int, actor: User, reason: str) -> StandardProposal:
    proposal = _pending(proposal_id, actor)
    proposal.reason = clean_text(reason, field="reason", label="A reason", limit=2000)
    return _decide(proposal, actor=actor, state=StandardProposal.State.DECLINED,
                   text=f"Your change to “{proposal.standard.title}” was declined: "
                        f"{proposal.reason}")


def _decide(proposal: StandardProposal, *, actor: User, state: str,
            text: str) -> StandardProposal:
    """Records the CoE's decision on a pending proposal and tells the proposer
    (``standard_proposal_accepted`` / ``standard_proposal_declined``)."""
    proposal.state = state
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save()
    notify(recipients=[proposal.proposed_by_id], verb=f"standard_proposal_{state}", actor=actor,
           text=text, event_key=f"strategy:proposal:{proposal.pk}:{state}",
           url=_standard_url(proposal.standard_id), target=proposal)
    return proposal


@transaction.atomic
def standard_comment(*, standard_id: int, actor: User, text: str) -> StandardComment:
    """Anyone logged in — executives included — comments on a standard."""
    standard = existing_row(Standard.objects, standard_id, "standard")
    return StandardComment.objects.create(
        standard=standard, author=actor,
        text=clean_text(text, field="text", label="A comment", limit=2000))
