"""Pagination for big lists: an exact COUNT over a filtered million-row table costs more than the page itself."""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

from . import search
from .kept_plans import rows_by_ids, rows_in_order

# The largest OFFSET PostgreSQL and SQLite take (a signed 64-bit integer): a page starting beyond it
# cannot hold a row, and asking the database for it fails instead of finding nothing.
MAX_OFFSET = 2**63 - 1


class CappedPage(Page):
    """A page of a list whose length is known only up to the cap; `more` says whether rows follow it."""

    more = None

    def has_next(self):
        return super().has_next() if self.more is None else self.more

    def next_page_number(self):
        return self.number + 1 if self.more else super().next_page_number()

    def previous_page_number(self):
        # Past the cap the paginator's page count is the cap's, smaller than this page's number.
        return self.number - 1 if self.more is not None else super().previous_page_number()

    def end_index(self):
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedPaginator(Paginator):
    """Counts at most `cap + 1` rows: beyond the cap the list says "1,000+" and pages go on open-ended.

    Past the cap each page reads one row more than it shows, to know whether there is a next page,
    so no request ever counts the whole result.
    """

    cap = 1000

    def __init__(self, object_list, per_page, *args, read=None, lookup=None, statements=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        # How a page's rows are read from the list's queryset: as it gives them, or as table rows
        # (agreements/table_rows.py). The count and a page's ids are read from the queryset itself, or by
        # `statements` (kept_lists.ListStatements) where given; `lookup(ids)`, where given, reads the rows of those
        # ids (list_bases.lookup).
        self.read = read or (lambda rows: rows)
        self.lookup = lookup
        self.statements = statements

    @cached_property
    def count(self):
        if self.statements is not None:
            return self.statements.count(self.cap)
        # COUNT(*) over a LIMITed subquery of bare ids: PostgreSQL stops after cap + 1 rows, and
        # neither the rank nor the other annotations the page shows (progress) are computed; in no order,
        # except a text query's matches, counted in the list's order (search.counting_order).
        # Readers' clearance is a condition on the action line itself (its copy of the agreement's
        # confidentiality), so the count reads one table and stops at the cap whatever the filter.
        ordering = search.counting_order(self.object_list)
        return self.object_list.order_by(*ordering).values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self):
        return self.count > self.cap

    def validate_number(self, number):
        """Past the cap any page number may hold rows, up to the last page a database can reach."""
        if not self.is_capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def rows(self, bottom, top):
        """Rows `bottom` to `top` of the list: ids first, then their rows with the plan kept (kept_plans.rows_by_ids).
        Planning the rows' statement cost more than the rest of the page's SQL, and on deep pages an OFFSET query
        would build every row it skips with its joins and annotations (page 200: 140 ms → 3 ms)."""
        if self.statements is not None:
            ids = self.statements.ids(bottom, top, self.is_capped)
            return rows_in_order(ids, self.object_list, self.read, self.lookup)
        if not hasattr(self.object_list, "values_list"):
            return list(self.read(self.object_list)[bottom:top])
        return rows_by_ids(self.object_list, bottom, top, self.read, self.lookup)

    def page(self, number):
        if not self.is_capped:
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self.rows(bottom, top), number, self)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            # Past the end of an open-ended list: the last full page the cap vouches for.
            return self.page(self.num_pages if not self.is_capped else -(-self.cap // self.per_page))

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)
