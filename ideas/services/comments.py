"""Labels, @mentions and comments on an item."""

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower

from core.errors import DomainError, Forbidden
from org.models import User
from org.notifications import notify

from ..mentions import MENTION
from ..models import Comment, Label
from ..permissions import (
    can_comment,
)
from .items import item_url, lock_idea, mark_active, people_to_tell, shown_actor, who_may_see

MAX_LABELS = 8
_SPACES = re.compile(r"\s+")


def labels_resolve(names: Iterable[str] | str) -> list[Label]:
    """Free labels by name, created on first use. Names are trimmed and lower-cased so that
    "Forklift" and "forklift " are one label. A comma-separated string is accepted too."""
    if isinstance(names, str):
        names = names.split(",")
    cleaned: list[str] = []
    for raw in names:
        name = _SPACES.sub(" ", str(raw or "")).strip().lower()
        if not name or name in cleaned:
            continue
        if len(name) > Label._meta.get_field("name").max_length:
            raise DomainError(f"A label is at most 40 characters: {name[:40]}…", field="labels")
        cleaned.append(name)
    if len(cleaned) > MAX_LABELS:
        raise DomainError(f"Use at most {MAX_LABELS} labels.", field="labels")
    existing = {lbl.name: lbl for lbl in Label.objects.filter(name__in=cleaned)}
    missing = [Label(name=n) for n in cleaned if n not in existing]
    if missing:
        Label.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {lbl.name: lbl for lbl in Label.objects.filter(name__in=cleaned)}
    return [existing[n] for n in cleaned]


# ---------------------------------------------------------------- comments

MAX_MENTIONS = 20


def mentioned_users(text: str) -> list[User]:
    names = {m.lower() for m in MENTION.findall(text or "")}
    if not names:
        return []
    return list(
        User.objects.annotate(uname=Lower("username"))
        .filter(uname__in=list(names)[:MAX_MENTIONS], is_active=True)
        .order_by("username")
    )


@transaction.atomic
def comment_create(*, idea_id: int, actor: User, text: str) -> Comment:
    """Adds a comment. Tells the reporter, owner and watchers, and separately each person
    @mentioned who may see the item; the commenter starts watching.

    The anonymous reporter of the item comments without their name (shown as the reporter),
    does not start watching, and cannot @mention anyone."""
    idea = lock_idea(idea_id)
    if not can_comment(actor, idea):
        raise Forbidden("You may not comment on this item.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write something first.", field="text")
    if len(text) > Comment.MAX_LENGTH:
        raise DomainError(f"A comment is at most {Comment.MAX_LENGTH} characters "
                          f"(this one has {len(text)}).", field="text")
    author = shown_actor(actor, idea)
    if author is None and MENTION.search(text):
        raise DomainError("You raised this item anonymously: a comment on it cannot mention "
                          "people by name (@…).", field="text")
    comment = Comment.objects.create(idea=idea, author=author, text=text)
    mentioned = [u for u in mentioned_users(text) if u.pk != actor.pk]
    mentioned_ids = who_may_see(idea, [u.pk for u in mentioned])
    if mentioned_ids:
        comment.mentions.set(mentioned_ids)
    if author is not None:
        idea.watchers.add(actor)
    mark_active(idea, comment.created_at)

    snippet = " ".join(text.split())[:120]
    title = idea.title[:80]
    name = actor.name if author is not None else "The reporter"
    notify(recipients=mentioned_ids, actor=author, verb="mention",
           text=f"{name} mentioned you on {title}: {snippet}", url=item_url(idea),
           target=idea, event_key=f"idea:{idea.pk}:mention:{comment.pk}")
    notify(recipients=people_to_tell(idea) - mentioned_ids - {actor.pk}, actor=author,
           verb="comment", text=f"{name} commented on {title}: {snippet}", url=item_url(idea),
           target=idea, event_key=f"idea:{idea.pk}:comment:{comment.pk}")
    return comment


