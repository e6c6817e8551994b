"""The address a request came from, for lockouts and the sign-in log."""

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or the address our own proxies saw when TRUSTED_PROXY_COUNT says how many there are.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything further left was written by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
