# course_app — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 5000
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app course_app
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# bench-staff's database: DROPPED and created again by every run.
BENCH_DB ?= postgresql+psycopg://postgres@127.0.0.1:5432/course_app_bench_staff
LEARNERS ?= 10000
# Test processes (pytest-xdist): one per CPU; a test file's tests stay in one process.
# TEST_WORKERS=0 runs everything in this one process (for pdb, or to read output in order).
# The 20 slowest tests are listed at the end, to see where the CI budget (45 min) goes.
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --durations=20
# Ralph, the learning record store tests/test_xapi_ralph.py sends statements to: its own
# venv, as its pins (FastAPI, pydantic) are no business of the app's.
RALPH_VENV ?= .venv-ralph

.PHONY: run test test-postgres lint format setup bench bench-issue bench-staff clean translations translations-compile

# Local development: links in mails and certificates point at this server unless the
# environment says otherwise (production sets PUBLIC_BASE_URL; see README, Configuration).
run setup: export COURSE_APP_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

## run: create .venv, install, migrate, load content/, create the first admin, serve (with
## the background-job consumer beside the web server).
run: $(VENV)/.run-installed
	$(FLASK) init-db
	$(FLASK) load-content
	$(FLASK) create-admin
	@echo "Serving on http://$(HOST):$(PORT)/ with a job consumer beside it (Ctrl+C stops both)"
	@# The consumer runs in the background of this one shell; the shell stops it on exit.
	@$(FLASK) jobs-worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

## setup: everything `make run` does except serving.
setup: $(VENV)/.run-installed
	$(FLASK) init-db
	$(FLASK) load-content
	$(FLASK) create-admin

## test: lint, the strict content check of content/ (every warning is an error),
## then the whole suite on SQLite (set COURSE_APP_TEST_DATABASE_URL for PostgreSQL).
test: $(VENV)/.dev-installed $(RALPH_VENV)/.installed lint
	COURSE_APP_PUBLIC_BASE_URL=$${COURSE_APP_PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
	  $(FLASK) check-content --strict
	$(PYTEST) $(PYTEST_ARGS)

## test-postgres: the whole suite on the local PostgreSQL (a throwaway database is created).
test-postgres: $(VENV)/.dev-installed $(RALPH_VENV)/.installed
	COURSE_APP_TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) $(PYTEST_ARGS)

## translations: after marking strings with _(): extract them (babel.cfg) into the template,
## merge it into every language's .po, then compile the .mo files (committed beside them).
## Translate the new entries in each .po (no empty or fuzzy entry: tests/test_i18n.py), then
## run `make translations-compile`.
PYBABEL := $(BIN)/pybabel
translations: $(VENV)/.dev-installed
	$(PYBABEL) extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
	  --project course_app -o course_app/translations/messages.pot .
	$(PYBABEL) update -i course_app/translations/messages.pot -d course_app/translations \
	  --width 100 --ignore-obsolete
	$(MAKE) translations-compile

translations-compile: $(VENV)/.dev-installed
	$(PYBABEL) compile -d course_app/translations --statistics

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive course_app --severity-level medium

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/.venv-created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "course_app needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.run-installed: pyproject.toml $(VENV)/.venv-created
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.venv-created
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.run-installed

# ralph-malph 5.1's extras leave out requests, which its API imports (ralph.api.auth.oidc).
$(RALPH_VENV)/.installed:
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet "ralph-malph[backend-fs,lrs,cli]>=5.1,<6" "requests>=2.31,<3"
	touch $@

## bench: benchmarks against a hello-world baseline (needs wrk); see benchmarks/README.md
bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/run.py --learners 1000 --seconds 10

## bench-issue: 1,000 certificates issued through the job queue by a real consumer
bench-issue: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/issue_queue.py --count 1000

## bench-staff: every staff page's p50 and query count at LEARNERS (10000) on PostgreSQL
bench-staff: $(VENV)/.dev-installed
	COURSE_APP_BENCH_DATABASE_URL=$(BENCH_DB) $(BIN)/python benchmarks/run.py --staff \
		--learners $(LEARNERS) --certificates 1200

clean:
	rm -rf $(VENV) $(RALPH_VENV) .pytest_cache .ruff_cache *.egg-info
