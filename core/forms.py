"""What every app's HTML forms share."""

from django.forms.models import model_to_dict

from .errors import DomainError


def initial_from(obj, form_class) -> dict:
    """What an edit form starts from: ``obj``'s values of the fields ``form_class`` has (a
    foreign key as its id)."""
    return model_to_dict(obj, fields=list(form_class.base_fields))


def apply_error(form, exc: DomainError) -> None:
    """A service's refusal shown on the form: every field it names (a refusal may report
    several at once in ``extra["errors"]``), else the one field, else the whole form."""
    errors = exc.extra.get("errors") if isinstance(exc.extra.get("errors"), dict) else None
    if errors:
        for name, messages in errors.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
