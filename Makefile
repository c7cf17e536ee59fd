# forum-kb — the two commands of the quick start are `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install content site export test golden bench bench-full clean

# Create .venv and install the pinned dependencies (again when they change).
# constraints.txt pins every transitive package to the versions tested here
# (regenerate: .venv/bin/pip freeze --exclude-editable > constraints.txt).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# data/ -> content/
content: install
	$(BIN)/kb convert

# data/ -> content/ -> site/ (checked) -> dist/forum-kb-offline.zip
site: install
	$(BIN)/kb build
	$(BIN)/kb export

# The whole suite: unit, property, golden, real builds and browser tests.
test: install
	$(BIN)/python -m pytest -q

# Regenerate the golden pages under tests/golden/ from the seed; review with git diff.
golden: install
	$(BIN)/python -m tests.golden

# Benchmarks (not tests): quick mode, 1,000 threads.
bench: install
	$(BIN)/python -m bench.run --quick

bench-full: install
	$(BIN)/python -m bench.run --full

clean:
	rm -rf site dist .pytest_cache
