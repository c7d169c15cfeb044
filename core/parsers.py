"""API parsers that refuse NUL characters anywhere in a JSON or form body: a 400 in the API's
error shape naming the field (as core.middleware does for pages and form posts), not a 500 from
the database."""

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

NUL = "\x00"
MESSAGE = "This field contains a NUL character."


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _check(data) -> None:
    """Raise a ValidationError naming each top-level field that holds a NUL somewhere."""
    if isinstance(data, dict):
        errors = {}
        for key, value in data.items():
            if _has_nul(key):
                errors.setdefault("non_field_errors", []).append(
                    "A field name contains a NUL character.")
            elif _has_nul(value):
                errors[str(key)] = [MESSAGE]
        if errors:
            raise ValidationError(errors)
    elif _has_nul(data):
        raise ValidationError({"non_field_errors": ["The body contains a NUL character."]})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check(data)
        return data


def _check_form(data) -> None:
    _check({key: values for key, values in data.lists()})


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data)
        return result
