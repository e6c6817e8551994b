"""Responses to signed-in users are kept by no browser or proxy cache: pages and exports hold ministry data."""


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A view that chose its own caching (the login page's never_cache, a calendar feed) keeps it.
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
