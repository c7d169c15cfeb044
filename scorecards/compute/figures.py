"""The figures of a scope, from the parts the steps added up: counts, rates (a ratio of two
parts, none when nothing was expected), medians in days or hours."""

from ..definitions import LEVEL_FOCUS_MIN_ITEMS, LEVELS


def ratio(numerator, denominator, digits: int = 4):
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def rounded(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def figures(p: dict, people: set[int], active: set[int], days: int, cycle, ack,
            resolve) -> dict:
    """The figures of one scope and window: ``p`` its parts, ``people`` its members,
    ``active`` who took part in the window, ``days`` the window's length, and the medians in
    seconds (None: nothing to measure)."""
    n_members = len(people)
    done = p["done"]
    levels = {key: int(p[key]) for key in LEVELS}
    at = [key for key, n in levels.items() if n]
    # Flagged when enough items were logged and every one of them sits at one level.
    focus = (at[0].removeprefix("level_")
             if len(at) == 1 and levels[at[0]] >= LEVEL_FOCUS_MIN_ITEMS else None)
    return {
        "members": n_members,
        "submitted": int(p["submitted"]),
        "submitted_per_member": ratio(p["submitted"] * 30, n_members * days, 2),
        "participation": ratio(len(people & active), n_members),
        "implemented": int(done),
        "declined": int(p["declined"]),
        "implementation_rate": ratio(done, done + p["declined"]),
        "cycle_time_median": rounded(cycle / 86400 if cycle is not None else None),
        "solved_at_tier": ratio(p["done_no_escalation"], done),
        "solved_count": int(p["done_no_escalation"]),
        "escalations_open": int(p["escalations_open"]),
        "escalations_stalled": int(p["escalations_stalled"]),
        "escalations_acknowledged": int(p["escalations_acknowledged"]),
        "escalations_resolved": int(p["escalations_resolved"]),
        "escalations_returned": int(p["escalations_returned"]),
        "answers_rated": int(p["answers_rated"]),
        "answers_helped": int(p["answers_helped"]),
        "answers_partly": int(p["answers_partly"]),
        "answers_not_helped": int(p["answers_not_helped"]),
        "answers_helped_share": ratio(p["answers_helped"], p["answers_rated"]),
        "ack_time_median": rounded(ack / 3600 if ack is not None else None),
        "resolve_time_median": rounded(resolve / 86400 if resolve is not None else None),
        "open_now": int(p["open_now"]),
        "aging_now": int(p["aging_now"]),
        "aging_share": ratio(p["aging_now"], p["open_now"]),
        "impact_money": rounded(p["money"]),
        "impact_hours": rounded(p["hours"], 1),
        "learning_share": ratio(p["done_learning"], done),
        "learning_count": int(p["done_learning"]),
        "alignment": ratio(p["alignment_aligned"], p["alignment_total"]),
        "alignment_total": int(p["alignment_total"]),
        "sqdc_green": ratio(p["sqdc_greens"], p["sqdc_set"]),
        "sqdc_set": int(p["sqdc_set"]),
        "huddles_held": (None if not p["huddles_scheduled"] else
                         round(min(1.0, p["huddles_held_count"] / p["huddles_scheduled"]), 4)),
        "huddles_held_count": int(p["huddles_held_count"]),
        "huddles_scheduled": int(p["huddles_scheduled"]),
        "evidence_share": ratio(p["done_evidence"], done),
        "evidence_count": int(p["done_evidence"]),
        **levels,
        "level_focus": focus,
        "capacity_honoured": ratio(p["capacity_used"], p["capacity_protected"]),
        "capacity_protected": round(p["capacity_protected"], 2),
        "capacity_used": round(p["capacity_used"], 2),
        "capacity_slack": round(p["capacity_slack"], 2),
        "capacity_sacrificed": round(p["capacity_sacrificed"], 2),
        "capacity_teams": int(p["capacity_teams"]),
        "capacity_sacrificing": int(p["capacity_sacrificing"]),
        # No figure where no team (or tier) has a review cadence: nothing was expected.
        "missed_reviews": int(p["reviews_missed"]) if p["review_cadences"] else None,
        "review_cadences": int(p["review_cadences"]),
    }
