# The two commands: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint readme generated bench mutate lock upgrade clean

# What is installed comes from the lock files in requirements/ (exact versions, with
# hashes), made from pyproject.toml by `make lock`; `pip check` then says if pyproject.toml
# asks for something the lock does not have yet.
LOCKED = $(BIN)/pip install --quiet --require-hashes --no-deps -r
STALE = the lock files in requirements/ are older than pyproject.toml's dependencies: run make lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/acupress: pyproject.toml requirements/run.txt | $(BIN)/python
	$(LOCKED) requirements/run.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(STALE)"; exit 1; }
	touch $@

$(VENV)/.test-deps: $(BIN)/acupress requirements/test.txt
	$(LOCKED) requirements/test.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e '.[test]'
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(STALE)"; exit 1; }
	touch $@

# (not from the lock: it makes the lock, also when pyproject.toml is ahead of it)
$(VENV)/.lock-deps: | $(BIN)/python
	$(BIN)/pip install --quiet 'pip-tools>=7.4'
	touch $@

# The lock files, remade from pyproject.toml: `make lock` after changing a dependency
# (versions already locked stay), `make upgrade` to move everything to the newest versions
# pyproject.toml allows, and run the whole suite on them.
COMPILE = $(BIN)/pip-compile --quiet --all-build-deps --generate-hashes --strip-extras \
	--allow-unsafe --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.lock-deps
	$(COMPILE) $(UPGRADE) --extra test -o requirements/test.txt pyproject.toml
	$(COMPILE) -c requirements/test.txt -o requirements/run.txt pyproject.toml

upgrade:
	$(MAKE) lock UPGRADE=--upgrade
	$(MAKE) test

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
	$(BIN)/cog --check --check-fail-msg "run make generated" $(GENERATED)

# Files written from the code: the README's command reference (from each command's
# --help) and the statements that make a new SQLite journal (from the declared tables).
GENERATED = README.md src/acupress/journal_sqlite.py
generated: $(VENV)/.test-deps
	$(BIN)/cog -r $(GENERATED)

readme: generated

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
	$(BIN)/python benchmarks/server_load.py
	$(BIN)/python benchmarks/practitioner.py
	$(BIN)/python benchmarks/trial_calibration.py
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
