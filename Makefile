# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/irpipe run corpus/articles --output-dir outputs

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_benchmarks.py

# not part of `make test` or CI: processes the whole EXCITE corpus (tens of minutes); EVAL_ARGS="--jobs 2"
eval: $(STAMP)
	$(BIN)/python -m eval $(EVAL_ARGS)

schema: $(STAMP)
	$(BIN)/irpipe schema --write

clean:
	rm -rf outputs $(VENV)
