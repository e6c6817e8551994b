"""Bench-only middleware: a request with the header `X-Bench-Figures: miss` gets no cached dashboard figures.

The figures (agreements/views/figures.py) are cached per state of the data; the benchmark measures the page
both ways. Sync gunicorn workers serve one request at a time, so swapping the module's cache for the
length of one request touches no other request.
"""

from django.core.cache.backends.dummy import DummyCache

from agreements.views import figures

HEADER = "HTTP_X_BENCH_FIGURES"
NO_CACHE = DummyCache("bench", {})


def figures_cache_miss(get_response):
    def middleware(request):
        if request.META.get(HEADER) != "miss":
            return get_response(request)
        cache = figures.cache
        figures.cache = NO_CACHE
        try:
            return get_response(request)
        finally:
            figures.cache = cache

    return middleware
