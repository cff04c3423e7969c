# Two commands: `make run` and `make test`. Each does the whole set-up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export LANG ?= C.UTF-8
export OMP_THREAD_LIMIT ?= 1

.PHONY: run test system system-test venv lint bench clean package package-test

run: system $(STAMP)
	$(BIN)/paperless-ig

test: system-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not package" $(PYTEST_ARGS)

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

# The desktop bundle, one folder: dist/paperless-ig/ (see packaging/paperless-ig.spec).
package: system $(STAMP)
	bash packaging/build.sh $(BIN)/python

# Builds the bundle first when it is missing or older than the code it was built from.
package-test: system $(STAMP)
	@if [ ! -x dist/paperless-ig/paperless-ig ] || [ -n "$$(find paperless_ig db resources packaging \
	    pyproject.toml -newer dist/paperless-ig/paperless-ig -not -path '*/__pycache__*' -print -quit)" ]; \
	then $(MAKE) --no-print-directory package; fi
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m package tests/test_package.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
