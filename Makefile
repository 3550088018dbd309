# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The packages mypy checks (configured in pyproject.toml); the others join once they pass.
TYPED := core passages warehouse

.PHONY: setup test test-fast lint typecheck format demo bench clean

setup: $(STAMP)

# Reinstall only when a requirements file or pyproject.toml changes, so a second run takes seconds.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Two workers, each taking whole test files (--dist loadfile keeps a module's fixtures in one
# process): 7.5 min against 14.5 min in one process on the 2-core build machine.
test: lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The quick loop: lint, then every test but those marked slow (the model, crawls, a browser,
# the CLI in child processes, AppTest pages, lock waits: tests/conftest.py says which and why),
# on every core. `make test` runs them all, on two workers.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow" -n auto

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy $(TYPED)

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: setup
	$(BIN)/pcm demo

bench: setup
	$(BIN)/python bench/analyse_speed.py
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) data/demo.duckdb reports
