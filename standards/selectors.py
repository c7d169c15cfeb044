"""Reads of the standards library: the list (with pending proposals), a standard with its
versions, proposals and comments (items the reader may not see are masked), the proposals the
CoE has to decide."""

from django.db.models import Count, Prefetch, Q, QuerySet

from ideas.selectors import visible_idea_ids

from .models import Standard, StandardComment, StandardProposal, StandardVersion


def standards_listing() -> QuerySet[Standard]:
    return (Standard.objects.select_related("owner_team", "owner")
            .annotate(pending=Count("proposals", filter=Q(proposals__state="pending"),
                                    distinct=True))
            .order_by("title", "pk"))


def standard_detail(standard_id: int, *, user) -> Standard:
    standard = (Standard.objects.select_related("owner_team", "owner")
                .prefetch_related(
                    Prefetch("versions", queryset=StandardVersion.objects
                             .select_related("created_by", "idea").order_by("-number")),
                    Prefetch("proposals", queryset=StandardProposal.objects
                             .select_related("idea", "proposed_by", "decided_by", "version")
                             .order_by("-proposed_at", "-pk")),
                    Prefetch("comments", queryset=StandardComment.objects
                             .select_related("author").order_by("created_at", "pk")))
                .get(pk=standard_id))
    ids = {p.idea_id for p in standard.proposals.all()} | {
        v.idea_id for v in standard.versions.all() if v.idea_id}
    seen = visible_idea_ids(user, ids)
    for p in standard.proposals.all():
        p.idea_visible = p.idea_id in seen
    for v in standard.versions.all():
        v.idea_visible = v.idea_id in seen
    return standard


def proposals_pending() -> QuerySet[StandardProposal]:
    return (StandardProposal.objects.filter(state=StandardProposal.State.PENDING)
            .select_related("standard", "proposed_by").order_by("proposed_at", "pk"))
