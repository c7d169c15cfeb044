"""Reads of the huddles app, one module per part of a board:

- ``board``: the team a board is for, its columns of cards, the board filters;
- ``board_view``: the board as one viewer sees it (page, wall, API) and its version;
- ``version``: the one-query version check behind every poll (board, wall, display link);
- ``capacity``: protected vs used improvement time; ``sqdc``: the letters;
- ``sessions``: huddle sessions; ``tier``: the tier view; ``display_links``.
"""

from .sessions import huddles_held_vs_scheduled

__all__ = ["huddles_held_vs_scheduled"]
