"""Who may manage an item's experiments: whoever may edit the item (its owner, its team's
leads, the reporter while it is new, admins). Everyone who sees the item reads them."""

from ideas.permissions import can_edit as can_edit_idea


def can_manage_experiments(user, idea) -> bool:
    return can_edit_idea(user, idea)
