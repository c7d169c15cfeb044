"""API parsers that refuse NUL characters anywhere in a JSON or form body (400, not a 500 from
the database)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL = "\x00"


def _check(value, path: str = "") -> None:
    if isinstance(value, str):
        if NUL in value:
            raise ParseError(f"NUL character in {path or 'the body'}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, path)
            _check(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        for key, values in data.lists():
            _check(key)
            for value in values:
                _check(value, key)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        for key, values in result.data.lists():
            _check(key)
            for value in values:
                _check(value, key)
        return result
