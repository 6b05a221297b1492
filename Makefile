# kb: two commands do all set-up. `make run` serves the sample KB; `make test` checks everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench golden clean

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

## run: build both sites from articles/ and serve them on 127.0.0.1 with search (internal :8000, public :8001)
run: $(VENV)/.installed-run
	$(BIN)/kb serve --host 127.0.0.1

## golden: regenerate the site golden files after an intended change (then review the diff)
golden: $(VENV)/.installed-test
	KB_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/site/test_golden.py

## test: lint, type checks and the whole test suite
test: lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check kb tests bench
	$(BIN)/ruff format --check kb tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q

## bench: time kb against Hugo and MkDocs on the same articles (slow)
bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) site .kb-cache .mypy_cache .ruff_cache .pytest_cache
