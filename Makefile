# Two entry points for people (see README "Quick start"); the rest are helpers they call.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: up test setup lint typecheck check clean-test-db

up: setup  ## set everything up, start Neo4j, load the demo, serve the API
	$(BIN)/stakegraph up

test: setup  ## set everything up and run the whole test suite against a real Neo4j
	@# pytest exits 5 when it collected no test: that is a failure here, never a pass.
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	cd "$$(tools/typecheck-tree.sh)" && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p stakegraph

check: lint typecheck test
