from . import domain, reminders  # noqa: F401  (registers the admin classes)
