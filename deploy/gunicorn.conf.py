"""Gunicorn for Commission Tracker behind a reverse proxy: `gunicorn -c deploy/gunicorn.conf.py commission.wsgi`.

Every value below can be changed from the environment; see deploy/README.md.
"""

import os
import sys


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        sys.stderr.write(f"Configuration error: {name} must be a whole number, not {value!r}\n")
        raise SystemExit(2) from None


# The proxy reaches this host on its private address; never expose gunicorn to the internet.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: pages are short database reads. Three suits two cores (2 × cores + 1 is the usual ceiling).
workers = env_int("GUNICORN_WORKERS", 3)
worker_class = "sync"
# Long enough for an XLSX export of every agreement; the proxy's read timeout should match.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, at different moments, so slow memory growth never takes a host down.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Only these addresses (the reverse proxies) may say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as the proxy saw it first, then the proxy's own, the request and the time taken (µs).
access_log_format = '%({x-forwarded-for}i)s via %(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sµs "%(a)s"'
