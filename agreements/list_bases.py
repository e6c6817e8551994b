"""A list's base queryset per reader, built once in each process and copied for every request.

The lists start from the rows a reader may see, with their carry-over, progress and line-count annotations
(filters.AgreementFilter.rows, ActionLineFilter.rows). Building that queryset with the ORM took about a quarter
of a list request's CPU; copying a built one costs a small part of that. It depends only on who the reader is
(their account and person, whether they are of the secretariat or a counterpart: access.reader_key) and on the
day, never on the data: the clearance is written as subqueries, so a grant, a new line or a changed level counts at
once. A change of role or of linked person gives another key. Each process keeps the KEPT bases used last.

The statement that reads a page's rows by id from the base is compiled once per key too (`lookup`,
compiled_rows.py), one for each number of ids a page holds.
"""

from .access import reader_key
from .compiled_rows import once
from .recent import Recent

KEPT = 64
_kept = Recent(KEPT)


def base(kind, user, build, *day):
    """A copy of build()'s queryset for `user` (and `day`, where the rows depend on it), built once per key."""
    return _kept.get_or_make((kind, *reader_key(user), *day), build).all()


def lookup(kind, user, build, read, *day):
    """A function of a page's ids that gives their rows as `read` makes them (table_rows.py), in no particular
    order, from the base that base(kind, user, build, *day) gives, by a statement compiled once per reader."""

    def rows(*ids):
        return read(base(kind, user, build, *day).filter(pk__in=ids).order_by())

    return lambda ids: once(f"{kind}.rows", (*reader_key(user), read), rows, *ids)
