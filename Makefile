# Peerhaven: the make targets are the interface. `make run` and `make test` need only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run serve test test-fast lint format bench lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/peerhaven migrate --noinput
	$(BIN)/peerhaven demo
	@echo "Peerhaven is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/peerhaven serve

serve: install
	$(BIN)/peerhaven serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/peerhaven makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for script in bench/bench_*.py; do \
		echo "== $$script"; \
		$(BIN)/python $$script || exit 1; \
	done

lock:
	$(BIN)/python -m pip install --quiet -r requirements.in
	@echo "# Pinned dependencies: generated with \`make lock\` from requirements.in. Install with \`make install\`." > requirements.lock
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^peerhaven' >> requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
