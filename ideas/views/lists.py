"""The list of items (+ CSV export) and the learning library. One view serves a page and its
htmx fragment (``"ideas/page.html#fragment"``)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.downloads import csv_response
from core.pagination import COUNT_CAP, NarrowPaginator
from core.params import parse_int

from .. import selectors
from ..filters import IdeaFilterForm, LearningFilterForm
from ..registry import card_badges, learning_panels

PAGE_SIZES = (25, 50, 100)


def _page_size(request) -> int:
    size = parse_int(request.GET.get("page_size"))
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


# ---------------------------------------------------------------- list and export


def _filtered(request) -> tuple[IdeaFilterForm, dict]:
    form = IdeaFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()  # invalid parameters are shown and ignored; the valid ones apply
        return form, dict(getattr(form, "cleaned_data", {}))
    return form, {}


@require_GET
def idea_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    qs = selectors.idea_list(request.user, filters)
    # A search counts its matches up to the ranking limit only (each match's text is read).
    cap = selectors.RANK_LIMIT if filters.get("q") else COUNT_CAP
    page = NarrowPaginator(qs, _page_size(request), count_cap=cap).get_page(
        request.GET.get("page"))
    rows = list(page.object_list)
    badges = card_badges(rows)
    for idea in rows:
        idea.badges = badges.get(idea.pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "export_url": f"{reverse('ideas:export')}?{query.urlencode()}",
        "active_filters": form.active_count(),
        "owner_options": selectors.owner_choices_for(request.user),
    }
    template = "ideas/list.html#results" if request.htmx else "ideas/list.html"
    return render(request, template, context)


CSV_COLUMNS = [
    ("id", lambda i: i.pk), ("title", lambda i: i.title), ("kind", lambda i: i.kind),
    ("status", lambda i: i.status), ("category", lambda i: i.category),
    ("priority", lambda i: i.priority), ("team", lambda i: i.team.name),
    ("reporter", lambda i: "anonymous" if i.is_anonymous else (i.reporter.name if i.reporter else "")), ("owner", lambda i: i.owner.name if i.owner else ""),
    ("private", lambda i: "yes" if i.is_private else "no"),
    ("waiting_on", lambda i: i.waiting_on_team.name if i.waiting_on_team else ""),
    ("labels", lambda i: ", ".join(label.name for label in i.labels.all())),
    ("created_at", lambda i: i.created_at.isoformat()),
    ("last_activity_at", lambda i: i.last_activity_at.isoformat()),
    ("aging_flagged_at", lambda i: i.aging_flagged_at.isoformat() if i.aging_flagged_at else ""),
    ("done_at", lambda i: i.done_at.isoformat() if i.done_at else ""),
    ("estimated_money_per_year", lambda i: i.estimated_money_per_year or ""),
    ("estimated_hours_per_year", lambda i: i.estimated_hours_per_year or ""),
    ("actual_money_per_year", lambda i: i.actual_money_per_year or ""),
    ("actual_hours_per_year", lambda i: i.actual_hours_per_year or ""),
    ("required_spend", lambda i: i.required_spend or ""),
    ("comments", lambda i: i.comment_count),
    ("description", lambda i: i.description),
    ("learning", lambda i: i.learning),
]


@require_GET
def idea_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV: exactly the rows the user may see."""
    _, filters = _filtered(request)
    qs = selectors.idea_list(request.user, filters)

    def rows():
        yield [name for name, _ in CSV_COLUMNS]
        for idea in qs.iterator(chunk_size=500):
            yield [get(idea) for _, get in CSV_COLUMNS]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"tierline-ideas-{stamp}.csv", rows())


# ---------------------------------------------------------------- learning library


@require_GET
def learning(request: HttpRequest) -> HttpResponse:
    form = LearningFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = dict(getattr(form, "cleaned_data", {}))
    qs = selectors.learning_list(request.user, filters)
    page = NarrowPaginator(qs, 20).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    lessons = selectors.lessons_for(request.user, rows)
    for idea in rows:
        idea.lesson = lessons.get(idea.pk)
    context = {"form": form, "page": page, "rows": rows,
               "here": request.get_full_path()}
    if not request.htmx:
        context["panels"] = [p for build in learning_panels() if (p := build(request))]
    template = "ideas/learning.html#results" if request.htmx else "ideas/learning.html"
    return render(request, template, context)


def list_url(**params) -> str:
    """A link into the list with filters set (used by the home panels)."""
    return f"{reverse('ideas:list')}?{urlencode(params)}"
