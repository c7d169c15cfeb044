"""KPIs and their readings: a KPI's page, the executives' forms, recording and removing
readings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.forms import initial_from

from .. import selectors, services
from ..forms import KPIForm, ReadingForm
from ..kpi import kpi_notes, kpi_warnings
from ..models import KPI, KPIReading
from ..pages import executives_form, form_view, next_url, run_action, save_form
from ..permissions import access_priority, can_manage_strategy, can_record_reading


def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(
        KPI.objects.select_related("priority", "priority__owner_team", "owner_team")
        .prefetch_related(selectors.readings_prefetch(120)),
        pk=pk)
    return render(request, "strategy/kpi.html", _kpi_context(request, kpi))


def _kpi_context(request, kpi: KPI, form: ReadingForm | None = None) -> dict:
    selectors.annotate_kpi(kpi)
    may_record = can_record_reading(request.user, kpi)
    return {
        "kpi": kpi,
        "priority": kpi.priority,
        "readings": kpi.recent_readings,
        "may_record": may_record,
        "form": form or (ReadingForm() if may_record else None),
        "warnings": kpi_warnings(direction=kpi.direction, baseline=kpi.baseline,
                                 target=kpi.target),
        "notes": kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target),
        "can_manage": can_manage_strategy(request.user),
    }


@executives_form
def kpi_create(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    back = reverse("strategy:priority", args=[priority.pk])

    def save(data):
        kpi = services.kpi_create(actor=request.user, priority=priority, **data)
        _kpi_messages(request, kpi, f"KPI “{kpi.name}” added.")
        return None, back + "#kpis"

    return form_view(request, KPIForm(request.POST or None,
                                      initial={"owner_team": priority.owner_team_id}), save,
                     title=f"New KPI for “{priority.title}”", submit="Add KPI", cancel=back)


@executives_form
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(KPI.objects.select_related("priority"), pk=pk)
    back = reverse("strategy:kpi", args=[kpi.pk])

    def save(data):
        saved = services.kpi_update(kpi_id=kpi.pk, actor=request.user, **data)
        _kpi_messages(request, saved, "KPI saved.")
        return None, back

    form = KPIForm(request.POST or None, initial=initial_from(kpi, KPIForm))
    return form_view(request, form, save, title=f"Edit KPI “{kpi.name}”", submit="Save",
                     cancel=back)


def _kpi_messages(request, kpi: KPI, success: str) -> None:
    messages.success(request, success)
    for text in kpi_warnings(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target):
        messages.warning(request, text)
    for text in kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target):
        messages.info(request, text)


@require_POST
def reading_record(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(KPI.objects.select_related("priority", "owner_team"), pk=pk)
    if not can_record_reading(request.user, kpi):
        raise PermissionDenied(f"Only the leads of {kpi.owner_team.name} record this KPI.")
    form = ReadingForm(request.POST)

    def save(data):
        _, created = services.kpi_reading_record(kpi_id=kpi.pk, actor=request.user, **data)
        return ("Reading recorded." if created else
                "Reading corrected (that day already had one).",
                next_url(request, reverse("strategy:kpi", args=[kpi.pk])))

    saved = save_form(request, form, save)
    if saved is not None:
        return saved
    kpi = get_object_or_404(
        KPI.objects.select_related("priority", "priority__owner_team", "owner_team")
        .prefetch_related(selectors.readings_prefetch(120)),
        pk=pk)
    return render(request, "strategy/kpi.html", _kpi_context(request, kpi, form), status=400)


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reading = get_object_or_404(KPIReading, pk=pk)
    run_action(request, lambda: services.kpi_reading_delete(reading_id=reading.pk, actor=request.user),
               f"Reading of {reading.date:%d %b %Y} removed.")
    return redirect("strategy:kpi", pk=reading.kpi_id)
