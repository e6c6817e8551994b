"""Pagination for big lists: an exact COUNT over a filtered million-row table costs more than the page itself."""

from functools import cached_property

from django.core.paginator import Page, Paginator


class CappedPage(Page):
    def end_index(self):
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedPaginator(Paginator):
    """Counts at most `cap + 1` rows; beyond the cap the page says "1,000+" and pages stop at the cap.

    Every row stays reachable through narrower filters and through the exports, which have no cap.
    """

    cap = 1000

    @cached_property
    def count(self):
        # COUNT(*) over a LIMITed subquery of bare ids: PostgreSQL stops after cap + 1 rows, and
        # neither the order nor the annotations the page shows (rank, progress) are computed.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self):
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        listed = min(self.count, self.cap)
        return max(1, -(-listed // self.per_page))

    def page(self, number):
        if not self.is_capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.cap)
        return self._get_page(self.object_list[bottom:top], number, self)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)
