# One interface for people and CI alike. Needs Python 3.11+ (PYTHON=python3.12 make run to choose).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run serve demo test test-pages test-browser quality fix bench clean

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cordée a besoin de Python 3.11 ou plus récent (trouvé : " + sys.version.split()[0] + "). Indiquez-en un avec PYTHON=python3.12 make run")'
	bin/ensure-system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_territories --wet-run
	$(MANAGE) load_demo --wet-run

run: demo
	$(MANAGE) demo_accounts
	HOST=$(HOST) PORT=$(PORT) bin/serve

serve: install
	$(MANAGE) createcachetable
	HOST=$(HOST) PORT=$(PORT) bin/serve

# Tests marked slow (whole real files) prove nothing about the database: they run with SQLite only, so a CI run
# (SQLite, then PostgreSQL) runs them once. PYTEST_ARGS='-m slow' runs them anywhere.
SLOW_TESTS := $(if $(findstring postgres,$(DATABASE_URL)),-m "not bench and not slow and not pages")

test: install
	bin/ensure-chromium
	$(PY) -m pytest -n 2 $(SLOW_TESTS) $(PYTEST_ARGS)

# Every page of the site, as each role, at desktop width and at 375 px, through axe (a few minutes; CI runs it).
test-pages: install
	bin/ensure-chromium
	$(PY) -m pytest -p no:randomly -m pages tests/browser/test_page_walk.py

quality: install
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint cordee
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	@if command -v shellcheck >/dev/null; then shellcheck .ci/run bin/serve bin/ensure-chromium bin/ensure-system-packages bin/check-api-contract; else echo "shellcheck absent : scripts non vérifiés"; fi

fix: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djlint --reformat cordee || true

bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(PY) -m pytest -m bench -p no:randomly -s $(PYTEST_ARGS) tests/bench

clean:
	rm -rf $(VENV) var/cordee.sqlite3* var/huey.sqlite3*
