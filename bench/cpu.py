"""CPU time a page costs per request under load, split between the app and the database (Linux /proc).

wrk, gunicorn and PostgreSQL share the machine's cores, so requests per second alone do not say where a page's
time goes. Around each wrk run the benchmark reads the CPU time of gunicorn's workers and of every process named
`postgres` (the backends serving the workers, and the server's own background processes), and divides what they
used by the requests served. PostgreSQL must run on the same machine to be counted.
"""

import os
from dataclasses import dataclass

from .memory import PROC, children

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU seconds a process has used; None once it has gone."""
    try:
        # The command name in parentheses may hold spaces; utime and stime are the 12th and 13th fields after it.
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def named(name):
    """The pids of the processes whose command name is `name`."""
    found = []
    for comm in PROC.glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


def snapshot(pids):
    times = {pid: cpu_seconds(pid) for pid in pids}
    return {pid: seconds for pid, seconds in times.items() if seconds is not None}


def used(before, after):
    """CPU seconds used between two snapshots. A process started in between counts whole; one that ended in
    between is lost since the first snapshot (a database connection reopened: a small part of a run)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


@dataclass
class Split:
    app_ms: float  # gunicorn workers, per request
    database_ms: float  # PostgreSQL processes, per request


class Meter:
    """`meter = Meter(master_pid)`, the load, then `meter.per_request(requests)`."""

    def __init__(self, master_pid):
        self.master_pid = master_pid
        self.app = snapshot(children(master_pid))
        self.database = snapshot(named("postgres"))

    def per_request(self, requests):
        if not requests:
            return Split(0.0, 0.0)
        app = used(self.app, snapshot(children(self.master_pid)))
        database = used(self.database, snapshot(named("postgres")))
        return Split(app * 1000 / requests, database * 1000 / requests)
