# Two commands: `make run` and `make test`. Each does the whole set-up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export LANG ?= C.UTF-8
export OMP_THREAD_LIMIT ?= 1

.PHONY: run test system system-test venv lint bench clean

run: system $(STAMP)
	$(BIN)/paperless-ig

test: system-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

system:
	@bash scripts/setup-system.sh

system-test:
	@bash scripts/setup-system.sh --test

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "paperless-ig needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/demo_load.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
