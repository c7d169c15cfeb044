"""Reads of experiments and of the evidence behind done work. Each a constant number of queries.

- ``evidence_q()`` → a Q for Idea querysets: the done item has evidence (a decided experiment,
  or a linked KPI with a reading before and one after the day it was done).
- ``kpi_movements(ideas, experiments)`` → for each item, the KPIs it links with the readings
  before and after its change.
- ``idea_evidence(idea)`` → the evidence panel of an item.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from strategy.models import KPI, KPIReading, Priority

from .models import Experiment


def _linked_kpi_readings(idea_ref) -> QuerySet[KPIReading]:
    return KPIReading.objects.filter(
        Q(kpi__priority__links__idea_id=idea_ref) | Q(kpi__experiments__idea_id=idea_ref))


def evidence_q() -> Q:
    """Done items with evidence: a decided experiment, or a KPI linked to the item (through a
    priority it serves or one of its experiments) with a reading before the day it was done and
    a reading on or after it. Use on any Idea queryset, e.g. in an aggregate's filter."""
    decided = Experiment.objects.filter(idea_id=OuterRef("pk")).exclude(decision="")
    done_day = Cast(OuterRef("done_at"), DateField())
    before = KPIReading.objects.filter(kpi_id=OuterRef("kpi_id"),
                                       date__lt=Cast(OuterRef(OuterRef("done_at")), DateField()))
    after = (_linked_kpi_readings(OuterRef("pk")).filter(date__gte=done_day)
             .filter(Exists(before)))
    return Q(done_at__isnull=False) & (Q(Exists(decided)) | Q(Exists(after)))


@dataclass
class KPIMovement:
    kpi: KPI
    before: KPIReading | None
    after: KPIReading | None
    readings_before: list = field(default_factory=list)
    readings_after: list = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return self.before is not None and self.after is not None

    @property
    def delta(self) -> Decimal | None:
        return self.after.value - self.before.value if self.moved else None

    @property
    def improved(self) -> bool | None:
        if not self.moved or self.delta == 0:
            return None
        return (self.delta > 0) == (self.kpi.direction == KPI.Direction.UP)


def change_day(idea: Idea, experiments: list[Experiment]) -> date | None:
    """When the change happened: the day the item was done, else its first experiment's start,
    else the day work started."""
    if idea.done_at:
        return timezone.localdate(idea.done_at)
    if experiments:
        return min(e.start for e in experiments)
    if idea.started_at:
        return timezone.localdate(idea.started_at)
    return None


def kpi_movements(ideas: list[Idea], experiments_by_idea: dict[int, list[Experiment]],
                  *, keep: int = 4) -> dict[int, list[KPIMovement]]:
    """For each item, the KPIs it links (its priorities' KPIs and its experiments' KPIs) with
    the readings before and after its change day. Two queries for any number of items."""
    ids = [i.pk for i in ideas]
    if not ids:
        return {}
    kpis_by_idea: dict[int, dict[int, KPI]] = defaultdict(dict)
    for kpi in (KPI.objects.filter(priority__links__idea_id__in=ids)
                .annotate(for_idea=F("priority__links__idea_id")).select_related("priority")):
        kpis_by_idea[kpi.for_idea][kpi.pk] = kpi
    for idea_id, exps in experiments_by_idea.items():
        for e in exps:
            if e.kpi_id and e.kpi is not None:
                kpis_by_idea[idea_id].setdefault(e.kpi_id, e.kpi)
    kpi_ids = {k for d in kpis_by_idea.values() for k in d}
    if not kpi_ids:
        return {i: [] for i in ids}
    days = [d for i in ideas if (d := change_day(i, experiments_by_idea.get(i.pk, [])))]
    earliest = min(days) - timedelta(days=400) if days else timezone.localdate() - timedelta(days=400)
    readings: dict[int, list[KPIReading]] = defaultdict(list)
    for r in KPIReading.objects.filter(kpi_id__in=kpi_ids, date__gte=earliest).order_by("date"):
        readings[r.kpi_id].append(r)
    result = {}
    for idea in ideas:
        day = change_day(idea, experiments_by_idea.get(idea.pk, []))
        rows = []
        for kpi in sorted(kpis_by_idea.get(idea.pk, {}).values(), key=lambda k: k.name):
            series = readings.get(kpi.pk, [])
            if day is None:
                before, after = series, []
            else:
                before = [r for r in series if r.date < day]
                after = [r for r in series if r.date >= day]
            rows.append(KPIMovement(kpi=kpi, before=before[-1] if before else None,
                                    after=after[-1] if after else None,
                                    readings_before=before[-keep:], readings_after=after[-keep:]))
        result[idea.pk] = rows
    return result


def experiments_of(idea_ids: list[int]) -> dict[int, list[Experiment]]:
    out: dict[int, list[Experiment]] = defaultdict(list)
    for e in (Experiment.objects.filter(idea_id__in=idea_ids)
              .select_related("kpi", "kpi__priority", "decided_by").order_by("start", "pk")):
        out[e.idea_id].append(e)
    return out


def idea_evidence(idea: Idea) -> dict:
    """The evidence panel of an item: its experiments and the KPI readings before and after
    the change."""
    experiments = experiments_of([idea.pk])
    movements = kpi_movements([idea], experiments)[idea.pk]
    exps = experiments.get(idea.pk, [])
    return {"experiments": exps, "movements": movements,
            "change_day": change_day(idea, exps),
            "has_evidence": any(e.decision for e in exps) or any(m.moved for m in movements)}


def kpi_choices() -> QuerySet[KPI]:
    return (KPI.objects.filter(priority__status=Priority.Status.ACTIVE)
            .select_related("priority").order_by("priority__title", "name"))


def decided_experiments(user, *, limit: int = 12) -> list[Experiment]:
    """Decided experiments on items the user may see, newest decision first (the learning
    library's section: an abandoned experiment is learning, not failure)."""
    return list(Experiment.objects.filter(idea__in=ideas_visible_to(user).values("pk"))
                .exclude(decision="").select_related("idea", "idea__team", "decided_by", "kpi")
                .order_by("-decided_at", "-pk")[:limit])


def experiments_visible_to(user) -> QuerySet[Experiment]:
    return (Experiment.objects.filter(idea__in=ideas_visible_to(user).values("pk"))
            .select_related("idea", "kpi", "decided_by", "created_by"))
