"""Bench-only middleware: a request with the header `X-Bench-Cache: miss` is rendered afresh.

Staff pages are kept as rendered per state of the data (agreements/page_cache.py) and the dashboard's figures
likewise (agreements/views/figures.py); the benchmark measures every page both ways, served from those caches
and rendered with its figures read afresh (from the tallies the database keeps) on every request. Sync gunicorn
workers serve one request at a time, so swapping the modules' caches for one request touches no other request.
"""

from django.core.cache.backends.dummy import DummyCache

from agreements import page_cache
from agreements.views import figures

HEADER = "HTTP_X_BENCH_CACHE"
NO_CACHE = DummyCache("bench", {})


def cache_miss(get_response):
    def middleware(request):
        if request.META.get(HEADER) != "miss":
            return get_response(request)
        kept = figures.cache, page_cache.cache
        figures.cache = page_cache.cache = NO_CACHE
        try:
            return get_response(request)
        finally:
            figures.cache, page_cache.cache = kept

    return middleware
