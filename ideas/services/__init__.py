"""Every write to an item, one service per action, in a transaction with the row locked:
the item's lifecycle (items.py), its comments and labels (comments.py) and its attachments
(attachments.py). Import them from here: ``from ideas import services``."""

from .attachments import (
    ALLOWED_TYPES,
    MAX_ATTACHMENTS,
    attachment_add,
    attachment_delete,
    max_attachment_bytes,
)
from .comments import MAX_LABELS, MAX_MENTIONS, comment_create, labels_resolve, mentioned_users
from .items import (
    BOARD_FIELDS,
    EDITABLE_FIELDS,
    idea_assign,
    idea_create,
    idea_set_waiting,
    idea_transition,
    idea_update,
    idea_watch,
    record_event,
)
from .learning import learning_mark, learning_unmark

__all__ = [
    "ALLOWED_TYPES", "BOARD_FIELDS", "EDITABLE_FIELDS", "MAX_ATTACHMENTS", "MAX_LABELS",
    "MAX_MENTIONS", "attachment_add", "attachment_delete", "comment_create", "idea_assign",
    "idea_create", "idea_set_waiting", "idea_transition", "idea_update", "idea_watch",
    "labels_resolve", "learning_mark", "learning_unmark", "max_attachment_bytes", "mentioned_users", "record_event",
]
