# alliancekit: two commands matter on a fresh machine: `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?= latest
# Exact versions for Python 3.11 on Linux, tested together; refreshed by `make lock`.
LOCK := requirements.lock
LATEST := .venv-latest

.PHONY: help install bytecode report test test-fast test-latest lock wheel lint format lab app \
	bench clean

help:
	@echo "make report       create .venv if needed, install, run the review reports on the sample data"
	@echo "make test         create .venv if needed, run the whole test suite"
	@echo "make test-fast    the quick loop: no notebooks, no browser, nothing marked slow"
	@echo "make lab          JupyterLab on notebooks/      make app    the Voila web app"
	@echo "make bench        speed and memory benchmarks   make lint   ruff check + format check"
	@echo "make lock         re-resolve $(LOCK) from pyproject.toml's ranges (newest allowed versions)"
	@echo "make test-latest  the suite on the newest allowed versions, in $(LATEST) (maintainers)"
	@echo "make wheel        build dist/alliancekit-*.whl"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing python3-venv (Debian)"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else echo "run: sudo apt-get install python3-venv" >&2; exit 1; fi; \
	  rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }

# Install exactly the locked versions, then the project itself without re-resolving anything.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(MAKE) --no-print-directory bytecode
	@touch $(STAMP)

# The editable install imports alliancekit from its sources. Write their bytecode now: a report
# kernel imports the package afresh every run, and where PYTHONDONTWRITEBYTECODE is set nothing
# would ever cache it (≈ 0.1 s per report). Stale files are simply recompiled by Python.
bytecode:
	@$(BIN)/python -m compileall -q alliancekit

install: $(STAMP)

report: $(STAMP)
	$(BIN)/alliancekit report --all --period $(PERIOD) --out reports

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not notebook and not slow"

# uv resolves pyproject's ranges (with the dev extra) for CPython 3.11 on x86-64 Linux.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --upgrade --quiet \
	  --custom-compile-command "make lock" --output-file $(LOCK)
	@echo "$(LOCK) refreshed; run 'make test' (it reinstalls from the new lock) before committing"

test-latest:
	@test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]'
	$(LATEST)/bin/python -m pip list --format=freeze | grep -i -E '^(highspy|pulp|pandas|numpy|voila|jupyterlab|ipywidgets|papermill|nbconvert)=='
	$(LATEST)/bin/python -m pytest

wheel: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps . -w dist

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ --ServerApp.ip=127.0.0.1 $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

app: $(STAMP)
	$(BIN)/alliancekit app

bench: $(STAMP) bytecode
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(LATEST) .pytest_cache .ruff_cache build dist *.egg-info
