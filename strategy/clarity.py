"""Clarity before urgency: a priority is deployed only once it says what success is, how it is
measured, who owns it and why it matters now — otherwise unresolved ambiguity is handed down.

``clarity_gaps`` is the rule (the deploy form, the services and the API all call it); the
executive scorecard grades the same four things across the organisation (strategy.figures)."""

from core.errors import DomainError

from .models import Priority

GAPS = {
    "success_criteria": "State the success criteria: what must be true when it is achieved.",
    "kpis": "Add at least one KPI with a target: how will we know it is working?",
    "owner_team": "Choose the owner team.",
    "why_now": "Say why now: why this matters more than other problems at the moment.",
}
SHORT = {"success_criteria": "success criteria", "kpis": "a KPI with a target",
         "owner_team": "an owner team", "why_now": "a why-now"}


def clarity_gaps(priority: Priority) -> dict[str, str]:
    """What the priority still lacks before it can be deployed, field → what to do (empty when
    it is clear). Reads ``priority.kpis`` (prefetch it on list pages)."""
    gaps = {}
    if not (priority.success_criteria or "").strip():
        gaps["success_criteria"] = GAPS["success_criteria"]
    if not any(k.target is not None for k in priority.kpis.all()):
        gaps["kpis"] = GAPS["kpis"]
    if priority.owner_team_id is None:
        gaps["owner_team"] = GAPS["owner_team"]
    if not (priority.why_now or "").strip():
        gaps["why_now"] = GAPS["why_now"]
    return gaps


def missing_text(gaps: dict[str, str]) -> str:
    return ", ".join(SHORT[f] for f in gaps)


def require_clarity(priority: Priority) -> None:
    """Refuses to deploy (or cascade) a priority that is not clear yet. The API answers 400
    with one field error per gap (``extra["errors"]`` replaces the single field of a
    DomainError in core.api's error body)."""
    gaps = clarity_gaps(priority)
    if gaps:
        raise DomainError(
            f"“{priority.title}” cannot be deployed yet: provide clarity before urgency. It "
            f"still needs {missing_text(gaps)}.", field="priority", code="not_clear",
            extra={"errors": {field: [text] for field, text in gaps.items()},
                   "missing": list(gaps)})
