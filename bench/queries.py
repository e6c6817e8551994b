"""SQL statements one page runs, counted in this process through Django's test client."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


def count(target):
    """Statements of the second request for the page: the first fills what a worker caches once."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=target.username))
    headers = dict(target.headers)
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client.get(target.path, headers=headers)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.path, headers=headers)
    return len(captured.captured_queries) if response.status_code == 200 else None
