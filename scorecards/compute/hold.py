""""Did it hold?" on the scorecards: of the checks answered in each window (on the scope's
teams' items), how many held, partly held and slipped — and the share that held. Kept apart
from the other steps: one aggregate query, parts named ``hold_*``."""

from django.db.models import Count, Q

from holdcheck.models import HoldCheck

from .figures import ratio
from .scopes import Span, Sums

Answer = HoldCheck.Answer


def count_hold_checks(sums: Sums, span: Span) -> None:
    """Checks answered in each window, per team of the item (one query over the widest
    window)."""
    answered = (HoldCheck.objects.filter(answered_at__gte=span.widest, answered_at__lt=span.hi,
                                         idea__team_id__in=sums.team_ids)
                .exclude(answer=""))
    parts = {}
    for w, lo in span.los.items():
        inside = Q(answered_at__gte=lo)
        parts[f"hold_checked__{w}"] = Count("pk", filter=inside)
        parts[f"hold_held__{w}"] = Count("pk", filter=inside & Q(answer=Answer.HELD))
        parts[f"hold_partly__{w}"] = Count("pk", filter=inside & Q(answer=Answer.PARTLY))
        parts[f"hold_slipped__{w}"] = Count("pk", filter=inside & Q(answer=Answer.SLIPPED))
    for row in answered.order_by().values("idea__team_id").annotate(**parts):
        sums.split(row, "idea__team_id")


def hold_figures(p: dict) -> dict:
    """The held share and its counts for one scope and window (none when nothing was
    checked)."""
    checked = int(p["hold_checked"])
    return {"held_share": ratio(p["hold_held"], checked), "hold_checked": checked,
            "hold_held": int(p["hold_held"]), "hold_partly": int(p["hold_partly"]),
            "hold_slipped": int(p["hold_slipped"])}
