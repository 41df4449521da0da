# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

.PHONY: setup run test lint format migrate demo worker beat bench messages clean

setup: ## venv, dependencies, system packages, database and demo data (idempotent)
	@./scripts/setup.sh
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) migrate --noinput -v0
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) load_demo --quiet-accounts

run: setup ## serve the portal with demo data on http://$(HOST):$(PORT)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) load_demo
	@echo "==> Cổng Dịch vụ công: http://$(HOST):$(PORT)/   quản trị: http://$(HOST):$(PORT)/admin/"
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) runserver $(HOST):$(PORT)

test: ## the whole test suite (SQLite unless DATABASE_URL is set; browser tests when Chromium is present)
	@./scripts/setup.sh
	@$(PY) -m pytest $(PYTEST_ARGS)

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

bench: ## benchmarks in bench/ (search against a trivial view, same run)
	@./scripts/setup.sh
	@$(PY) bench/search_bench.py

messages: ## refresh and compile translations (needs gettext)
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) makemessages -l en --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	@DJANGO_SETTINGS_MODULE=portal.settings.dev $(MANAGE) compilemessages -l en -i .venv

clean:
	rm -rf var .pytest_cache
