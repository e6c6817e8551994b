"""Pagination for big lists: an exact COUNT over a filtered million-row table costs more than the page itself."""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections, transaction

# The capped count is planned without merge joins. With a LIMIT PostgreSQL favours a plan that returns its
# first rows soonest, and for action lines it merged them, in agreement order, with the agreements joined for
# the reader's clearance. Agreement order is deadline order, so that walk reads the old, done lines first:
# at a million lines, 130,000 to 630,000 rows for 1,001 open lines matching a common word (150 ms to 1.8 s;
# 120–260 ms for status and sector), where a nested loop over the index of open lines by deadline, or of
# sector and status, takes 2–60 ms, and a word found in few open lines a third of the merge's time
# (EXPLAIN ANALYZE on the benchmark's data, bench/).
WITHOUT_MERGE_JOIN = "SELECT current_setting('enable_mergejoin'), set_config('enable_mergejoin', 'off', true)"
RESTORE_MERGE_JOIN = "SELECT set_config('enable_mergejoin', %s, true)"

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

    @cached_property
    def count(self):
        # COUNT(*) over a LIMITed subquery of bare ids: PostgreSQL stops after cap + 1 rows, and
        # neither the order nor the annotations the page shows (rank, progress) are computed.
        capped = self.object_list.order_by().values("pk")[: self.cap + 1]
        connection = connections[capped.db]
        if connection.vendor != "postgresql":
            return capped.count()
        with transaction.atomic(using=capped.db), connection.cursor() as cursor:
            cursor.execute(WITHOUT_MERGE_JOIN)
            previous = cursor.fetchone()[0]
            try:
                return capped.count()
            finally:
                # SET LOCAL would outlast a savepoint released inside a caller's transaction.
                cursor.execute(RESTORE_MERGE_JOIN, [previous])

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

    def page(self, number):
        if not self.is_capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
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
