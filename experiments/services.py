"""Writes of experiments: add one to an item, record its evidence, decide it (adopt, adapt,
abandon — on evidence), and the rule that an item with an experiment lacking evidence is not
closed as done. Keyword-only, one transaction, the experiment's row locked for a change."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import access_idea
from ideas.services import record_event
from org.models import User
from strategy.checks import clean_text, known_fields
from strategy.models import KPI

from .models import Experiment
from .permissions import can_manage_experiments

EXPERIMENT_FIELDS = {"hypothesis", "signal", "kpi", "start", "end", "evidence", "learning"}


def _kpi(value) -> KPI | None:
    if value in (None, ""):
        return None
    kpi = KPI.objects.filter(pk=getattr(value, "pk", value)).first()
    if kpi is None:
        raise DomainError("Choose a KPI from the strategy, or none.", field="kpi")
    return kpi


def _check_experiment(exp: Experiment) -> None:
    exp.hypothesis = clean_text(exp.hypothesis, field="hypothesis", label="The hypothesis",
                                limit=2000)
    exp.signal = clean_text(exp.signal, field="signal", label="The signal to watch", limit=300)
    exp.evidence = clean_text(exp.evidence, field="evidence", label="The evidence", limit=5000,
                              required=False)
    exp.learning = clean_text(exp.learning, field="learning", label="The learning", limit=5000,
                              required=False)
    if exp.start is None:
        raise DomainError("Give the day the experiment starts.", field="start")
    if exp.end is not None and exp.end < exp.start:
        raise DomainError("The experiment ends before it starts: choose an end on or after "
                          "the start.", field="end", code="ends_before_start")
    if exp.decision and not exp.evidence:
        raise DomainError("A decided experiment keeps its evidence.", field="evidence",
                          code="evidence_required")


def _experiment_for(actor: User, experiment_id) -> Experiment:
    exp = (Experiment.objects.select_for_update().filter(pk=getattr(experiment_id, "pk",
                                                                    experiment_id)).first())
    if exp is None:
        raise DomainError("No such experiment.", code="not_found")
    idea = access_idea(actor, exp.idea_id)
    if not can_manage_experiments(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads (and its reporter while it is "
                        "new) manage its experiments.")
    exp.idea = idea
    return exp


@transaction.atomic
def experiment_create(*, idea_id: int, actor: User, hypothesis: str, signal: str, start: date,
                      end: date | None = None, kpi: KPI | int | None = None) -> Experiment:
    """Adds an experiment to an item: what we believe, what we watch, for how long."""
    idea = access_idea(actor, idea_id)
    if not can_manage_experiments(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads (and its reporter while it is "
                        "new) add experiments to it.")
    exp = Experiment(idea=idea, hypothesis=hypothesis, signal=signal, start=start, end=end,
                     kpi=_kpi(kpi), created_by=actor)
    _check_experiment(exp)
    exp.save()
    record_event(idea=idea, actor=actor, verb="experiment_added",
                 text=f"Experiment: {exp.hypothesis[:200]}", data={"experiment": exp.pk})
    return exp


@transaction.atomic
def experiment_update(*, experiment_id: int, actor: User, **fields) -> Experiment:
    """Edits an experiment (e.g. records the evidence as it comes in). Locks the row."""
    exp = _experiment_for(actor, experiment_id)
    known_fields(fields, EXPERIMENT_FIELDS)
    if "kpi" in fields:
        fields["kpi"] = _kpi(fields["kpi"])
    for key, value in fields.items():
        setattr(exp, key, value if value is not None or key in ("end", "kpi") else "")
    _check_experiment(exp)
    exp.save()
    record_event(idea=exp.idea, actor=actor, verb="experiment_edited",
                 text="Experiment updated" + (": evidence recorded." if fields.get("evidence")
                                              else "."),
                 data={"experiment": exp.pk, "fields": sorted(fields)}, touch=False)
    return exp


@transaction.atomic
def experiment_decide(*, experiment_id: int, actor: User, decision: str,
                      evidence: str | None = None, learning: str = "") -> Experiment:
    """Adopt, adapt or abandon — on evidence. An abandoned experiment says what was learned:
    it counts as learning, not failure. Deciding again changes the decision (kept in the
    item's timeline)."""
    exp = _experiment_for(actor, experiment_id)
    if decision not in Experiment.Decision.values:
        raise DomainError("Choose adopt, adapt or abandon.", field="decision")
    if evidence is not None:
        exp.evidence = evidence
    exp.evidence = (exp.evidence or "").strip()
    if not exp.evidence:
        raise DomainError("Record the evidence first: what did you observe? An experiment is "
                          "decided on evidence, not impressions.", field="evidence",
                          code="evidence_required")
    exp.learning = (learning or exp.learning or "").strip()
    if decision == Experiment.Decision.ABANDON and not exp.learning:
        raise DomainError("Say what the experiment taught you: an abandoned experiment is "
                          "learning, not failure.", field="learning")
    exp.decision = decision
    exp.decided_by = actor
    exp.decided_at = timezone.now()
    _check_experiment(exp)
    exp.save()
    record_event(idea=exp.idea, actor=actor, verb="experiment_decided",
                 text=f"Experiment decided: {exp.get_decision_display().lower()}. "
                      f"Evidence: {exp.evidence[:300]}",
                 data={"experiment": exp.pk, "decision": decision})
    return exp


def done_needs_evidence(*, idea: Idea, to: str, actor: User, **_details) -> None:
    """ideas transition guard: an item with an experiment lacking evidence cannot be closed as
    done — the close asks for the evidence."""
    if to != Idea.Status.DONE:
        return
    missing = list(Experiment.objects.filter(idea_id=idea.pk, evidence="")
                   .values_list("hypothesis", flat=True)[:3])
    if missing:
        names = "; ".join(f"“{h[:80]}”" for h in missing)
        raise DomainError(
            f"Record the evidence of its experiment{'s' if len(missing) > 1 else ''} before "
            f"closing this item as done: {names}. Done without evidence is theatre.",
            field="evidence", code="experiment_without_evidence")
