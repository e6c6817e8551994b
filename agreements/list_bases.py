"""A list's base queryset per reader, built once in each process and copied for every request.

The lists start from the rows a reader may see, with their carry-over, progress and line-count annotations
(filters.AgreementFilter.rows, ActionLineFilter.rows). Building that queryset with the ORM took about a quarter
of a list request's CPU; copying a built one costs a small part of that. It depends only on who the reader is
(their account and person, whether they are of the secretariat or a counterpart) and on the day, never on the
data: the clearance is written as subqueries, so a grant, a new line or a changed level counts at once. A change
of role or of linked person gives another key. Each process keeps the KEPT bases used last.

The statement that reads a page's rows by id from the base is compiled once per key too (`lookup`,
compiled_rows.py), one for each number of ids a page holds.
"""

from collections import OrderedDict

from .access import reader_key
from .compiled_rows import RowsById

KEPT = 64
_kept = OrderedDict()
_compiled = OrderedDict()


def reader(user):
    """What a list's clearance reads of `user`. The secretariat sees everything: one base serves them all."""
    return reader_key(user)


def _recall(kept, key, make, most):
    found = kept.get(key)
    if found is None:
        found = kept[key] = make()
        while len(kept) > most:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    return found


def base(kind, user, build, *day):
    """A copy of build()'s queryset for `user` (and `day`, where the rows depend on it), built once per key."""
    return _recall(_kept, (kind, *reader(user), *day), build, KEPT).all()


def lookup(kind, user, build, read, *day):
    """A function of a page's ids that gives their rows as `read` makes them (table_rows.py), from the base that
    base(kind, user, build, *day) gives, by a statement compiled once per key, reader and number of ids."""
    key = (kind, *reader(user), *day, read)

    def rows(ids):
        statement = _recall(
            _compiled, (*key, len(ids)), lambda: RowsById(base(kind, user, build, *day), read, len(ids)), KEPT * 4
        )
        return statement(ids)

    return rows
