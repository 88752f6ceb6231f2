# The README's commands. `make serve` sets up and serves the site; `make test`
# runs every test. Both create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve site validate test lint bench audit clean

$(BIN)/fmcat: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/fmcat

serve: setup  ## validate, build and serve the site on http://127.0.0.1:8000
	$(BIN)/fmcat validate
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

site: setup  ## build the site into site/ (strict: warnings fail)
	$(BIN)/fmcat validate --strict
	$(BIN)/mkdocs build --strict

validate: setup
	$(BIN)/fmcat validate --strict

test: setup  ## every test: lint, types, CODEOWNERS, unit, CLI, site builds, browser
	$(BIN)/ruff check src tests hooks benchmarks
	$(BIN)/mypy
	$(BIN)/fmcat codeowners --check
	$(BIN)/pytest

bench: setup  ## benchmark harness (N=1000 by default; N="1000 5000 20000"; REPEAT=3)
	$(BIN)/python benchmarks/run.py $(if $(N),--sizes $(N),) $(if $(REPEAT),--repeat $(REPEAT),)

audit: setup  ## known vulnerabilities in the installed packages (needs pypi.org's JSON API)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
