# The targets CI runs. `make demo` and `make test` work on a fresh clone: they create .venv and
# install what they need (Python packages into .venv; Debian's Chromium for the browser tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install browser demo test test-quick bench check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,dev,spark]"
	touch $(STAMP)

# Debian's Chromium for Playwright (no browser download: the machine has no internet for it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/leaktriage demo

test: install browser
	$(BIN)/python -m pytest -q

# The quick loop: everything but Spark and the browser tests (a few minutes on 2 cores).
test-quick: install
	$(BIN)/python -m pytest -q -m "not spark and not browser"

bench: install
	$(BIN)/python bench/ingest.py --rows 1000000
	$(BIN)/python bench/triage.py --customers 500000 --leak-rows 200000
	$(BIN)/python bench/linkage.py
	$(BIN)/python bench/accuracy.py

check: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf demo-out leaktriage-workspace .pytest_cache .mypy_cache .ruff_cache
