"""Computing scorecard figures with SQL aggregates, for every team, every tier and the whole
organisation at once, in a fixed number of queries whatever the size of the organisation.

Additive parts (counts, sums, numerators and denominators) are grouped by team in the database
and rolled up to tiers and the organisation in memory; medians are computed by PostgreSQL's
``percentile_cont`` over ``GROUPING SETS`` (team, tier, organisation). Distinct people
(participation) are read once as sets and intersected per scope.

Scopes: a team's own items (not its subtree), every team at one tier, the whole organisation.
Escalation figures of a scope are about the escalations *sent to* its teams (how its leaders
respond); item figures are about the items its teams own.

``windows.py`` runs the steps in order; each step is a module of its own (``items``,
``escalations``, ``other_apps``, ``system``, ``method``) and adds its parts to the ``Sums`` of
``scopes.py``; ``figures.py`` turns the parts into the figures; ``sql.py`` holds the two
queries the ORM cannot say.
"""

from .windows import compute, compute_windows

__all__ = ["compute", "compute_windows"]
