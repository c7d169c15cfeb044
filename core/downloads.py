"""CSV downloads, streamed: every export of Tierline goes through ``csv_response``.

Text cells are defused on the way out: a spreadsheet must not run a formula someone typed into
a title or a team name, so text starting with ``= + - @``, a tab or a carriage return gets a
leading apostrophe. Numbers and dates pass unchanged."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value):
        return value


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def csv_response(filename: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """``rows`` (a header row first) as a streamed CSV attachment named ``filename``."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(v) for v in row]) for row in rows),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
