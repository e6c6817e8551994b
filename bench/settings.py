"""Settings for the development-only app, benchmarks and the security scan: the project's own, plus the bench app
and what only the benchmark may reach.

`DJANGO_SETTINGS_MODULE=bench.settings manage.py bench_pages` (the Makefile's bench and security-scan targets do
it); gunicorn, started by the benchmark, inherits the variable and so serves the same. The security scan's
gunicorn serves commission.settings instead: the shipped site is the one probed.
"""

from commission.settings import *  # noqa: F403
from commission.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# The project's URLs plus /bench-admin/, the stock changelist every page is compared with.
ROOT_URLCONF = "bench.urls"
# Last, so that it wraps only the view: a request carrying its header is rendered afresh, figures and all.
MIDDLEWARE = [*MIDDLEWARE, "bench.middleware.cache_miss"]
