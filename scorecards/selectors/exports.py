"""The scorecard as CSV tables: its figures, its rows and its trends."""

from ..definitions import TILES
from .scorecard import Scorecard


def metrics_csv_rows(card: Scorecard) -> list[list]:
    rows = [["metric", "value", "unit", "status", "green", "amber", "period_from", "period_to",
             "group", "upper"]]
    for tile in card.tiles:
        rows.append([tile.metric.label, blank(tile.value),
                     tile.metric.unit, tile.status_word or "", blank(tile.green),
                     blank(tile.amber), card.period.start.isoformat(),
                     card.period.end.isoformat(), tile.group, blank(tile.upper)])
    return rows


def table_csv_rows(card: Scorecard) -> list[list]:
    rows = [[card.row_kind, *[label for _, label in card.columns]]]
    for row in card.rows:
        rows.append([row.label, *[blank(cell.value) for cell in row.cells]])
    return rows


def trend_csv_rows(card: Scorecard) -> list[list]:
    return series_csv_rows(card.trend, {m.key: m.label for m in TILES})


def series_csv_rows(trend: dict[str, list], labels: dict[str, str]) -> list[list]:
    """Trend series ({key: [(date, value), …]}) as one CSV table: a row per date, a column per
    key (``labels`` names the columns, in order)."""
    dates = sorted({d for key in labels for d, _ in trend.get(key, [])})
    by_key = {key: dict(trend.get(key, [])) for key in labels}
    rows = [["date", *labels.values()]]
    for d in dates:
        rows.append([d.isoformat(), *[blank(by_key[k].get(d)) for k in labels]])
    return rows


def blank(value):
    """A CSV cell: empty for a missing figure."""
    return "" if value is None else value
