"""One export downloaded from the benchmark's gunicorn: its size, rows, time, and the workers' memory meanwhile."""

import http.client
import io
import threading
import time
import zipfile
from dataclasses import dataclass

from . import memory
from .ports import HOST

CHUNK = 64 * 1024


@dataclass
class Export:
    label: str
    path: str
    status: int
    rows: int
    megabytes: float
    seconds: float
    peak_worker_mb: float


class MemoryWatch:
    """Samples the largest worker's resident memory every `every` seconds until stopped; keeps the maximum."""

    def __init__(self, master_pid, every=0.05):
        self.master_pid, self.every = master_pid, every
        self.peak = 0.0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not self.stopped.is_set():
            self.peak = max(self.peak, memory.largest_worker_mb(self.master_pid))
            self.stopped.wait(self.every)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()
        self.peak = max(self.peak, memory.largest_worker_mb(self.master_pid))


def download(server, label, path, cookie):
    """Reads the whole response as a client would; rows are counted in the body (the header row left out)."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=600)
    body = io.BytesIO() if path.split("?")[0].endswith(".xlsx") else None
    size = lines = 0
    last = b""
    with MemoryWatch(server.process.pid) as watch:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if body is None:
                # With the previous chunk's last byte: a line end may be split between two chunks.
                lines += (last + chunk).count(b"\r\n")
                last = chunk[-1:]
            else:
                body.write(chunk)
        elapsed = time.perf_counter() - started
    connection.close()
    rows = lines - 1 if body is None else xlsx_rows(body)
    return Export(label, path, response.status, max(rows, 0), size / 1e6, elapsed, watch.peak)


def xlsx_rows(body):
    """Rows of the first worksheet, counted in its XML as it is decompressed, without a spreadsheet library."""
    try:
        with zipfile.ZipFile(body) as workbook, workbook.open("xl/worksheets/sheet1.xml") as sheet:
            rows, tail = 0, b""
            while chunk := sheet.read(CHUNK):
                # The last 4 bytes of a chunk are too short for a whole "<row ", so nothing is counted twice.
                rows += (tail + chunk).count(b"<row ")
                tail = chunk[-4:]
            return rows - 1
    except (zipfile.BadZipFile, KeyError):
        return 0
