# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# pytest-xdist processes for make test: one per core; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: setup run test lint format migrate demo worker beat bench load messages clean stack battery

setup: ## venv, dependencies, system packages, database and demo data (idempotent)
	@./scripts/setup.sh
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) migrate --noinput -v0
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) load_demo --quiet-accounts

# Links in SMS, email and QR codes follow the address the portal is served on, unless PORTAL_BASE_URL is given.
run: export PORTAL_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: setup ## serve the portal with demo data on http://$(HOST):$(PORT)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) load_demo
	@echo "==> Cổng Dịch vụ công: http://$(HOST):$(PORT)/   quản trị: http://$(HOST):$(PORT)/admin/   (liên kết trong tin nhắn: $$PORTAL_BASE_URL)"
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) runserver $(HOST):$(PORT)

test: ## the whole test suite (SQLite unless DATABASE_URL is set; installs Debian's chromium for the browser tests)
	@./scripts/setup.sh --with-browser
	@$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: ## ruff
	@./scripts/setup.sh
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

format:
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

worker: ## a Celery worker (needs REDIS_URL)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/celery -A portal worker -l info

beat: ## Celery beat (needs REDIS_URL)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/celery -A portal beat -l info

stack: ## the production topology as local processes (honcho + Procfile); Ctrl-C stops it
	@./scripts/setup.sh
	@$(PY) scripts/stack.py up

battery: ## the reliability battery (R1-R9, S1-S6): starts its own stack (as make stack), breaks it on purpose, prints its table
	@./scripts/setup.sh
	@STACK_BATTERY=1 $(PY) -m pytest tests/stack/test_battery.py -p no:cacheprovider -p no:logging -q -rs $(PYTEST_ARGS)

bench: ## every benchmark against floors of its own run, then the table of issue 15 (bench/summary.py)
	@./scripts/setup.sh
	@since=$$(date +%s); \
	$(PY) bench/search_bench.py; \
	if [ -n "$$BENCH_DATABASE_URL" ]; then $(PY) bench/queue_bench.py; \
	else echo "bench/queue_bench.py skipped: it needs PostgreSQL (BENCH_DATABASE_URL)"; fi; \
	if [ -n "$$BENCH_DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then $(PY) bench/notifications_bench.py; \
	else echo "bench/notifications_bench.py skipped: it needs PostgreSQL and Redis (BENCH_DATABASE_URL, REDIS_URL)"; fi; \
	$(PY) bench/payments_bench.py; \
	if [ -n "$$LOAD_USERS" ]; then $(MAKE) --no-print-directory load; fi; \
	$(PY) bench/summary.py --since $$since

load: ## Locust load harness, headless (bench/load_run.py; needs BENCH_DATABASE_URL and REDIS_URL)
	@./scripts/setup.sh
	@UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --inexact --group load --python .venv/bin/python --quiet
	@$(PY) bench/load_run.py

messages: ## refresh and compile translations (needs gettext)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) makemessages -l en --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) compilemessages -l en -i .venv

clean:
	rm -rf var .pytest_cache
