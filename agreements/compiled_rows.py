"""Statements the ORM writes once per reader, not once per request: rows looked up by id.

The SQL of a page's statements is the same on every request of a reader but for the ids it looks up: a list
page's rows (a line, its agreement, two people, two institutions, the carry-over and progress subqueries, the
reader's clearance), an object page's object and what hangs from it. Writing that SQL took the ORM about a tenth
of a list request and a third of an object page's.

`Compiled(build, n)` calls build() with n stand-in ids, compiles the queryset it returns once, and then only puts
the real ids in their places: the ORM runs the statement and turns its rows into model instances or values as it
would have, with its converters (dates on SQLite, decimals) and select_related. build() is called a second time
with other stand-ins, and anything else that differs between the two (an id used in a sum, the current time) or
SQL that changes with the ids refuses the statement, so that no value of one request is ever kept for another.

What build() reads of the reader, the day or the language is kept in the statement: `once()` keeps statements
under a key that holds them (the reader as access.reader_key says; the day and language always).
"""

import copy

from django.db import connections
from django.utils.translation import get_language

from .clock import local_today
from .recent import Recent

# Ids no row has (primary keys are positive and below 2**63), each distinct so that its places are known.
_STAND_IN = -(2**62)
BIGGEST_ID = 2**63 - 1
KEPT = 256
_kept = Recent(KEPT)


def stand_ins(count, first=0):
    return [_STAND_IN - first - n for n in range(count)]


def compiled(queryset):
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


class Compiled:
    """build(*ids)'s queryset for `count` ids, compiled once; call it with the ids to get the queryset's results
    as a list. build() must use each id as it is, as a value compared with a column."""

    def __init__(self, build, count):
        first, second = stand_ins(count), stand_ins(count, first=count)
        self.queryset = build(*first)
        self.using = self.queryset.db
        self.compiler, self.sql, self.params = compiled(self.queryset)
        _, other_sql, other_params = compiled(build(*second))
        if other_sql != self.sql or len(other_params) != len(self.params):
            raise ValueError("The statement's SQL changes with its ids.")
        self.places = [[] for _ in range(count)]
        for place, (one, other) in enumerate(zip(self.params, other_params, strict=True)):
            if one == other:
                continue
            if one not in first or second[first.index(one)] != other:
                raise ValueError(f"Parameter {place} changes between two compilations and is not an id.")
            self.places[first.index(one)].append(place)
        if not all(self.places):
            raise ValueError("An id is not a parameter of the statement.")

    def __call__(self, *ids):
        if len(ids) != len(self.places):
            raise ValueError(f"{len(self.places)} ids expected, not {len(ids)}.")
        if not all(isinstance(pk, int) and 0 < pk <= BIGGEST_ID for pk in ids):
            return []  # no row has such an id; the database would refuse a number past its integers
        params = list(self.params)
        for places, pk in zip(self.places, ids, strict=True):
            for place in places:
                params[place] = pk
        params = tuple(params)
        # A copy per call, on this thread's connection: the compiled one may be shared by the threads of a
        # development server. Its SQL is given, so the ORM runs it and builds the results without writing it again.
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.using]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def once(name, key, build, *ids):
    """build(*ids)'s results, by a statement compiled once per name, key (what build reads of the reader; see
    access.reader_key), number of ids, day and language. Each process keeps the KEPT statements used last."""
    full_key = (name, *key, len(ids), local_today(), get_language())
    return _kept.get_or_make(full_key, lambda: Compiled(build, len(ids)))(*ids)
