"""Changelists over big tables count at most 1,001 rows, as the staff lists do (agreements/pagination.py).

Django's admin counts the filtered rows exactly on every changelist; over a million action lines
that COUNT(*) alone takes PostgreSQL 50 ms unfiltered and grows with every join a filter adds.
Past the cap the changelist says "1,000+" and its pages go on open-ended.
"""

from functools import cached_property

from django.utils.formats import number_format

from agreements.pagination import CappedPaginator


class CappedCount(int):
    """A count known only to be over `cap`: compares as cap + 1, reads as "1,000+" in templates and messages."""

    def __new__(cls, value, cap):
        count = super().__new__(cls, value)
        count.cap = cap
        return count

    def __str__(self):
        return f"{number_format(self.cap, force_grouping=True)}+"

    # Templates print an int through localisation unless it says how to render itself.
    def __html__(self):
        return str(self)


class CappedAdminPaginator(CappedPaginator):
    @cached_property
    def count(self):
        counted = super().count
        return CappedCount(counted, self.cap) if counted > self.cap else counted

    def page(self, number):
        page = super().page(number)
        self.last_page = page
        return page

    last_page = None

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """Links to the first pages, those around `number`, and an open end: the last page is not known."""
        if not self.is_capped:
            yield from super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)
            return
        number = int(number)
        shown = self.last_page if self.last_page and self.last_page.number == number else None
        known = max(-(-self.cap // self.per_page), number + 1 if shown and shown.more else number)
        if number > on_each_side + on_ends + 2:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, number + 1)
        else:
            yield from range(1, number + 1)
        yield from range(number + 1, min(number + on_each_side, known) + 1)
        yield self.ELLIPSIS


class CappedCountAdmin:
    """Mixin for a ModelAdmin over a table that grows without bound."""

    paginator = CappedAdminPaginator
    show_full_result_count = False
