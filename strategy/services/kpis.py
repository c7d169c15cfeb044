"""Writes of KPIs and their readings. A KPI's owner-team leads record its readings."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, Forbidden
from org.models import Team, User

from ..checks import clean_text, existing_row, known_fields, lock_row, set_fields
from ..models import KPI, KPIReading, Priority
from ..permissions import can_record_reading
from .base import active_team, clean_number, full_clean, managed_row, require_manager

# ---------------------------------------------------------------- KPIs and readings

KPI_FIELDS = {"name", "unit", "baseline", "target", "direction", "owner_team",
              "review_frequency"}


def _check_kpi(kpi: KPI) -> None:
    kpi.name = clean_text(kpi.name, field="name", label="A name")
    kpi.unit = (kpi.unit or "").strip()
    kpi.baseline = clean_number(kpi.baseline, field="baseline", label="The baseline")
    kpi.target = clean_number(kpi.target, field="target", label="The target")
    full_clean(kpi, exclude=["priority", "owner_team"])


@transaction.atomic
def kpi_create(*, actor: User, priority: Priority | int, name: str, baseline, target,
               direction: str, owner_team: Team | int, unit: str = "",
               review_frequency: str = KPI.Frequency.MONTHLY) -> KPI:
    """Adds a KPI to a priority. Baseline equal to target is a *hold* KPI (allowed); a
    direction that contradicts baseline → target is allowed but warned about
    (strategy.kpi.kpi_warnings)."""
    require_manager(actor)
    priority_obj = Priority.objects.filter(pk=getattr(priority, "pk", priority)).first()
    if priority_obj is None:
        raise DomainError("Choose the priority this KPI measures.", field="priority")
    team = active_team(owner_team, field="owner_team", what="owner team")
    kpi = KPI(priority=priority_obj, name=name, unit=unit, baseline=baseline, target=target,
              direction=direction, owner_team=team, review_frequency=review_frequency)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, kpi_id: int, actor: User, **fields) -> KPI:
    kpi = managed_row(actor, KPI, kpi_id, "KPI")
    known_fields(fields, KPI_FIELDS)
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != kpi.owner_team_id:
        fields["owner_team"] = active_team(fields["owner_team"], field="owner_team",
                                           what="owner team")
    set_fields(kpi, fields)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_reading_record(*, kpi_id: int, actor: User, date: date, value,
                       note: str = "") -> tuple[KPIReading, bool]:
    """Records the KPI's value on a day; a second reading on the same day corrects the first.
    Answers (reading, created). Locks the KPI so two leads recording at once are serialised."""
    kpi = lock_row(KPI, kpi_id, "KPI")
    if not can_record_reading(actor, kpi):
        raise Forbidden(f"Only the leads of {kpi.owner_team.name}, the team that owns this "
                        f"KPI, can record its readings.")
    if date is None:
        raise DomainError("Give the date of the reading.", field="date")
    if date > timezone.localdate():
        raise DomainError("A reading cannot be dated in the future.", field="date",
                          code="future_date")
    number = clean_number(value, field="value", label="The value")
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError("Keep the note under 500 characters.", field="note")
    reading, created = KPIReading.objects.update_or_create(
        kpi=kpi, date=date, defaults={"value": number, "note": note, "recorded_by": actor})
    return reading, created


@transaction.atomic
def kpi_reading_delete(*, reading_id: int, actor: User) -> None:
    reading = existing_row(KPIReading.objects.select_related("kpi"), reading_id, "reading")
    if not can_record_reading(actor, reading.kpi):
        raise Forbidden("Only the KPI's owner-team leads can remove its readings.")
    reading.delete()
