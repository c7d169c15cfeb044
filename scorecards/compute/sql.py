"""The two reads the ORM cannot say: medians per team, tier and organisation at once
(``percentile_cont`` over ``GROUPING SETS``), and the people who took part (a ``UNION ALL`` of
four kinds of activity, each person's latest)."""

from datetime import datetime

from django.db import connection
from django.db.models import F, FloatField, Func

from ideas.models import Comment, Idea

from .scopes import ORG, Scope


def seconds_between(later, earlier):
    """Seconds between two timestamp columns (PostgreSQL: EXTRACT(EPOCH …))."""
    return Func(F(later) - F(earlier), template="EXTRACT(EPOCH FROM %(expressions)s)",
                output_field=FloatField())


def median_seconds(qs, *, team_field: str, level_field: str, later: str, earlier: str,
                   rollup: bool, windows: dict[str, datetime] | None = None
                   ) -> dict[str, dict[Scope, float]]:
    """Median seconds from ``earlier`` to ``later`` over ``qs`` per team and — with ``rollup``
    — per tier and for the organisation; one median per window (``later`` at or after the
    window's start). One query for every window and scope."""
    windows = windows or {"all": None}
    qs = qs.order_by()
    result: dict[str, dict[Scope, float]] = {w: {} for w in windows}
    inner = qs.values(g_team=F(team_field), g_level=F(level_field), g_at=F(later),
                      g_secs=seconds_between(later, earlier))
    sql, params = inner.query.sql_with_params()
    medians, extra = [], []
    for lo in windows.values():
        if lo is None:
            medians.append("percentile_cont(0.5) WITHIN GROUP (ORDER BY g_secs)")
        else:
            medians.append("percentile_cont(0.5) WITHIN GROUP (ORDER BY g_secs) "
                           "FILTER (WHERE g_at >= %s)")
            extra.append(lo)
    sets = "(g_team, g_level), (g_level), ()" if rollup else "(g_team, g_level)"
    query = (f"SELECT g_team, g_level, GROUPING(g_team), GROUPING(g_level), "
             f"{', '.join(medians)} FROM ({sql}) AS m GROUP BY GROUPING SETS ({sets})")
    with connection.cursor() as cursor:
        cursor.execute(query, [*extra, *params])
        for team, level, g_team, g_level, *values in cursor.fetchall():
            scope = ("team", team) if not g_team else ("tier", level) if not g_level else ORG
            for window, value in zip(windows, values, strict=True):
                if value is not None:
                    result[window][scope] = float(value)
    return result


def participants(lo: datetime, hi: datetime) -> dict[int, datetime]:
    """Each person who logged, commented on or completed an item in [lo, hi), with the time
    they last did (one query)."""
    parts = [
        Idea.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .values(p_user=F("reporter_id"), p_at=F("created_at")),
        Comment.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .values(p_user=F("author_id"), p_at=F("created_at")),
        Idea.objects.filter(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi,
                            learning_by__isnull=False)
        .values(p_user=F("learning_by_id"), p_at=F("done_at")),
        Idea.objects.filter(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi,
                            owner__isnull=False)
        .values(p_user=F("owner_id"), p_at=F("done_at")),
    ]
    sqls, params = [], []
    for qs in parts:
        sql, p = qs.order_by().query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS q{len(sqls)}")
        params += p
    query = (f"SELECT p_user, MAX(p_at) FROM ({' UNION ALL '.join(sqls)}) AS people "
             "GROUP BY p_user")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    out = {}
    for user_id, at in rows:
        if user_id is None:
            continue
        out[user_id] = at
    return out
