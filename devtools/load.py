"""A large, realistic data set for load tests and `make bench`, built with bulk inserts.

COPY … FROM STDIN in chunks (a million items in well under a minute on a small machine). Ids are reserved up front so escalations can
point at their items without reading them back.

Shape: four tiers (the existing ones if any), one root team, ~5% of teams at tier 3, ~20% at
tier 2, the rest at the front line; six people a team (the first one leads, no e-mail); items
over the last year — ``stale`` of them open and idle beyond their tier's threshold, ~35% open
and fresh, the rest done, declined or parked; ~2% of the fresh open items wait on an active
escalation and ~5% of the done ones went through a resolved one.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.errors import DomainError
from escalation.models import Escalation
from ideas.models import Idea
from org.models import Membership, Team, Tier, User

TIERS = [(1, "Front line", time(7, 15), Decimal("500"), 10, 8, 48),
         (2, "Supervisors", time(8, 0), Decimal("5000"), 14, 24, 96),
         (3, "Managers", time(9, 0), Decimal("50000"), 21, 48, 168),
         (4, "Executive", time(10, 0), Decimal("500000"), 30, 72, 336)]
CATEGORIES = [c for c, _ in Idea.Category.choices]
CHUNK = 50_000
DAY = 86400.0


@dataclass
class LoadResult:
    teams: int
    users: int
    ideas: int
    stale: int
    escalations: int
    first_idea_id: int
    last_idea_id: int


def _tiers() -> dict[int, Tier]:
    tiers = {t.level: t for t in Tier.objects.all()}
    if not tiers:
        for level, name, huddle, limit, aging, ack, resolve in TIERS:
            tiers[level] = Tier.objects.create(
                level=level, name=name, huddle_time=huddle, authority_limit=limit,
                aging_threshold_days=aging, sla_ack_hours=ack, sla_resolve_hours=resolve)
    return tiers


def _teams(count: int, prefix: str, tiers: dict[int, Tier]) -> list[Team]:
    """``count`` new teams in a tree under the existing root (made if missing)."""
    levels = sorted(tiers)
    top, front = levels[-1], levels[0]
    root = Team.objects.filter(parent__isnull=True).first()
    made: list[Team] = []
    if root is None:
        root = Team.objects.create(name=f"{prefix} executive", slug=f"{prefix}-root",
                                   tier=tiers[top])
        made.append(root)
    middle = [lvl for lvl in levels if lvl not in (top, front)]
    remaining = count - len(made)
    plan: list[int] = []
    shares = {lvl: (0.05 if i == len(middle) - 1 else 0.2) for i, lvl in enumerate(middle)}
    for lvl in sorted(middle, reverse=True):
        plan += [lvl] * max(1, round(remaining * shares[lvl]))
    plan += [front] * max(1, remaining - len(plan))
    plan = plan[:remaining]
    parents = {top: [root]}
    n = 0
    for lvl in sorted(set(plan), reverse=True):
        above = max([p for p in parents if p > lvl], default=top)
        mine = []
        for i in range(plan.count(lvl)):
            n += 1
            mine.append(Team(name=f"{prefix.title()} team {n} (tier {lvl})",
                             slug=f"{prefix}-t{lvl}-{i + 1}", tier=tiers[lvl],
                             parent=parents[above][i % len(parents[above])]))
        Team.objects.bulk_create(mine, batch_size=1000)
        mine = list(Team.objects.filter(slug__startswith=f"{prefix}-t{lvl}-").order_by("pk"))
        parents[lvl] = mine
        made += mine
    return made


def _people(teams: list[Team], per_team: int, prefix: str) -> dict[int, list[int]]:
    users = [User(username=f"{prefix}-{t.pk}-{k}", display_name=f"Load person {t.pk}.{k}",
                  password="!", daily_digest=False, email_notifications=False)
             for t in teams for k in range(per_team)]
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(User.objects.filter(username__startswith=f"{prefix}-")
               .values_list("username", "pk"))
    people: dict[int, list[int]] = {}
    memberships = []
    for t in teams:
        people[t.pk] = [ids[f"{prefix}-{t.pk}-{k}"] for k in range(per_team)]
        for k, user_id in enumerate(people[t.pk]):
            memberships.append(Membership(team=t, user_id=user_id,
                                          role="lead" if k == 0 else "member"))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return people


def _reserve_ids(model, count: int) -> int:
    """The first of ``count`` consecutive ids nobody else will take."""
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                       [table, first + count])
        return first


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _defaults(model) -> dict:
    """Values for the columns a row leaves out (fields other apps may add later): the field's
    default, or NULL / an empty string."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.has_default():
            value = f.get_default()
            out[f.column] = value.isoformat() if hasattr(value, "isoformat") else value
        elif f.null:
            out[f.column] = None
        else:
            out[f.column] = ""
    return out


def _write(model, rows) -> None:
    """Inserts dict rows (column -> value) with COPY, in chunks."""
    columns = _columns(model)
    defaults = _defaults(model)
    rows = ({**defaults, **row} for row in rows)
    raw = connection.cursor().cursor
    buffer, writer, pending = io.StringIO(), None, 0
    sql = (f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN "
           "WITH (FORMAT csv, NULL '\\N')")

    def flush():
        buffer.seek(0)
        raw.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([r"\N" if row.get(c) is None else row[c] for c in columns])
        pending += 1
        if pending >= CHUNK:
            flush()
            pending = 0
    if pending:
        flush()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")


def generate_load(*, ideas: int, teams: int, stale: float = 0.1, per_team: int = 6,
                  prefix: str = "load", seed: int = 1,
                  now: datetime | None = None) -> LoadResult:
    if ideas < 0 or teams < 2:
        raise DomainError("Ask for at least two teams and no negative number of items.")
    if not 0 <= stale <= 0.45:
        raise DomainError("The stale share is between 0 and 0.45.", field="stale")
    if Team.objects.filter(slug__startswith=f"{prefix}-").exists():
        raise DomainError(f"Load data with the prefix {prefix!r} exists; choose another "
                          "prefix.", field="prefix")
    now = now or timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        tiers = _tiers()
        made = _teams(teams, prefix, tiers)
        people = _people(made, per_team, prefix)
    team_ids = [t.pk for t in made]
    threshold = {t.pk: t.tier.aging_threshold_days for t in made}
    parent_of = {t.pk: t.parent_id for t in made}
    team_tier = dict(Team.objects.filter(pk__in=team_ids + [p for p in parent_of.values() if p])
                     .values_list("pk", "tier_id"))
    tier_sla = {t.pk: (t.sla_ack_hours, t.sla_resolve_hours) for t in tiers.values()}
    first_id = _reserve_ids(Idea, ideas)
    escalations: list[dict] = []
    stale_count = 0
    open_share = 0.45

    def iso(moment: datetime) -> str:
        return moment.isoformat()

    def idea_rows():
        nonlocal stale_count
        for i in range(ideas):
            pk = first_id + i
            team_id = team_ids[rng.randrange(len(team_ids))]
            members = people[team_id]
            r = rng.random()
            days = threshold[team_id]
            waiting = None
            row = {
                "id": pk, "kind": "problem" if rng.random() < 0.6 else "idea",
                "title": f"Load item {pk}", "description": "", "team_id": team_id,
                "reporter_id": members[rng.randrange(len(members))],
                "owner_id": members[rng.randrange(len(members))] if rng.random() < 0.7 else None,
                "category": CATEGORIES[rng.randrange(5)],
                "priority": _priority(rng.random()),
                "status_reason": "", "problem_statement": "", "root_cause": "",
                "countermeasure": "", "result": "", "learning": "", "learning_by_id": None,
                "estimated_money_per_year": None, "estimated_hours_per_year": None,
                "estimated_benefit": "", "actual_money_per_year": None,
                "actual_hours_per_year": None, "actual_benefit": "", "required_spend": None,
                "due_date": None, "is_private": rng.random() < 0.03, "level": "team",
                "change_kind": "", "waiting_on_team_id": None, "decision_note": "",
                "decision_at": None, "started_at": None, "done_at": None,
                "aging_flagged_at": None, "version": 1,
            }
            if r < stale:
                stale_count += 1
                last = now - timedelta(days=days, seconds=rng.uniform(3600, 60 * DAY))
                created = last - timedelta(seconds=rng.uniform(0, 120 * DAY))
                status = "new" if rng.random() < 0.5 else "in_progress"
                changed = created
            elif r < open_share:
                last = now - timedelta(seconds=rng.uniform(0, (days - 1) * DAY))
                created = last - timedelta(seconds=rng.uniform(0, 200 * DAY))
                status = "new" if rng.random() < 0.4 else "in_progress"
                changed = created + (last - created) / 2
                if rng.random() < 0.02 and parent_of.get(team_id):
                    waiting = parent_of[team_id]
                    raised = last - timedelta(seconds=rng.uniform(0, 10 * DAY))
                    ack_h, res_h = tier_sla[team_tier[waiting]]
                    acked = raised + timedelta(hours=rng.uniform(1, 2 * ack_h)) \
                        if rng.random() < 0.5 else None
                    if acked and acked > now:
                        acked = None
                    escalations.append(_escalation(pk, team_id, waiting, members[0], raised,
                                                   ack_h, res_h, acked=acked))
            else:
                created = now - timedelta(seconds=rng.uniform(0, 365 * DAY))
                kind = rng.random()
                if kind < 0.75:
                    status = "done"
                    done = min(now, created + timedelta(seconds=rng.uniform(DAY, 60 * DAY)))
                    row.update(done_at=iso(done), started_at=iso(created + (done - created) / 3),
                               learning="We learned that the fix holds when the standard "
                                        "is updated with it.",
                               learning_by_id=row["owner_id"] or row["reporter_id"])
                    if rng.random() < 0.3:
                        row["actual_money_per_year"] = f"{rng.randrange(100, 20000)}.00"
                        row["actual_hours_per_year"] = f"{rng.randrange(5, 400)}.0"
                    last = changed = done
                    if rng.random() < 0.05 and parent_of.get(team_id):
                        to_team = parent_of[team_id]
                        raised = created + (done - created) / 4
                        ack_h, res_h = tier_sla[team_tier[to_team]]
                        acked = raised + timedelta(hours=rng.uniform(1, 2 * ack_h))
                        resolved = max(acked, raised + (done - raised) / 2)
                        escalations.append(_escalation(pk, team_id, to_team, members[0], raised,
                                                       ack_h, res_h, acked=acked,
                                                       resolved=resolved))
                else:
                    status = "declined" if kind < 0.9 else "parked"
                    changed = min(now, created + timedelta(seconds=rng.uniform(0, 30 * DAY)))
                    last = changed
                    row["status_reason"] = "Not now: other work comes first."
            row.update(status=status, created_at=iso(created), updated_at=iso(last),
                       last_activity_at=iso(last), status_changed_at=iso(changed),
                       waiting_on_team_id=waiting)
            yield row

    _write(Idea, idea_rows())
    if escalations:
        first_esc = _reserve_ids(Escalation, len(escalations))
        for i, row in enumerate(escalations):
            row["id"] = first_esc + i
        _write(Escalation, iter(escalations))
    # Fresh statistics for every table touched (teams, people, memberships …), as autovacuum
    # would give them later: the planner's first queries should not guess.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return LoadResult(teams=len(made), users=sum(len(v) for v in people.values()),
                      ideas=ideas, stale=stale_count, escalations=len(escalations),
                      first_idea_id=first_id, last_idea_id=first_id + ideas - 1)


def _priority(p: float) -> str:
    return "high" if p < 0.1 else "normal" if p < 0.8 else "low"


def _escalation(idea_id, from_team, to_team, raised_by, raised, ack_h, res_h, *, acked=None,
                resolved=None) -> dict:
    state = "resolved" if resolved else "acknowledged" if acked else "open"
    return {
        "id": None, "idea_id": idea_id, "from_team_id": from_team, "to_team_id": to_team,
        "parent_id": None, "reason": "resources", "ask": "Help with resources, please.",
        "requested_spend": None, "route_note": "", "state": state, "raised_by_id": raised_by,
        "raised_at": raised.isoformat(), "acknowledged_by_id": raised_by if acked else None,
        "acknowledged_at": acked.isoformat() if acked else None,
        "resolved_by_id": raised_by if resolved else None,
        "resolved_at": resolved.isoformat() if resolved else None,
        "decision": "Approved: go ahead." if resolved else "", "approved_spend": None,
        "due_ack_at": (raised + timedelta(hours=ack_h)).isoformat(),
        "due_resolve_at": (raised + timedelta(hours=res_h)).isoformat(),
        "stalled_at": None, "updated_at": (resolved or acked or raised).isoformat(),
    }
