"""A list's count and a page's ids, by SQL written once per reader and filter values and kept in each process.

With the rows' statement compiled once (compiled_rows.py), writing the SQL of the other two statements of a list
page, the capped count and the page's ids, became the ORM's largest share of a list request: the filters applied
to the reader's base queryset, the count wrapped around a LIMITed subquery, both compiled (a seventh of the
request). Their SQL and parameters depend only on:

- the list (the filter set's class) and the reader, as access.reader_key says (the base queryset is theirs);
- the values in the URL, except the page number, once the form has found them valid (an invalid form matches
  nothing, and is not kept);
- the day and the language; and, for the ids, the page's bounds and whether the list was past its cap.

The filters write subqueries and never read the database to build their SQL (a person's name is matched in SQL),
so a statement is kept only if no query ran while it was written: one that had read data to write itself would be
stale after a write, and is written again on every request instead. The form is still validated on every request
(its choices follow the reference data), and the statements run on every request: nothing of the data is kept.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils.translation import get_language

from . import search
from .access import reader_key
from .recent import Recent

# Two statements per list, filter values and page: a few thousand kept take a few MB.
KEPT = 2048
_statements = Recent(KEPT)
_MISSING = object()


class _Ran:
    """Counts the statements run on a connection while a list's queryset is built."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class ListStatements:
    """The capped count and a page's ids of `filterset`'s rows for `user`, by SQL kept per key (see the module)."""

    def __init__(self, filterset, user):
        self.filterset = filterset
        self.using = filterset.queryset.db
        self.key = None
        self._queryset = None
        if filterset.is_valid():
            self.key = (type(filterset), *reader_key(user), filterset.url_values(), filterset.today, get_language())

    def _kept(self, name, write):
        """What write() gives (a statement, or what the list is), kept under `name` and the key if the list's
        queryset was built without a query."""
        if self.key is None:
            return write()
        key = (name, *self.key)
        found = _statements.find(key, _MISSING)
        if found is _MISSING:
            found = write()
            if self.key is not None:  # dropped if building the queryset ran a query
                _statements.put(key, found)
        return found

    def _rows(self, unranked=False):
        """The filter set's queryset (its usual order past the cap, where ranked), built once; the key is dropped
        if building it ran a query, so that nothing written from it is kept."""
        if self._queryset is None:
            ran = _Ran()
            with connections[self.using].execute_wrapper(ran):
                self._queryset = self.filterset.qs
            if ran.count:
                self.key = None
        return self.filterset.unranked() if unranked else self._queryset

    def _written(self, queryset):
        """(sql, params) of `queryset`, or None for a queryset that can match nothing (an invalid form's)."""
        try:
            sql, params = queryset.query.get_compiler(using=self.using).as_sql()
        except EmptyResultSet:
            return None
        return sql, tuple(params)

    def _run(self, statement):
        if statement is None:
            return []
        sql, params = statement
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, cap):
        """How many rows the list has, counting no further than cap + 1."""

        def write():
            rows = self._rows()
            # As CappedPaginator counts a queryset: bare ids under a LIMIT, in search.counting_order.
            ids = self._written(rows.order_by(*search.counting_order(rows)).values("pk")[: cap + 1])
            return None if ids is None else (f"SELECT COUNT(*) FROM ({ids[0]}) AS counted", ids[1])

        found = self._run(self._kept(("count", cap), write))
        return found[0][0] if found else 0

    def ranked(self):
        """Whether the list comes best match first (ListFilterSet.ranked), kept with its statements."""

        def write():
            self._rows()  # built where the queries it runs are seen
            return self.filterset.ranked

        ranked = self._kept("ranked", write)
        # What the filter set says when asked again (its summary's "best match first"), without its queryset.
        self.filterset.ranked = ranked
        return ranked

    def ids(self, bottom, top, capped):
        """The ids of rows `bottom` to `top`; past the cap a ranked list is read in its usual order, as the
        paginator reads it (views/lists.py paginate)."""
        unranked = capped and self.ranked()

        def write():
            rows = self._rows(unranked)
            return self._written(rows.values_list("pk", flat=True)[bottom:top])

        return [row[0] for row in self._run(self._kept(("ids", bottom, top, unranked), write))]
