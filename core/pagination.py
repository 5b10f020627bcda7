"""Pagination that does not count millions of rows on every page load.

Django's `Paginator` runs `COUNT(*)` over the whole filtered list to number the pages. With a
million cases that count costs more than the page itself (about a second on PostgreSQL), so
`CappedPaginator` counts at most `cap` rows: below the cap it behaves exactly like Django's,
above it the list says "more than 10,000" and pages go on with next and previous links, the
next link shown only while a further row exists (the page fetches one row more than it
shows). Narrowing the filter brings back the exact count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000

# Paginator and Page are generic only in django-stubs (not at run time, as nothing calls
# django_stubs_ext.monkeypatch), so these paginate rows of any type.


class CappedPage(Page):
    def __init__(
        self,
        object_list: Sequence[Any],
        number: int,
        paginator: Paginator,
        has_more: bool,
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: QuerySet[Any] | Sequence[Any],
        per_page: int | str,
        cap: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The number of rows, or cap + 1 when there are more than `cap`."""
        head = self.object_list[: self.cap + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted: the total is not known."""
        return self.count > self.cap

    def validate_number(self, number: int | float | str) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not a whole number.") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        return number

    def page(self, number: int | float | str) -> Page:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage("That page contains no results.")
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def get_page(self, number: int | float | str | None) -> Page:
        if number is None:
            # No page asked for: the first, as PageNotAnInteger below would give.
            return self.page(1)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            # Past the end of a list too long to count: back to the last counted page.
            return self.page(self.num_pages if not self.capped else self.cap // self.per_page)
