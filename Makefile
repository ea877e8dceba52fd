# LapakAsik developer commands.
#
#   make run     a local server with demo data on http://127.0.0.1:8000 (SQLite in var/)
#   make test    everything CI checks: lint, migrations, the whole pytest suite
#   make lint    ruff lint + format check, import contracts (lint-imports), mypy
#   make format  let ruff fix what it can
#   make clean   remove .venv, var/ (the dev database and files) and test-output/
#
# Needs only python3 to start; Debian packages are installed with apt-get when missing
# (as root, like CI).

SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Touched after a successful install; pip runs again when pyproject.toml is newer. `make run`
# installs what the app needs; `make test` adds the test and lint tools (.[dev]).
INSTALLED_RUN := $(VENV)/.installed-run
INSTALLED := $(VENV)/.installed
# Translations live in locale/ (LOCALE_PATHS) or in an app's own locale/.
LOCALE_DIRS := $(wildcard locale */locale)
TEST_SETTINGS := lapakasik.settings.test
TEST_OUTPUT := test-output

export DEBIAN_FRONTEND := noninteractive

.PHONY: run test lint format clean venv venv-run messages services system-packages check-migrations

run: venv-run messages
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data
	$(MANAGE) runserver 127.0.0.1:8000

test: services system-packages venv messages lint check-migrations
	mkdir -p $(TEST_OUTPUT)
	$(BIN)/pytest --junitxml=$(TEST_OUTPUT)/junit.xml

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var $(TEST_OUTPUT)

# --- the virtualenv ----------------------------------------------------------

venv: $(INSTALLED)

venv-run: $(INSTALLED_RUN)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $(INSTALLED_RUN)

# The dev extras include everything the app needs, so a full install stands for both.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $(INSTALLED) $(INSTALLED_RUN)

# --- translations ------------------------------------------------------------

# compilemessages would otherwise walk into .venv and recompile Django's own catalogues.
messages: venv-run
ifneq ($(LOCALE_DIRS),)
	@if ! command -v msgfmt >/dev/null; then \
		echo "msgfmt missing: installing Debian's gettext"; \
		apt-get update -q && apt-get install -y -q gettext; \
	fi
	$(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=node_modules
else
	@echo "no locale/ directory yet: nothing to compile"
endif

# --- what the test suite talks to --------------------------------------------

services:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	fi
	@if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
		echo "starting Redis"; \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
			--dir /var/lib/redis --logfile /var/log/redis/ci.log; \
		for i in $$(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done; \
	fi
	pg_isready -h 127.0.0.1 -p 5432
	redis-cli -h 127.0.0.1 ping

# Chromium for the browser tests, clamd for the antivirus tests, msgfmt for translations.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v clamd >/dev/null || missing="$$missing clamav-daemon"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -q && apt-get install -y -q $$missing; \
	fi

check-migrations: venv
	# No database is needed to compare models and migrations.
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) DATABASE_URL=sqlite:///:memory: $(MANAGE) makemigrations --check --dry-run
