"""bench/results.md: every page's figures beside the targets of issue 12, each marked pass or MISS."""

from dataclasses import dataclass

from .data import RENDERED, STOCK


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
        "| page | req/s | p50 ms | p95 ms | SQL queries | × stock admin | CPU ms/request: app · PostgreSQL "
        "| worker RSS MB | URL |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        goal = GOALS[result.target.kind]
        if result.target.kind == "stock" or not baseline:
            times = "—" if not baseline else f"{result.rate / baseline:.1f}×"
        else:
            times = at_least(result.rate / baseline, TIMES_STOCK, f"{result.rate / baseline:.0f}×")
        queries = "—" if result.queries is None else str(result.queries)
        memory = "—" if result.worker_rss_mb is None else f"{result.worker_rss_mb:.0f}"
        split = "—" if result.cpu is None else f"{result.cpu.app_ms:.1f} · {result.cpu.database_ms:.1f}"
        failed = f" ({result.non2xx} non-2xx, {result.errors} errors)" if result.non2xx or result.errors else ""
        lines.append(
            f"| {result.target.label}{failed} | {at_least(result.rate, goal.rate, f'{result.rate:.1f}')} "
            f"| {result.p50_ms:.0f} | {at_most(result.p95_ms, goal.p95_ms, f'{result.p95_ms:.0f}')} | {queries} "
            f"| {times} | {split} | {memory} | `{result.target.path}` |"
        )
    return "\n".join(lines)


# What to do next about a page short of its target, by kind of page and whether it was rendered afresh.
NEXT_STEPS = {
    ("dashboard", True): "Its figures come from the tallies the database keeps (agreements/tallies.py), its "
    "statements run from kept plans, its short lists' rows and the reader's named rows are compiled once "
    "(agreements/compiled_rows.py, access.named_rows); what is left is about 17 queries and the page's own "
    "Python, listed here: the grouped count of the overdue owners, the figures' dictionaries and the Jinja2 "
    "rendering. Next: the parts that are the same for every reader of a level (due soon, latest updates, the "
    "overdue owners) kept per level rather than read per reader.",
    ("list", True): "Most of the time is the app's Python (see the CPU column), spread over many small parts. The "
    "SQL of every statement is written once per reader and filter values (the count and the page's ids: "
    "agreements/kept_lists.py; the rows: agreements/compiled_rows.py) and the filter form is kept "
    "(agreements/kept_forms.py). What is left: the user read through the ORM, the filter set's form built and "
    "cleaned, the rows built as objects for the template, and the Jinja2 rendering of the table and the page "
    "shell (about 40%). Next: the table's rows rendered by one compiled macro from tuples rather than through "
    "attribute lookups on row objects, and the user read by a statement written once.",
    ("search", True): "As the lists; and a common word's matches are counted up to the cap in the list's own "
    "order (about 10,000 open lines read through the deadline index, each line's search vector read from the "
    "table: 10-15 ms of PostgreSQL a request). A GIN index of the open lines' vectors builds a bitmap of every "
    "match first (11 ms for 38,000), and carrying the vector in the deadline index would fail for a long "
    "description (an index row is at most 2.7 kB). Next: a lower cap for text lists, shown as such.",
    ("detail", True): "Its statements are compiled once (agreements/compiled_rows.py, views/object_rows.py, "
    "access.resolved_rows for the carry-over links and the commission page's overdue lines) and their plans kept "
    "(agreements/kept_plans.py); what is left is a dozen round trips to PostgreSQL (the session, the user, the "
    "object, what hangs from it, the reader's named clearance), the model instances and the Jinja2 rendering. "
    "Next: the reader's granted and coordinated agreements read in one statement with their named rows, and the "
    "small related lists read as values.",
    ("commissions", True): "Its figures are summed per commission by PostgreSQL from the tallies "
    "(tallies.lines_by_session) and its other statements are compiled once; what is left is the session, the "
    "user, the reader's named clearance and rows (four round trips), the figures and the Jinja2 rendering. Next: "
    "the reader's named clearance and rows read in one statement.",
}
NEXT_STEP_SQL = (
    "Its time is PostgreSQL's: reading the page's queries, each a join of several tables under the reader's "
    "clearance. Next: the statements that read many rows to show a few (EXPLAIN ANALYZE them from the page: "
    "bench/explain.py) read from an index that carries what the page shows."
)
NEXT_STEP_CACHED = (
    "Served from the page cache: what is left is the session, the user and the data version (three queries) and "
    "the middleware. Next: sessions read from a cache shared by the workers (cached_db on Redis) and fewer "
    "middleware on these pages."
)


def short_of_target(result, baseline):
    goal = GOALS[result.target.kind]
    if result.target.kind in ("admin", "stock"):
        return False
    if goal.rate is not None and result.rate < goal.rate:
        return True
    if goal.p95_ms is not None and result.p95_ms > goal.p95_ms:
        return True
    return bool(baseline) and result.rate / baseline < TIMES_STOCK


def next_step(result, found=None):
    rendered = result.target.label.endswith(RENDERED)
    if not rendered:
        return NEXT_STEP_CACHED
    if result.target.kind in ("list", "detail") and found is not None and found.sql_ms > found.cpu_ms:
        return NEXT_STEP_SQL
    page = result.target.label.removesuffix(f", {RENDERED}")
    return NEXT_STEPS.get((page, True)) or NEXT_STEPS.get((result.target.kind, True), NEXT_STEPS[("list", True)])


def miss_sections(misses):
    """Each page short of its target, with its in-process profile (bench/misses.py) and the next step."""
    lines = ["## Pages short of their targets", ""]
    if not misses:
        return lines + ["None: every page met its targets.", ""]
    lines += [
        "Profiled in the benchmark's process through Django's test client (DEBUG off, the same cache-bypass "
        "header): CPU and SQL per request, then the functions with the most own time per request.",
        "",
    ]
    for result, found in misses:
        lines.append(f"### {result.target.label}: {result.rate:.1f} req/s, p95 {result.p95_ms:.0f} ms")
        lines.append("")
        if found is not None:
            lines.append(
                f"In-process: {found.cpu_ms:.1f} ms CPU, {found.queries} queries taking {found.sql_ms:.1f} ms "
                "of SQL per request."
            )
            lines += ["", "| function | own ms | cumulative ms |", "| --- | ---: | ---: |"]
            lines += [f"| `{name}` | {own:.2f} | {cumulative:.2f} |" for name, own, cumulative in found.functions]
            lines.append("")
        lines += [f"Next step: {next_step(result, found)}", ""]
    return lines


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


def markdown(
    results, exports, *, command, date, cores, load, data_size, seconds, connections, workers, rss_after, misses=()
):
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
        f"p95 ≤ 200 ms; the dashboard ≥ 100 req/s, also with its figures read afresh on every request; every page "
        f"≥ {TIMES_STOCK}× the stock changelist; worker RSS ≤ {WORKER_MB} MB after the run; a 100,000-row CSV "
        f"streams with the worker under {CSV_WORKER_MB} MB; a 100,000-row XLSX in ≤ {XLSX_SECONDS} s. The "
        "project's tuned admin is measured for comparison, without a target of its own.",
        "- Each staff page twice: as the page cache serves it to a reader who saw it since the last write "
        f'(agreements/page_cache.py), and "{RENDERED}", rendered on every request with the figures '
        "read afresh from the kept tallies (a bench-only header bypasses the page and figures caches): the path of "
        "a reader whose page is not kept, such as the first reader of a page after any write. Not bypassed: the "
        "statements each worker writes once (agreements/compiled_rows.py, kept_lists.py), and what it keeps per "
        "state of the data and is read again once after a write: the filter forms, the option lists and a "
        "reader's permissions, role and person (agreements/signin/permissions.py). The targets are applied to both.",
        "- SQL queries: counted once per page in this process (Django's test client, after one warm-up request).",
        "- CPU ms/request: the CPU time gunicorn's workers (app) and the PostgreSQL processes used during the page's "
        "run, divided by the requests served (bench/cpu.py). Two cores give 2,000 ms a second to share with wrk: "
        "150 requests a second leave about 13 ms a request for both.",
        "",
        page_rows(results),
        "",
        f"Largest gunicorn worker resident memory after the run: "
        f"{at_most(rss_after, WORKER_MB, f'{rss_after:.0f} MB')}.",
    ]
    if exports:
        sections += ["", "## Exports", "", export_rows(exports)]
    sections += ["", *miss_sections(misses)]
    return "\n".join(sections).rstrip() + "\n"
