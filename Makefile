# Psykiatriportalen: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_UPDATED := /tmp/.psykiatriportalen-apt-updated

LOCK := requirements.lock

.PHONY: setup lock audit run test lint typecheck messages assets system-packages browser-packages demo clean

## setup: install Python packages, front-end assets and compiled translations (idempotent)
setup: system-packages $(VENV)/.installed static/vendor/.built locale-compiled

system-packages:
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q gettext; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	@# WeasyPrint (PDF handouts) renders with Pango.
	@ldconfig -p | grep -q libpangoft2-1.0 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

## browser-packages: Chromium for the browser tests, Java for the W3C Nu HTML checker (vnu-jar)
browser-packages:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@command -v java >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q default-jre-headless; }

# Every Python package comes from the lock with its hash checked (docs/decisions/0018); the
# project itself adds only its metadata. `pip check` catches a lock that misses a package
# pyproject.toml asks for.
$(VENV)/.installed: $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(LOCK) does not match pyproject.toml: run 'make lock'" >&2; exit 1; }
	@touch $@

## lock: regenerate requirements.lock (every package, pinned with hashes) from pyproject.toml
# The build backend ([build-system] requires) is locked too, so that the project installs
# without fetching anything unchecked. uv comes from the lock itself: a venv that has none
# yet installs the current lock first. Versions already locked are kept unless asked:
# `make lock LOCK_FLAGS=--upgrade` (everything) or `LOCK_FLAGS="--upgrade-package NAME"`.
LOCK_FLAGS ?=
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(BIN)/uv pip compile pyproject.toml - --extra dev --universal --python-version 3.11 \
	      --generate-hashes --custom-compile-command "make lock" --quiet --output-file $(LOCK) \
	      $(LOCK_FLAGS)

## audit: known vulnerabilities in the locked packages (pip-audit) and in the code (bandit)
audit: $(VENV)/.installed
	$(BIN)/python scripts/audit_dependencies.py $(LOCK)
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive . && echo "bandit: no issues"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.built: node_modules/.package-lock.json
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/axe-core
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
	@touch $@

assets: static/vendor/.built

locale-compiled: $(VENV)/.installed
	@DEBUG=true $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

## messages: refresh the translation catalogue after changing user-facing strings
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=benchmarks --add-location=file

## run: set everything up, migrate SQLite, load data and demo users, serve on 127.0.0.1:8000
run: setup
	DEBUG=true $(MANAGE) migrate --noinput -v0
	DEBUG=true $(MANAGE) loaddata municipalities frameworks -v0
	DEBUG=true $(MANAGE) seed_demo
	DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

## test: set everything up (with Chromium for browser tests) and run the whole suite
test: setup browser-packages
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

## typecheck: mypy with django-stubs over the application code ([tool.mypy] in pyproject.toml)
typecheck: $(VENV)/.installed
	DEBUG=true $(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
