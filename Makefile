# The two commands: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint readme bench mutate clean

$(BIN)/acupress: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/acupress
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.mutate-deps: $(VENV)/.test-deps
	$(BIN)/pip install --quiet -e '.[mutate]'
	touch $@

# The main job: the web app (it prints its address; Ctrl-C stops it).
run: $(BIN)/acupress
	@$(BIN)/acupress serve

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/cog --check --check-fail-msg "run make readme" README.md

# The README's command reference, generated from each command's --help.
readme: $(VENV)/.test-deps
	$(BIN)/cog -r README.md

test: lint
	$(BIN)/pytest -q

# Mutation testing of the safety rules, the progress rules and planning (a few minutes);
# mutmut works in mutants/ (git-ignored). Not part of `make test`.
mutate: $(VENV)/.mutate-deps
	$(BIN)/mutmut run
	$(BIN)/mutmut results

bench: $(BIN)/acupress
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/progress.py
	$(BIN)/python benchmarks/timer.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/trial_calibration.py
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
