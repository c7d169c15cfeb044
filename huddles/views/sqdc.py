"""SQDC letters from the board: one click sets today's letter (red asks for its note), a
lead corrects a past day, and the month calendar."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import apply_error
from org.models import Team

from .. import services
from ..forms import SqdcForm
from ..models import SqdcDay
from ..permissions import can_set_sqdc
from ..selectors.board import access_board, board_settings_of
from ..selectors.sqdc import Letter, sqdc_day_of, sqdc_month, team_letters
from .common import dialog, fragment, notice, safe_next

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def letters_context(team: Team, user, today: date, letters: list[Letter]) -> dict:
    """The SQDC panel of a board: today's letters and whether the user may set them."""
    return {"letters": letters, "can_set_today": can_set_sqdc(user, team, today, today),
            "today": today}


def _letters_fragment(request, team, *, note=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    letters = team_letters(team, board_settings_of(team), today)
    context = {"team": team, "notice": note,
               **letters_context(team, request.user, today, letters)}
    return fragment(render(request, "huddles/board.html#sqdc", context, status=status),
                    target="#sqdc-letters")


def _letters_answer(request, team, text: str, *, level="success", status=200) -> HttpResponse:
    """htmx: the letters re-rendered with a notice; a plain form: a message and back."""
    if request.htmx:
        return _letters_fragment(request, team, note=notice(text, level), status=status)
    messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR,
                         text)
    return redirect(safe_next(request, reverse("huddles:board", args=[team.slug])))


def _parse_day(value, default: date) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _sqdc_form(request, team, form, *, status=200) -> HttpResponse:
    context = {"team": team, "form": form,
               "next": safe_next(request, reverse("huddles:board", args=[team.slug]))}
    return dialog(request, "huddles/sqdc_edit.html", context, status)


@require_POST
def sqdc_set(request: HttpRequest, team_slug: str) -> HttpResponse:
    """One click on a letter: green or amber at once; red asks for its note first."""
    team = access_board(request.user, slug=team_slug)
    today = timezone.localdate()
    day = _parse_day(request.POST.get("date"), today)
    category, status = request.POST.get("category", ""), request.POST.get("status", "")
    note = request.POST.get("note")
    if day is not None and status == SqdcDay.Status.RED and not (note or "").strip():
        existing = sqdc_day_of(team, day, category)
        if not (existing and existing.note):
            form = SqdcForm(initial={"date": day, "category": category, "status": status})
            return _sqdc_form(request, team, form)
    try:
        if day is None:
            raise DomainError("Give the date as YYYY-MM-DD.", field="date")
        row = services.sqdc_set(team=team, day=day, category=category, status=status,
                                note=note, actor=request.user, today=today)
    except DomainError as refusal:
        return _letters_answer(request, team, refusal.message, level="error",
                               status=refusal.status_code)
    return _letters_answer(
        request, team,
        f"{row.get_category_display()} is {row.get_status_display().lower()} for today.")


@require_http_methods(["GET", "POST"])
def sqdc_edit(request: HttpRequest, team_slug: str) -> HttpResponse:
    """One letter of one day with its note: today's red letter, or a lead's correction."""
    team = access_board(request.user, slug=team_slug)
    today = timezone.localdate()
    if request.method == "GET":
        day = _parse_day(request.GET.get("date"), today) or today
        category = request.GET.get("category", "safety")
        row = sqdc_day_of(team, day, category)
        form = SqdcForm(initial={
            "date": day, "category": category,
            "status": request.GET.get("status") or (row.status if row else "green"),
            "note": row.note if row else ""})
        return _sqdc_form(request, team, form)
    form = SqdcForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.sqdc_set(team=team, day=d["date"], category=d["category"],
                              status=d["status"], note=d["note"], actor=request.user,
                              today=today)
        except DomainError as refusal:
            apply_error(form, refusal)
        else:
            response = _letters_answer(
                request, team, f"{SqdcDay.Category(d['category']).label} on {d['date']:%d %b} "
                               f"is {SqdcDay.Status(d['status']).label.lower()}.")
            if request.htmx:
                response["HX-Trigger"] = "dialog-close"
            return response
    return _sqdc_form(request, team, form, status=400)


@require_GET
def sqdc_month_view(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    today = timezone.localdate()
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    if raw:
        try:
            year, month = (int(x) for x in raw.split("-", 1))
            date(year, month, 1)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            messages.error(request, "Give the month as YYYY-MM.")
            year, month = today.year, today.month
    first = date(year, month, 1)
    prev_month = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return render(request, "huddles/sqdc_month.html", {
        "team": team, "first": first, "today": today,
        "categories": sqdc_month(team, board_settings_of(team), year, month, today),
        "prev_month": prev_month, "next_month": next_month if next_month <= today else None,
        "can_correct": can_set_sqdc(request.user, team, today - timedelta(days=1), today),
        "can_set_today": can_set_sqdc(request.user, team, today, today),
        "weekdays": WEEKDAYS,
    })
