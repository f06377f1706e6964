# bidgraph — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# workbench port: make demo PORT=8600
PORT   ?= 8501
STAMP  := $(VENV)/.installed

LINT   := tools/cypher-lint
NODE_STAMP := $(LINT)/node_modules/.installed

.PHONY: install system-deps test-deps demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bidgraph needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Python environment with bidgraph and its dev tools

system-deps:  ## Debian packages the workbench needs: CJK fonts for reports (needs root)
	@scripts/system-deps.sh runtime

$(NODE_STAMP): $(LINT)/package-lock.json
	npm ci --prefix $(LINT) --silent --no-audit --no-fund
	touch $(NODE_STAMP)

test-deps: $(NODE_STAMP)  ## + headless Chromium, poppler, and Neo4j's Cypher grammar (npm)
	@scripts/system-deps.sh test

demo: install system-deps  ## start the workbench on the bundled sample data
	$(BIN)/bidgraph demo --port $(PORT)

test: install test-deps  ## the whole test suite, on the real embedded database
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install  ## performance figures (printed, not asserted)
	$(BIN)/bidgraph bench store

clean:
	-$(BIN)/bidgraph db stop
	rm -rf $(VENV) .bidgraph .pytest_cache
