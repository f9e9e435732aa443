# docgen: `make demo` runs the service once on the bundled example forms; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system system-test census-validator demo test test-fast lint bench bench-web clean

$(BIN)/docgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/docgen

setup: $(BIN)/docgen

# production: LibreOffice and its bridge only; the tests also need poppler and Chromium
system:
	bash scripts/system-packages.sh

# the DfE's CIN census rules, as data-to-insight's validator implements them, in a venv of their own (.venv-cin)
census-validator:
	bash scripts/census-validator.sh

system-test:
	bash scripts/system-packages.sh --test

demo: setup
	cp examples/*/*.docx examples/*/*.xlsx inbox/ 2>/dev/null || true
	$(BIN)/docgen run --once --root .
	@echo "Plans are under outbox/; rejected forms and their reports under inbox/rejected/."

test: setup system-test census-validator
	$(BIN)/ruff check docgen tests
	$(BIN)/mypy
	$(BIN)/pytest -q

# the inner loop: the suite without the slow end-to-end tests
test-fast: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check docgen tests
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/census.py

bench-web: setup
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) .venv-cin .pytest_cache .mypy_cache .ruff_cache
