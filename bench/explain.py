"""The SQL one page runs, each statement timed with EXPLAIN ANALYZE, in this process with Django's test client."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

EXECUTION_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


@dataclass
class Statement:
    sql: str
    milliseconds: float
    plan: list


def page_statements(path, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with override_settings(ALLOWED_HOSTS=["testserver"]), CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    # The session and user look-ups are the same on every page; the page's own queries follow them.
    return [explain(query["sql"]) for query in captured.captured_queries if query["sql"].lstrip().startswith("SELECT")]


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
    found = EXECUTION_TIME.search(plan[-1]) or EXECUTION_TIME.search("\n".join(plan))
    return Statement(sql, float(found[1]) if found else 0.0, plan)
