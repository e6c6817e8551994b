"""bench/results.md: every page's figures beside the targets of issue 12, each marked pass or MISS."""

from dataclasses import dataclass

from .data import STOCK


@dataclass(frozen=True)
class Goal:
    rate: float | None = None  # requests per second, at least
    p95_ms: float | None = None  # 95th percentile, at most


# By kind of page (bench/data.py). The project's tuned admin is measured but held to no target of its own.
GOALS = {
    "list": Goal(150, 100),
    "detail": Goal(150, 100),
    "search": Goal(60, 200),
    "dashboard": Goal(100),
    "admin": Goal(),
    "stock": Goal(),
}
TIMES_STOCK = 20  # every page at least this many times the stock changelist's requests per second
WORKER_MB = 120  # gunicorn worker resident memory after the run
CSV_WORKER_MB = 150  # while a 100,000-row CSV streams
XLSX_SECONDS = 10  # a 100,000-row XLSX


def mark(passed):
    return "pass" if passed else "**MISS**"


def at_least(value, goal, text):
    return text if goal is None else f"{text} (≥ {goal:g}: {mark(value >= goal)})"


def at_most(value, goal, text):
    return text if goal is None else f"{text} (≤ {goal:g}: {mark(value <= goal)})"


def stock_rate(results):
    return next((result.rate for result in results if result.target.label == STOCK), None)


def page_rows(results):
    baseline = stock_rate(results)
    lines = [
        "| page | req/s | p50 ms | p95 ms | SQL queries | × stock admin | worker RSS MB | URL |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        goal = GOALS[result.target.kind]
        if result.target.kind == "stock" or not baseline:
            times = "—" if not baseline else f"{result.rate / baseline:.1f}×"
        else:
            times = at_least(result.rate / baseline, TIMES_STOCK, f"{result.rate / baseline:.0f}×")
        queries = "—" if result.queries is None else str(result.queries)
        memory = "—" if result.worker_rss_mb is None else f"{result.worker_rss_mb:.0f}"
        failed = f" ({result.non2xx} non-2xx, {result.errors} errors)" if result.non2xx or result.errors else ""
        lines.append(
            f"| {result.target.label}{failed} | {at_least(result.rate, goal.rate, f'{result.rate:.1f}')} "
            f"| {result.p50_ms:.0f} | {at_most(result.p95_ms, goal.p95_ms, f'{result.p95_ms:.0f}')} | {queries} "
            f"| {times} | {memory} | `{result.target.path}` |"
        )
    return "\n".join(lines)


def export_rows(exports):
    lines = [
        "| export | rows | MB | seconds | largest worker RSS MB meanwhile | URL |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for export in exports:
        xlsx = export.path.split("?")[0].endswith(".xlsx")
        seconds = f"{export.seconds:.1f}"
        peak = f"{export.peak_worker_mb:.0f}"
        if xlsx:
            seconds = at_most(export.seconds, XLSX_SECONDS, seconds)
        else:
            peak = at_most(export.peak_worker_mb, CSV_WORKER_MB, peak)
        status = "" if export.status == 200 else f" (answered {export.status})"
        lines.append(
            f"| {export.label}{status} | {export.rows:,} | {export.megabytes:.1f} | {seconds} | {peak} "
            f"| `{export.path}` |"
        )
    return "\n".join(lines)


def markdown(results, exports, *, command, date, cores, load, data_size, seconds, connections, workers, rss_after):
    baseline = stock_rate(results)
    sections = [
        "# Page benchmark",
        "",
        f"- Command: `{command}`",
        f"- Date: {date}",
        f"- Machine: {cores} cores (os.cpu_count()); load average (1, 5, 15 min) before the run: {load}. "
        "The machine may be shared: absolute figures are noisy, the ratio to the stock admin measured in the "
        "same run is the comparison that holds.",
        f"- Data: {data_size}",
        f"- Load: gunicorn {workers} sync workers (DEBUG off), wrk {connections} connections × {seconds} s per page "
        "on the same cores.",
        f"- Baseline: Django's stock `ModelAdmin` changelist of action lines (`/bench-admin/`, bench/stock_admin.py) "
        f"on status + sector: {baseline:.2f} req/s."
        if baseline
        else "- Baseline: the stock admin was not measured.",
        "- Targets (issue 12): lists and detail pages ≥ 150 req/s with p95 ≤ 100 ms; text search ≥ 60 req/s with "
        f"p95 ≤ 200 ms; the dashboard ≥ 100 req/s, also with its figures cache missed on every request; every page "
        f"≥ {TIMES_STOCK}× the stock changelist; worker RSS ≤ {WORKER_MB} MB after the run; a 100,000-row CSV "
        f"streams with the worker under {CSV_WORKER_MB} MB; a 100,000-row XLSX in ≤ {XLSX_SECONDS} s. The "
        "project's tuned admin is measured for comparison, without a target of its own.",
        "- SQL queries: counted once per page in this process (Django's test client, after one warm-up request).",
        "",
        page_rows(results),
        "",
        f"Largest gunicorn worker resident memory after the run: "
        f"{at_most(rss_after, WORKER_MB, f'{rss_after:.0f} MB')}.",
    ]
    if exports:
        sections += ["", "## Exports", "", export_rows(exports)]
    return "\n".join(sections) + "\n"
