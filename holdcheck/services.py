""""Did it hold?" answers and what follows from them. Keyword-only, one transaction, the check and
its item locked (the owner and a lead may answer at the same moment: one wins, the other gets a
409).

- held / partly: recorded, nothing else changes;
- slipped (the first time for the item): the item is reopened (back in progress) with the
  answer's note as the reason;
- slipped again (an earlier check of the item slipped too): the change does not stick where
  the team works — a systemic issue is *proposed*: the team's leads are told, and one of them
  opens it from the check's page (``hold_check_open_systemic``), owned by the team, with the
  item linked. Nothing is opened without a lead's decision."""

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.services import idea_transition, record_event
from org.models import User
from org.notifications import notify
from org.selectors import team_leads
from systemic.models import SystemicIssue
from systemic.services import systemic_issue_create

from .models import HoldCheck
from .permissions import can_answer, can_confirm_systemic
from .selectors import kpi_readings

Answer, Outcome = HoldCheck.Answer, HoldCheck.Outcome
NOTE_MAX = 2000


def check_url(check: HoldCheck) -> str:
    return f"/hold-checks/{check.pk}/"


def _lock(check_id: int) -> tuple[HoldCheck, Idea]:
    check = HoldCheck.objects.select_for_update().filter(pk=check_id).first()
    if check is None:
        raise DomainError("No such check.", code="not_found")
    idea = Idea.objects.select_for_update().get(pk=check.idea_id)
    check.idea = idea
    return check, idea


@transaction.atomic
def hold_check_answer(*, check_id: int, actor: User, answer: str, note: str = "") -> HoldCheck:
    """Records held / partly / slipped with the linked KPIs' readings as they stand; a slip
    reopens the item, a second slip proposes a systemic issue (see the module)."""
    check, idea = _lock(check_id)
    if not can_answer(actor, idea):
        raise Forbidden("The item's owner and its team's leads say whether it held.")
    if check.answer:
        raise Conflict(f"This check was already answered ({check.get_answer_display().lower()}).",
                       extra={"answer": check.answer})
    if idea.status != Idea.Status.DONE or idea.done_at != check.done_at:
        raise Conflict("The item was reopened since it was done: there is nothing to check now.")
    if answer not in Answer.values:
        raise DomainError("Say whether it held: held, partly or slipped.", field="answer")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX:,} characters.", field="note")
    if answer != Answer.HELD and not note:
        raise DomainError("Say what did not hold, so the team can act on it.", field="note")

    now = timezone.now()
    check.answer, check.note = answer, note
    check.answered_by, check.answered_at = actor, now
    check.kpi_readings = kpi_readings(idea, check.done_at)
    earlier_slips = HoldCheck.objects.filter(idea_id=idea.pk, answer=Answer.SLIPPED).exclude(
        pk=check.pk).exists()
    if answer == Answer.SLIPPED:
        check.outcome = Outcome.SYSTEMIC_PROPOSED if earlier_slips else Outcome.REOPENED
    check.save()

    label = check.get_answer_display().lower()
    record_event(idea=idea, actor=actor, verb="hold_check",
                 text=f"Did it hold? {check.get_answer_display()}." + (f" {note}" if note else ""),
                 data={"check": check.pk, "answer": answer}, touch=False)
    if check.outcome == Outcome.REOPENED:
        idea_transition(idea_id=idea.pk, to=Idea.Status.IN_PROGRESS, actor=actor,
                        reason=f"Did it hold? Slipped: {note}"[:5000])
    elif check.outcome == Outcome.SYSTEMIC_PROPOSED:
        notify(recipients=team_leads(idea.team_id), verb="hold_systemic_proposed",
               text=(f"#{idea.pk} {idea.title[:150]} slipped a second time after it was done: "
                     "open a systemic issue for it?"),
               event_key=f"hold-check:{check.pk}:systemic", url=check_url(check),
               target=idea, actor=actor)
    if actor.pk != idea.reporter_id and answer != Answer.HELD:
        notify(recipients=[idea.reporter_id], verb="hold_check_answered",
               text=f"#{idea.pk} {idea.title[:150]}: {label} weeks after it was done.",
               event_key=f"hold-check:{check.pk}:answered", url=f"/ideas/{idea.pk}/",
               target=idea, actor=actor)
    return check


def proposal_text(check: HoldCheck) -> tuple[str, str]:
    """The title and statement a proposed systemic issue starts from."""
    idea = check.idea
    title = f"Keeps slipping: {idea.title}"[:200]
    statement = (f"#{idea.pk} was done twice and slipped back both times after the "
                 f"\"did it hold?\" check. Latest note: {check.note}")[:10000]
    return title, statement


@transaction.atomic
def hold_check_open_systemic(*, check_id: int, actor: User, title: str = "",
                             statement: str = "") -> SystemicIssue:
    """A lead opens the systemic issue a second slip proposed: owned by the item's team, the
    item linked, the check marked as acted on. Twice → 409."""
    check, idea = _lock(check_id)
    if not can_confirm_systemic(actor, idea):
        raise Forbidden("A lead of the item's team opens the proposed systemic issue.")
    if check.outcome != Outcome.SYSTEMIC_PROPOSED:
        raise Conflict("No systemic issue is waiting to be opened from this check.")
    default_title, default_statement = proposal_text(check)
    issue = systemic_issue_create(actor=actor, title=title or default_title,
                                  statement=statement or default_statement,
                                  category=idea.category, owner_team=idea.team_id,
                                  problems=[idea.pk])
    check.outcome, check.systemic_issue, check.confirmed_by = (Outcome.SYSTEMIC_OPENED, issue,
                                                               actor)
    check.save(update_fields=["outcome", "systemic_issue", "confirmed_by"])
    return issue
