"""Checking what people send before anything is written: the spend, the reason, the texts, the
structured fields at the top tier and the other team of a cross-team conflict. Each check
raises a DomainError naming the field, so the forms and the API show it beside the input."""

from decimal import Decimal, InvalidOperation

from core.errors import DomainError
from org.models import Team

from .models import MAX_SPEND, Escalation
from .routing import Route, check_other_team

ASK_MAX = 5000


def clean_spend(value, *, field: str) -> Decimal | None:
    """None, or a sane amount of money: not negative, not absurd, at most two decimals."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("Enter an amount of money, e.g. 2500.", field=field)
    if not amount.is_finite():
        raise DomainError("Enter an amount of money, e.g. 2500.", field=field)
    if amount < 0:
        raise DomainError("A spend cannot be negative.", field=field)
    if amount > MAX_SPEND:
        raise DomainError(f"{amount:,.0f} is not a realistic spend (at most {MAX_SPEND:,.0f}).",
                          field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("Use at most two decimal places.", field=field)
    return amount.quantize(Decimal("0.01"))


def clean_reason(reason: str) -> str:
    if reason not in Escalation.Reason.values:
        raise DomainError("Choose why you escalate: authority, resources, knowledge or "
                          "cross-team.", field="reason")
    return reason


def clean_text(text: str, *, field: str, limit: int, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > limit:
        raise DomainError(f"Keep it under {limit} characters.", field=field)
    return text


def clean_ask(ask: str) -> str:
    return clean_text(ask, field="ask", limit=ASK_MAX,
                      message="Say what help you need: the ask is required.")


def clean_structured(route: Route, options: str, recommendation: str) -> tuple[str, str]:
    """At the top tier the escalation is structured: the options considered and a
    recommendation are required (both reported at once). Below it they are optional."""
    options, recommendation = (options or "").strip(), (recommendation or "").strip()
    errors: dict[str, list[str]] = {}
    for name, value, label in (("options", options, "the options you considered"),
                               ("recommendation", recommendation, "your recommendation")):
        if len(value) > ASK_MAX:
            errors[name] = [f"Keep it under {ASK_MAX} characters."]
        elif route.top_tier and not value:
            errors[name] = [f"{route.to_team.name} is the top tier: escalations reaching it "
                            f"are structured — give {label}."]
    if errors:
        first = next(iter(errors))
        raise DomainError(
            "Escalations to the top tier need the options considered and a recommendation."
            if route.top_tier else errors[first][0],
            field=first, code="structured", extra={"errors": errors})
    return options, recommendation


def other_team_of(origin: Team, reason: str, other_team_id) -> Team | None:
    """The other team of a cross-team conflict (required for that reason, ignored otherwise)."""
    if reason != Escalation.Reason.CROSS_TEAM:
        return None
    other = None
    if other_team_id not in (None, ""):
        other = Team.objects.select_related("tier").filter(
            pk=other_team_id if str(other_team_id).isdigit() else None).first()
        if other is None:
            raise DomainError("No such team.", field="other_team")
    return check_other_team(origin, other)
