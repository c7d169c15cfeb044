"""Every read behind the scorecard pages, the API and the CSV exports, by concern:

- ``scorecard``: the scorecard of the organisation, a tier or a team (tiles, targets, rows,
  trends); ``exports``: the same as CSV tables; ``links``: where each figure links;
- ``drilldown``: the items behind a number, as the asking user may see them;
- ``executive_home``: the executives' "My work" panel; ``answers``: its "curiosity or
  judgment?" card (whether answers to escalations helped, per tier).

(The executive scorecard is ``scorecards/executive.py``.)
"""

from .drilldown import DRILLS, DrillScope, drill_items, parse_scope
from .executive_home import executive_overview
from .exports import metrics_csv_rows, table_csv_rows, trend_csv_rows
from .method_drills import NOW_DRILLS
from .scorecard import Scorecard, Targets, scorecard

__all__ = [
    "DRILLS", "NOW_DRILLS", "DrillScope", "Scorecard", "Targets", "drill_items", "executive_overview",
    "metrics_csv_rows", "parse_scope", "scorecard", "table_csv_rows", "trend_csv_rows",
]
