"""The figures about escalations *sent to* a scope's teams (how its leaders respond): open and
stalled at the end of the period, acknowledged, resolved and returned in it, the median
times to acknowledge and to decide, and whether the answers helped (curiosity or judgment?)."""

from django.db.models import Count, Q

from escalation.models import AnswerFeedback, Escalation
from escalation.selectors import overdue_q

from .scopes import Scope, Span, Sums
from .sql import median_seconds

Medians = dict[str, dict[Scope, float]]


def answer_counts(w: str, lo, hi) -> dict:
    """Whether the answers helped, as the raising teams said in the window (the latest
    verdict on each decided step, counted when it was given): rated, helped, partly, not
    helped — filtered counts over the one-to-one verdict, in the same aggregate query."""
    rated_in = Q(feedback__rated_at__gte=lo, feedback__rated_at__lt=hi)
    rating = AnswerFeedback.Rating
    return {f"answers_rated__{w}": Count("pk", filter=rated_in),
            f"answers_helped__{w}": Count("pk", filter=rated_in
                                          & Q(feedback__rating=rating.HELPED)),
            f"answers_partly__{w}": Count("pk", filter=rated_in
                                          & Q(feedback__rating=rating.PARTLY)),
            f"answers_not_helped__{w}": Count("pk", filter=rated_in
                                              & Q(feedback__rating=rating.NOT_HELPED))}


def count_escalations(sums: Sums, span: Span) -> tuple[Medians, Medians]:
    """Adds the counts; returns the medians to acknowledge and to decide (three queries)."""
    hi = span.hi
    received = Escalation.objects.filter(to_team_id__in=sums.team_ids)
    if span.live:
        # "Now" is now: the clock has moved on since the end of the period.
        open_at_end = Q(state__in=Escalation.ACTIVE_STATES)
        stalled_at_end = overdue_q(span.now)
    else:
        open_at_end = Q(raised_at__lt=hi) & (Q(resolved_at__isnull=True)
                                             | Q(resolved_at__gte=hi))
        not_acked = Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=hi)
        stalled_at_end = open_at_end & ((not_acked & Q(due_ack_at__lt=hi))
                                        | (~not_acked & Q(due_resolve_at__lt=hi)))
    aggregates = {"escalations_open": Count("pk", filter=open_at_end),
                  "escalations_stalled": Count("pk", filter=stalled_at_end)}
    for w, lo in span.los.items():
        decided_in = Q(resolved_at__gte=lo, resolved_at__lt=hi)
        aggregates.update({
            f"escalations_acknowledged__{w}": Count(
                "pk", filter=Q(acknowledged_at__gte=lo, acknowledged_at__lt=hi)),
            f"escalations_resolved__{w}": Count(
                "pk", filter=decided_in & Q(state=Escalation.State.RESOLVED)),
            f"escalations_returned__{w}": Count(
                "pk", filter=decided_in & Q(state=Escalation.State.RETURNED)),
            **answer_counts(w, lo, hi),
        })
    for row in received.order_by().values("to_team_id").annotate(**aggregates):
        sums.split(row, "to_team_id", ("escalations_open", "escalations_stalled"))
    ack = median_seconds(received.filter(acknowledged_at__gte=span.widest, acknowledged_at__lt=hi),
                         team_field="to_team_id", level_field="to_team__tier__level",
                         later="acknowledged_at", earlier="raised_at", rollup=sums.rollup,
                         windows=span.los)
    decide = median_seconds(received.filter(state__in=Escalation.DECIDED_STATES,
                                            resolved_at__gte=span.widest, resolved_at__lt=hi),
                            team_field="to_team_id", level_field="to_team__tier__level",
                            later="resolved_at", earlier="raised_at", rollup=sums.rollup,
                            windows=span.los)
    return ack, decide
