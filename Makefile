# Two entry points for people (see README "Quick start"); the rest are helpers they call.
# On a fresh machine they do all the set-up themselves: the venv and its packages, GraphiQL's
# files (npm registry), the Neo4j launcher (Maven Central, on first start) and, for the
# browser tests, Debian's Chromium.
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
API_PORT ?= 8000
# setuptools always notes that an editable install of a package-dir mapping goes through an
# import finder; that note is information, not a problem to fix, so keep it off the screen.
PIP      := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip --quiet --disable-pip-version-check
IDE      := api/graphiql

.PHONY: up test setup browser lint typecheck check

up: setup  ## set everything up, start Neo4j, load the demo, serve the API
	@$(BIN)/stakegraph up --port $(API_PORT)

test: browser setup  ## set everything up and run the whole test suite against a real Neo4j
	@# pytest exits 5 when it collected no test: that is a failure here, never a pass.
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

setup: $(VENV)/.installed $(IDE)/.fetched

$(VENV)/.installed: pyproject.toml
	@echo "Installing stakegraph and its Python packages into $(VENV) (the first time takes a minute)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[dev]'
	@touch $@

# GraphiQL, React and the explorer plugin, pinned and checked against the registry's sha512.
$(IDE)/.fetched: api/graphiql_assets.py
	@$(PYTHON) api/graphiql_assets.py $(IDE)

browser:  ## Debian's Chromium for the browser tests; first, so a missing one stops make test at once
	@tools/ensure-chromium.sh

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	cd "$$(tools/typecheck-tree.sh)" && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p stakegraph

check: lint typecheck test
