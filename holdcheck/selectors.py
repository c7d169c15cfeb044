"""Reads of "did it hold?" checks: the ones waiting on a person (My work), one check as the
asking user may see it, the linked KPIs' readings around the change, and the held share the
learning library shows. Each a constant number of queries."""

from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from org.selectors import user_led_team_ids
from strategy.models import KPI, KPIReading

from .models import HoldCheck

Answer = HoldCheck.Answer


def pending_q(prefix: str = "") -> Q:
    """Checks still waiting for an answer whose item is still done since the same moment (an
    item reopened meanwhile is no longer asked about)."""
    return Q(**{f"{prefix}answer": "", f"{prefix}idea__status": Idea.Status.DONE,
                f"{prefix}idea__done_at": F(f"{prefix}done_at")})


def pending_checks_for(user) -> QuerySet[HoldCheck]:
    """The checks the user is asked to answer: items they own, and every item of the teams they
    lead (the leads answer when the owner does not)."""
    if not getattr(user, "is_authenticated", False):
        return HoldCheck.objects.none()
    mine = Q(idea__owner_id=user.pk) | Q(idea__team_id__in=list(user_led_team_ids(user)))
    return (HoldCheck.objects.filter(pending_q()).filter(mine)
            .select_related("idea", "idea__team", "idea__owner")
            .order_by("due_on", "id"))


def proposals_for(user) -> QuerySet[HoldCheck]:
    """Systemic issues proposed by a second slip that a lead of the item's team may open."""
    if not getattr(user, "is_authenticated", False):
        return HoldCheck.objects.none()
    return (HoldCheck.objects.filter(outcome=HoldCheck.Outcome.SYSTEMIC_PROPOSED,
                                     idea__team_id__in=list(user_led_team_ids(user)))
            .select_related("idea", "idea__team").order_by("-answered_at", "-id"))


def access_check(user, check_id) -> HoldCheck:
    """The check if the user may see its item; 404 otherwise (a private item's check leaks
    nothing)."""
    try:
        return (HoldCheck.objects.select_related("idea", "idea__team", "idea__owner",
                                                 "answered_by", "systemic_issue")
                .get(pk=check_id, idea__in=ideas_visible_to(user)))
    except (HoldCheck.DoesNotExist, ValueError, TypeError):
        raise Http404("No such check.")


def latest_check(user, idea_id) -> HoldCheck:
    """The item's latest check (404 when it has none or the item is not visible)."""
    check = (HoldCheck.objects.filter(idea_id=idea_id, idea__in=ideas_visible_to(user))
             .select_related("idea", "answered_by").order_by("-done_at", "-id").first())
    if check is None:
        raise Http404("This item has no \"did it hold?\" check.")
    return check


def checks_of(idea: Idea) -> list[HoldCheck]:
    """Every check of one item, newest first (for its page)."""
    return list(HoldCheck.objects.filter(idea=idea).select_related("answered_by", "systemic_issue")
                .order_by("-done_at", "-id"))


def kpi_readings(idea: Idea, done_at: datetime) -> list[dict]:
    """The KPIs the item links (through a priority it serves or one of its experiments), each
    with its last reading before the day the item was done and its latest reading since (three
    queries)."""
    kpis = list(KPI.objects.filter(Q(priority__links__idea_id=idea.pk)
                                   | Q(experiments__idea_id=idea.pk)).distinct()
                .order_by("name", "pk"))
    if not kpis:
        return []
    day = timezone.localdate(done_at)
    ids = [k.pk for k in kpis]
    base = KPIReading.objects.filter(kpi_id__in=ids).order_by("kpi_id", "-date").distinct(
        "kpi_id")
    before = {r.kpi_id: r for r in base.filter(date__lt=day)}
    since = {r.kpi_id: r for r in base.filter(date__gte=day)}
    out = []
    for kpi in kpis:
        b, s = before.get(kpi.pk), since.get(kpi.pk)
        out.append({
            "kpi": kpi.name, "unit": kpi.unit, "direction": kpi.direction,
            "before": _num(b.value) if b else None, "before_date": b.date.isoformat() if b else None,
            "since": _num(s.value) if s else None, "since_date": s.date.isoformat() if s else None,
        })
    return out


def _num(value) -> str:
    """A reading as people write it: 8, 3.5 (not 8.0000)."""
    return f"{value.normalize():f}"


def held_figures(user, *, since: date | None = None) -> dict:
    """The checks answered since ``since`` (default: the last 365 days) on the items the user
    may see: how many held, partly held and slipped, and the held share (one query)."""
    since = since or timezone.localdate() - timedelta(days=365)
    row = (HoldCheck.objects.filter(answered_at__date__gte=since,
                                    idea__in=ideas_visible_to(user))
           .exclude(answer="")
           .aggregate(answered=Count("pk"), held=Count("pk", filter=Q(answer=Answer.HELD)),
                      partly=Count("pk", filter=Q(answer=Answer.PARTLY)),
                      slipped=Count("pk", filter=Q(answer=Answer.SLIPPED))))
    row["share"] = round(row["held"] / row["answered"], 4) if row["answered"] else None
    row["since"] = since
    return row


def recent_answers(user, limit: int = 10) -> list[HoldCheck]:
    """The latest answered checks on items the user may see (learning library)."""
    return list(HoldCheck.objects.filter(idea__in=ideas_visible_to(user)).exclude(answer="")
                .select_related("idea", "idea__team", "answered_by")
                .order_by("-answered_at", "-id")[:limit])
