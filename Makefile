# Redrive. `make run` serves the site with a worker; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/redrive
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run worker web migrate sync validate test test-sqlite test-postgres test-seeds bench clean editor-bundle

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Redrive needs Python 3.11 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# Loads course/ without grading every lab answer through the sandbox (minutes
# for the whole course): `make validate` and the tests do that.
sync: migrate
	$(PY) manage.py sync_course --skip-lab-grading

validate: install
	$(PY) manage.py validate_course

# The web server, one Celery worker and Celery beat (the stuck-submission
# sweep), each its own process, in the foreground. Ctrl-C (or any of the three
# ending, a worker killed with -9 included) stops all of them. The worker and
# beat run in process groups of their own, so the terminal's Ctrl-C does not hit
# their pool processes and emulators half-way; the trap asks the worker and beat
# to stop (SIGTERM: the worker stops its engines, folders included), gives them
# RUN_STOP_S seconds, SIGKILLs whatever is left in their groups, then removes
# engine folders no live process owns (grader/workdirs.py).
RUN_STOP_S ?= 10
RUN_PORT ?= 8000
run: sync
	@echo "Redrive: http://127.0.0.1:$(RUN_PORT)/  (Ctrl-C stops the web server, the worker and beat)"
	@alive() { kill -0 -- "-$$worker" 2>/dev/null || kill -0 -- "-$$beat" 2>/dev/null; }; \
	stop() { \
	  trap "" INT TERM; trap - EXIT; \
	  kill -TERM "$$worker" "$$beat" "$$web" 2>/dev/null; \
	  for _ in $$(seq $$(( $(RUN_STOP_S) * 10 ))); do alive || break; sleep 0.1; done; \
	  kill -KILL -- "-$$worker" "-$$beat" 2>/dev/null; \
	  for _ in $$(seq 30); do alive || break; sleep 0.1; done; \
	  $(PY) -m grader.workdirs; \
	  echo "Redrive stopped."; \
	}; \
	trap stop INT TERM EXIT; \
	setsid $(VENV)/bin/celery -A redrive worker --loglevel=INFO --without-gossip --without-mingle & worker=$$!; \
	setsid $(VENV)/bin/celery -A redrive beat --loglevel=INFO & beat=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(RUN_PORT) & web=$$!; \
	wait -n

test: test-sqlite test-postgres

# Everything that touches the database on SQLite with the server-less broker:
# what a bare machine has. The slow browser, sandbox and fuzz suites do not
# depend on the database engine, so they run once, in the PostgreSQL pass below.
test-sqlite: install
	$(PY) -m pytest -q -m "not browser and not sandbox and not fuzz and not seeds"

# Everything that touches the database again on PostgreSQL and real Redis, as
# production runs, and the slow suites once (the engine's and the lab graders'
# tests that need no database ran in the pass above: marker nodb).
test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -q -m "not seeds and not nodb"

# Every lab answer (solution, right/, wrong/, starter) graded: on variants 0-19
# in process, and on variant 0 through the real sandbox, spread over the cores.
# About 15 minutes of CPU, so it is its own target, which CI (.ci/run) runs
# after `make test`.
test-seeds: install
	$(PY) -m pytest -q -m seeds -n auto tests/labs/course/test_variants.py tests/labs/content/test_lab_validation.py

# Each prints one JSON object and exits 1 when it misses its target; run them all.
bench: install
	$(PY) bench/grading.py --json; \
	g=$$?; $(PY) bench/review.py --json; r=$$?; $(PY) bench/gradebook.py --json; b=$$?; \
	exit $$((g || r || b))

# The lab editor (CodeMirror 6) is bundled from frontend/ with esbuild, at the
# exact versions in frontend/package-lock.json, into static/vendor/, and the
# result is committed: only someone changing the editor needs Node and npm.
editor-bundle:
	cd frontend && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) var
