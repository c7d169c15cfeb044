"""HTML pages and htmx fragments of the boards, one module per part (urls.py names them):
``board`` (boards list, board, moves, tier view), ``improvement_time``, ``wall``, ``settings``
(board settings and display links), ``sqdc`` and ``sessions`` (huddle sessions); ``common``
holds what they share."""
