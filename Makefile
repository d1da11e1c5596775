# Grid Trainer: `make run` and `make test` are the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
export TRAINER_ENV ?= development

.PHONY: run test lint translations extract-messages install install-dev bench bench-contest clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations 2>&1 | grep -v "^compiling" || true

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask content load
	$(BIN)/flask demo first-run
	tools/run-with-jobs.sh $(BIN) $(PORT)  # flask run, and flask jobs work beside it

test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _n -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Every benchmark in turn (bench/README.md); DATABASE_URL=postgresql+psycopg://... adds PostgreSQL.
bench: install-dev
	set -e; for b in quiz_burst leaderboard competition_burst api_read; do \
	  echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py; done
	echo "== bench/contest.py (200 entrants, quick; the full morning: make bench-contest)"
	$(BIN)/python bench/contest.py --entrants 200 --quick

# The contest morning at 2,000 entrants with real think times (about 10 minutes a database).
bench-contest: install-dev
	$(BIN)/python bench/contest.py

clean:
	rm -rf $(VENV) instance
