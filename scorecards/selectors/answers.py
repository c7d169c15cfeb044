"""Curiosity or judgment? For the executives' panel: per tier, the response times beside the
share of answers the raising teams said helped, and the answers returned without help.

The per-tier figures are the organisation scorecard's tier rows (snapshot or live: no
query); the list is one query over the escalations the executive may see."""

from datetime import datetime, timedelta

from django.urls import reverse

from escalation.feedback import returned_without_help

from .scorecard import Scorecard

CASES_SHOWN = 8


def answers_by_tier(card: Scorecard) -> list[dict]:
    """A row per tier (top first) with escalations sent to it: the median hours to
    acknowledge and days to decide, the answers rated and how they were rated."""
    rows = []
    for row in card.rows:
        v = row.values
        rows.append({
            "label": row.label, "level": row.level, "url": row.url,
            "ack_hours": v.get("ack_time_median"), "decide_days": v.get("resolve_time_median"),
            "decided": (v.get("escalations_resolved") or 0) + (v.get("escalations_returned") or 0),
            "rated": v.get("answers_rated") or 0, "helped": v.get("answers_helped") or 0,
            "partly": v.get("answers_partly") or 0,
            "not_helped": v.get("answers_not_helped") or 0,
            "share": v.get("answers_helped_share"),
        })
    return rows


def answers_panel(user, card: Scorecard, *, now: datetime, days: int = 30) -> dict:
    """The panel's "Curiosity or judgment?" card as plain values (the panel is cached)."""
    tiers = answers_by_tier(card)
    rated = sum(r["rated"] for r in tiers)
    helped = sum(r["helped"] for r in tiers)
    cases = [{"id": e.pk, "title": e.idea.title, "url": reverse("escalation:detail",
                                                                 args=[e.pk]),
              "from_team": e.from_team.name, "to_team": e.to_team.name,
              "tier": e.to_team.tier.level, "note": e.feedback.note,
              "rated_at": e.feedback.rated_at}
             for e in returned_without_help(user, since=now - timedelta(days=days),
                                            limit=CASES_SHOWN)]
    return {"tiers": [r for r in tiers if r["decided"] or r["rated"]], "rated": rated,
            "helped": helped, "share": round(helped / rated, 4) if rated else None,
            "cases": cases,
            "cases_url": reverse("escalation:overview")}
