"""Staff pages kept as rendered, per reader and browser session, until the data they show changes.

The pages people open all day (dashboard, worklists, object pages) are the same for the same reader until a
transaction that writes commits; rendering them again costs the lists a dozen queries and most of a request's
CPU. `cached_page` keeps a page's HTML under a key made of:

- the data version (agreements/data_version.py), which moves when anything a page shows commits, including
  what decides a reader's clearance: access lists, people, user accounts, groups and permissions;
- the day (deadline cues count days), the language, the host and the full path with its query string;
- the reader's user id and the browser session's CSRF secret, so that forms in the page carry a token that
  session accepts, and one reader's page never goes to another.

A page is only served from or kept in the cache when all of these are known: a signed-in GET, a CSRF cookie,
no message waiting to be shown (those are read once), PostgreSQL outside a transaction. Anything else, and any
response other than a plain 200 HTML page that sets no cookie, takes the view as usual.
"""

import hashlib
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse

from . import data_version
from .clock import local_today

# Entries of superseded versions are never read again; this bounds how long they take memory.
TIMEOUT = 600
cache = caches["pages"]


def page_key(request, version):
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    parts = (
        version,
        local_today().isoformat(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.scheme,
        request.get_host(),
        str(request.user.pk),
        secret,
        request.get_full_path(),
    )
    return "page:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def cacheable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )


def cached_page(view):
    """Serve `view`'s page from the cache while the data it shows is unchanged (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or not request.user.is_authenticated or len(get_messages(request)):
            return view(request, *args, **kwargs)
        version = data_version.current()
        key = page_key(request, version) if version else None
        if key is None:
            return view(request, *args, **kwargs)
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if cacheable(response):
            cache.set(key, response.content, TIMEOUT)
        return response

    return wrapper
