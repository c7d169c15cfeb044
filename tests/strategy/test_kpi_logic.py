"""KPI on/off-track logic and set-up warnings (pure, no database)."""

import re
from datetime import date
from decimal import Decimal as D

import pytest

from core.charts import sparkline, trend_chart
from strategy.kpi import (
    direction_contradicts,
    kpi_notes,
    kpi_status,
    kpi_warnings,
    planned_value,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 364 days


def status(direction, baseline, target, value, on):
    return kpi_status(direction=direction, baseline=D(baseline), target=D(target), start=START,
                      end=END, value=None if value is None else D(value), on=on)


def test_planned_value_is_linear_from_baseline_to_target_and_clamped():
    kw = dict(baseline=D("4"), target=D("2"), start=START, end=END)
    assert planned_value(on=START, **kw) == D("4")
    assert planned_value(on=END, **kw) == D("2")
    assert planned_value(on=date(2026, 7, 2), **kw) == D("3")  # day 182 of 364
    assert planned_value(on=date(2025, 6, 1), **kw) == D("4")  # before the start
    assert planned_value(on=date(2027, 6, 1), **kw) == D("2")  # after the end


def test_no_reading_is_no_data():
    s = status("down", "4", "2", None, None)
    assert s.code == "no_data" and not s.on_track and s.css == "chip"


@pytest.mark.parametrize("direction,baseline,target,value,on,code,met", [
    # lower is better, 4 → 2 over the year; planned 3 at mid-year
    ("down", "4", "2", "3", date(2026, 7, 2), "on_track", False),  # exactly on plan
    ("down", "4", "2", "2.9", date(2026, 7, 2), "on_track", False),  # ahead of plan
    ("down", "4", "2", "3.1", date(2026, 7, 2), "off_track", False),  # behind plan
    ("down", "4", "2", "1.5", date(2026, 3, 1), "on_track", True),  # already beyond target
    ("down", "4", "2", "4", START, "on_track", False),  # day one at baseline is on plan
    # higher is better, 80 → 90; planned 85 mid-year
    ("up", "80", "90", "85", date(2026, 7, 2), "on_track", False),
    ("up", "80", "90", "84.9", date(2026, 7, 2), "off_track", False),
    ("up", "80", "90", "90", date(2026, 2, 1), "on_track", True),
    ("up", "80", "90", "89", END, "off_track", False),  # year over, target missed
])
def test_status_against_the_planned_path(direction, baseline, target, value, on, code, met):
    s = status(direction, baseline, target, value, on)
    assert s.code == code
    assert s.target_met is met
    assert s.css == ("chip-ok" if code == "on_track" else "chip-bad")


@pytest.mark.parametrize("direction,value,code", [
    ("down", "0", "on_track"),     # hold at 0 incidents: 0 is on track
    ("down", "1", "off_track"),    # one incident is off track
    ("up", "85", "on_track"),      # hold OEE at 85
    ("up", "86", "on_track"),      # better than the hold level
    ("up", "84.99", "off_track"),
])
def test_hold_kpi_baseline_equals_target(direction, value, code):
    level = "0" if direction == "down" else "85"
    s = status(direction, level, level, value, date(2026, 5, 1))
    assert s.code == code
    if code == "on_track":
        assert s.label == "Holding target"
    assert kpi_notes(direction=direction, baseline=D(level), target=D(level))
    assert kpi_warnings(direction=direction, baseline=D(level), target=D(level)) == []


def test_direction_contradicting_baseline_to_target_is_warned_not_refused():
    assert direction_contradicts("up", D("10"), D("5"))
    assert direction_contradicts("down", D("5"), D("10"))
    assert not direction_contradicts("down", D("10"), D("5"))
    assert not direction_contradicts("up", D("5"), D("5"))
    warnings = kpi_warnings(direction="up", baseline=D("10"), target=D("5"))
    assert len(warnings) == 1 and "higher is better" in warnings[0] and "below" in warnings[0]
    assert kpi_warnings(direction="down", baseline=D("10"), target=D("5")) == []


def test_sparkline_and_chart_coordinates_stay_inside_the_box():
    assert sparkline([D("1")], label="one") == ""
    svg = sparkline([D("1"), D("3"), D("2")], target=D("5"), width=100, height=20, label="t")
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    assert xs[0] == 3 and xs[-1] == 97
    assert all(0 <= y <= 20 for y in ys)
    target_y = float(re.search(r'<line class="target"[^>]* y1="([^"]+)"', svg).group(1))
    assert target_y < min(ys)  # the target (5) is above every value
    big = trend_chart([(date(2026, 2, 1), D("3.5")), (date(2026, 3, 1), D("3.2"))],
                      baseline=D("4"), target=D("2"), start=START, end=END)
    assert len(big["points"]) == 2
    assert big["left"] <= big["points"][0]["x"] <= big["right"]
    assert big["planned"]["y1"] < big["planned"]["y2"]  # 4 is drawn above 2
