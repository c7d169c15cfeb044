"""The idea pages: the list (+ CSV) and the learning library (lists.py), the quick form and the
item page with its actions (item.py), attachments (attachments.py), marks on learning
(learning_marks.py)."""

from .attachments import attachment_delete, attachment_file, attachment_upload
from .item import (
    detail_context,
    idea_assign,
    idea_comment,
    idea_detail,
    idea_edit,
    idea_new,
    idea_transition,
    idea_watch,
)
from .learning_marks import learning_mark
from .lists import idea_export, idea_list, learning, list_url

__all__ = [
    "attachment_delete", "attachment_file", "attachment_upload", "detail_context", "idea_assign",
    "idea_comment", "idea_detail", "idea_edit", "idea_export", "idea_list", "idea_new",
    "idea_transition", "idea_watch", "learning", "learning_mark", "list_url",
]
