# The README's commands. `make run` and `make test` set everything up on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

.PHONY: run test setup messages migrate demo lint format check bench-reminders bench-pages bench-import security-scan worker beat clean

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# WeasyPrint draws the briefing pack with Pango, HarfBuzz and fontconfig, in DejaVu fonts; the tests read the PDF's
# text with pdftotext (poppler-utils).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core poppler-utils

# python-magic needs libmagic, Debian's libmagic1, to recognise uploaded documents by their content.
setup: $(STAMP)
	@$(PY) -c "import magic" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq libmagic1 >/dev/null; }
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; }
	@mkdir -p var/staticfiles var/media

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Spanish catalogue: collect new strings into locale/es, then compile what translators filled in.
messages: setup
	$(PY) manage.py makemessages -l es --no-obsolete --no-wrap -i ".venv/*" -i "var/*" -i "tests/*" -i "deploy/*"
	$(PY) manage.py compilemessages -l es -i ".venv"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The benchmarks live in bench/, a development-only app that only its own settings install (bench/settings.py).
BENCH_MANAGE := DJANGO_SETTINGS_MODULE=bench.settings $(PY) manage.py

# Not a test: figures for the reminder sweep and digest delivery at 1,000,000 action lines on PostgreSQL
# (generated on the first run, kept for the next). With REDIS_URL set it also times a real Celery worker.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/commission_bench
BENCH_ACTION_LINES ?= 1000000
bench-reminders: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BENCH_MANAGE) bench_reminders --action-lines $(BENCH_ACTION_LINES)

# Not a test: requests per second and p50/p95 latency of the staff pages and the admin at the same scale,
# gunicorn (3 sync workers, DEBUG off) loaded by wrk with 8 connections for BENCH_SECONDS per URL.
BENCH_SECONDS ?= 15
bench-pages: setup
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BENCH_MANAGE) bench_pages --action-lines $(BENCH_ACTION_LINES) \
		--seconds $(BENCH_SECONDS) $(if $(BENCH_ONLY),--only "$(BENCH_ONLY)")

# Not a test: seconds and rows/second to preview and apply a generated 10,000-row XLSX import, on its own
# smaller PostgreSQL database (created if missing), then the same file again (all unchanged) and a changed one.
BENCH_IMPORT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/commission_bench_import
BENCH_IMPORT_ROWS ?= 10000
bench-import: setup
	DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(BENCH_MANAGE) bench_import --rows $(BENCH_IMPORT_ROWS)

# Not a test: sqlmap against every filter parameter of the lists and their exports, signed in, on a throwaway
# PostgreSQL database (created, filled with the demo data and dropped; its name must end in _security), then
# pip-audit of requirements.txt from its own venv. Fails on an injection, a vulnerability, or nothing checked.
# Like the benchmarks, the scan is a command of the development-only bench app (bench/security/).
SECURITY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/commission_security
AUDIT_VENV := var/audit-venv
AUDIT_STAMP := $(AUDIT_VENV)/.installed-requirements
$(AUDIT_STAMP): requirements-audit.txt
	@test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV) || python3 -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet -r requirements-audit.txt
	@touch $(AUDIT_STAMP)

security-scan: setup $(AUDIT_STAMP)
	@command -v sqlmap >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlmap >/dev/null; }
	DATABASE_URL=$(SECURITY_DATABASE_URL) $(BENCH_MANAGE) security_scan --pip-audit $(AUDIT_VENV)/bin/pip-audit \
		$(SECURITY_SCAN_ARGS)

worker: setup
	$(VENV)/bin/celery -A commission worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A commission beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf var/db.sqlite3 var/staticfiles var/celerybeat-schedule
