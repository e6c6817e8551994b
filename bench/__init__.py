"""The development-only app: benchmarks and the security scan, never part of the shipped site.

It is installed only by its own settings module, bench/settings.py (`DJANGO_SETTINGS_MODULE=bench.settings`,
which the Makefile's bench and security-scan targets set): commission.settings plus this app, its URLs (a stock
admin of action lines as the baseline) and a middleware that lets the benchmark ask for a cache miss. Both start
the same gunicorn (bench/server.py) on a free port (bench/ports.py). Production settings and code never import it.
"""
