"""The development-only app: benchmarks and the security scan (see bench/__init__.py)."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmarks and security scan"
    default_auto_field = "django.db.models.BigAutoField"
