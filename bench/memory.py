"""Resident memory of gunicorn's workers, read from /proc (Linux): each worker's VmRSS, in MB."""

from pathlib import Path

PROC = Path("/proc")


def children(parent_pid):
    """The pids whose parent is `parent_pid`: gunicorn's workers, for its master's pid."""
    found = []
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the parent pid is the second field after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent_pid:
            found.append(int(stat.parent.name))
    return found


def resident_mb(pid, field="VmRSS"):
    """A process's resident memory (VmRSS) or its peak (VmHWM) in MB; None once it has gone."""
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def workers_mb(master_pid, field="VmRSS"):
    """{worker pid: MB} of every live worker."""
    sizes = {pid: resident_mb(pid, field) for pid in children(master_pid)}
    return {pid: size for pid, size in sizes.items() if size is not None}


def largest_worker_mb(master_pid, field="VmRSS"):
    return max(workers_mb(master_pid, field).values(), default=0.0)
