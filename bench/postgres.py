"""Statements on the PostgreSQL server itself, such as CREATE and DROP DATABASE, for the benchmarks and the scan."""

from contextlib import contextmanager

import psycopg2
from django.conf import settings


@contextmanager
def maintenance():
    """An autocommit cursor on the `postgres` database of the server the settings point at.

    CREATE and DROP DATABASE cannot run inside a transaction, nor from the database they create or drop.
    """
    database = settings.DATABASES["default"]
    server = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            yield cursor
    finally:
        server.close()
