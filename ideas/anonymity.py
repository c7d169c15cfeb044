"""Speak up safely: an item raised without the reporter's name.

An anonymous item stores no reporter. What leads back to the person is ``reporter_ref``: a
keyed one-way hash (HMAC-SHA256 of the user's id, keyed by ``SECRET_KEY`` with a salt of its
own). Nobody can read a name from it — admins included — but the reporter's own requests
compute it again, so they still see, edit (while new), comment on and follow their item. Every
trace the reporter would leave on the item (history rows, timeline lines, comments,
attachments, watchers, notifications) is written without them.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.crypto import salted_hmac

from core.errors import DomainError
from org.models import OrganisationSettings

from .mentions import MENTION

SALT = "tierline.ideas.anonymous-reporter"
ANONYMOUS_NAME = "The reporter (anonymous)"


def _refs(user) -> list[str]:
    """The person's reference under the current secret key and any fallback keys, so that
    rotating ``SECRET_KEY`` (with the old key in ``SECRET_KEY_FALLBACKS``) keeps the link."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return []
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(SALT, str(user.pk), secret=key, algorithm="sha256").hexdigest()
            for key in keys]


def reporter_ref(user) -> str:
    """The reference stored on an item ``user`` raises anonymously."""
    return _refs(user)[0]


def reported_by(user, prefix: str = "") -> Q:
    """Items ``user`` reported, named or anonymously (``prefix`` for a related lookup, e.g.
    ``"idea__"``)."""
    refs = _refs(user)
    named = Q(**{f"{prefix}reporter_id": user.pk}) if refs else Q(pk__in=[])
    if not refs:
        return named
    return named | Q(**{f"{prefix}is_anonymous": True, f"{prefix}reporter_ref__in": refs})


def is_reporter(user, idea) -> bool:
    """Whether ``user`` reported ``idea`` — named, or anonymously by its reference."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if idea.is_anonymous:
        return bool(idea.reporter_ref) and idea.reporter_ref in _refs(user)
    return idea.reporter_id is not None and idea.reporter_id == user.pk


def acts_anonymously(user, idea) -> bool:
    """The anonymous reporter acting on their own item: leave no name behind."""
    return bool(idea.is_anonymous) and is_reporter(user, idea)


def anonymous_raising_on() -> bool:
    return OrganisationSettings.load().anonymous_raising


def check_anonymous_raise(*, title: str, description: str, owner, details: dict) -> None:
    """An anonymous item may be raised only where the organisation offers it, and cannot be
    used to notify or point at anyone by name."""
    if not anonymous_raising_on():
        raise DomainError("Your organisation does not offer anonymous raising: items carry "
                          "the reporter's name.", field="anonymous")
    if owner is not None:
        raise DomainError("An anonymous item cannot name an owner: the team's leads assign "
                          "one.", field="owner")
    refuse_mentions({"title": title, "description": description, **details})


def refuse_mentions(fields: dict) -> None:
    """The anonymous reporter's words cannot @mention anyone (a field error)."""
    for field in ("title", "description", "problem_statement", "root_cause", "countermeasure"):
        text = fields.get(field)
        if isinstance(text, str) and MENTION.search(text):
            raise DomainError("An anonymous item cannot mention people by name (@…): describe "
                              "the situation, not the person.", field=field)


def unname_history(sender, *, instance, history_instance, **kwargs) -> None:
    """A history row of an anonymous item never names its reporter, whoever saved it and
    however (django-simple-history takes the user from the request)."""
    user = history_instance.history_user
    if user is not None and acts_anonymously(user, instance):
        history_instance.history_user = None
