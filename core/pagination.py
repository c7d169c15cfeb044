"""Pages of long lists that stay fast however many rows the list has.

Slicing a list query that joins its related rows (``select_related``) makes PostgreSQL join every
candidate row before it sorts and cuts the page: over a million items that is seconds.
``NarrowPaginator`` finds the page on the narrow rows first — the ids, in the list's order, which
the database sorts on the table alone (or reads straight from an index) — and then reads just
those rows in full, with their joins, annotations and prefetches. One query more per page, a
constant number whatever the size of the list. ``narrow_slice`` does the same for any first
rows (e.g. a short panel of a long list).

Counting a million visible rows costs a second by itself, so a list may cap its count
(``count_cap``): it counts at most that many rows plus one; past it ``count_exact`` is False, the
page says "more than 10,000" and the pages stop at the cap (filters narrow the list).
"""

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable


def narrow_slice(rows: QuerySet, bottom: int, top: int) -> list:
    """``rows[bottom:top]`` of an ordered model query, read narrow then full: the ids in the
    list's order first, then just those rows (a row deleted in between is left out)."""
    ids = list(rows.values_list("pk", flat=True)[bottom:top])
    by_id = {obj.pk: obj for obj in rows.order_by().filter(pk__in=ids)} if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


COUNT_CAP = 10_000


class NarrowPaginator(Paginator):
    count_exact = True

    def __init__(self, object_list, per_page, *args, count_cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_cap = count_cap

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if self.count_cap is None or not isinstance(rows, QuerySet):
            return super().count
        # The narrow ids only, at most cap + 1 of them, in no order: PostgreSQL stops there.
        n = rows.order_by().values("pk")[: self.count_cap + 1].count()
        self.count_exact = n <= self.count_cap
        return n

    def page(self, number) -> Page:
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows._iterable_class is not ModelIterable:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(narrow_slice(rows, bottom, top), number, self)
