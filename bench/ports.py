"""A free TCP port on the loopback address, for the servers the benchmarks, the security scan and the tests start."""

import socket

HOST = "127.0.0.1"


def free_port(host=HOST):
    """A port nothing listens on now; another process could take it before ours binds, which is rare enough."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
