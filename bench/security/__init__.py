"""`manage.py security_scan`: sqlmap against every list filter on a throwaway copy of the demo, and pip-audit."""
