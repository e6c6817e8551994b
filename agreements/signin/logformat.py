"""Log lines stamped in UTC, so sign-in records from several servers and time zones line up."""

import datetime
import logging


class UTCFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 (the logging API's name)
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
