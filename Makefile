# bidgraph — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bidgraph needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Python environment with bidgraph and its dev tools

system-deps:  ## Debian packages for the browser tests and PDF fonts (needs root)
	@scripts/system-deps.sh

demo: install  ## start the workbench on the bundled sample data
	$(BIN)/bidgraph demo

test: install system-deps  ## the whole test suite, on the real embedded database
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install  ## performance figures (printed, not asserted)
	$(BIN)/bidgraph bench store

clean:
	-$(BIN)/bidgraph db stop
	rm -rf $(VENV) .bidgraph .pytest_cache
