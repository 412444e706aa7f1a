# Two commands do all the setup on a fresh machine with Python 3.11+:
#   make demo   launches iam-tui in the local demo sandbox (installs only what running needs)
#   make test   runs the whole test suite (adds the test tools)
# scripts/find-python picks the interpreter (PYTHON=... to name one); scripts/venv installs the pinned sets of
# requirements.lock and requirements-test.lock, with uv (brought in with pip when absent) or pip (INSTALLER=pip).
# `make lock` regenerates the lock files after a change to pyproject.toml's dependencies.
VENV      := .venv
BIN       := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP     := $(VENV)/.installed
SETUP     := sh scripts/venv

.PHONY: demo test lint bench run lock clean FORCE

# AWS CloudShell keeps only $HOME: after a restart .venv may point at an interpreter that is gone. Then the install
# runs again (scripts/venv says so and makes .venv anew) rather than failing on a missing interpreter.
ifneq ($(wildcard $(VENV)/pyvenv.cfg),)
ifneq ($(shell $(BIN)/python -c 'print(1)' 2>/dev/null),1)
VENV_GONE := FORCE
endif
endif

$(RUN_STAMP): pyproject.toml requirements.lock $(VENV_GONE)
	@$(SETUP) run
	@touch $@

$(STAMP): $(RUN_STAMP) requirements-test.lock
	@$(SETUP) test
	@touch $@

demo: $(RUN_STAMP)
	$(BIN)/iam-tui --demo

run: $(RUN_STAMP)
	$(BIN)/iam-tui

# The static checks (mypy --strict is ~10 s of CPU on a fresh clone) run beside pytest, in the idle moments of its
# workers, rather than before it; their output follows pytest's, and either one failing fails the target.
# iam-tui's own modules are byte-compiled first: each iam-tui process the tests start would otherwise compile
# them again where PYTHONDONTWRITEBYTECODE is set (see scripts/venv).
test: $(STAMP)
	@$(BIN)/ruff check iam_tui tests benchmarks
	@$(BIN)/python -m compileall -q iam_tui
	@log=$$(mktemp); \
	( $(BIN)/mypy && $(BIN)/lint-imports ) >"$$log" 2>&1 & checks=$$!; \
	$(BIN)/python -m pytest -q; tests=$$?; \
	wait $$checks; checked=$$?; cat "$$log"; rm -f "$$log"; \
	test $$tests -eq 0 && test $$checked -eq 0

lint: $(STAMP)
	$(BIN)/ruff check iam_tui tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@$(SETUP) bench
	$(BIN)/python benchmarks/bench.py

lock:
	@$(SETUP) lock

FORCE:

clean:
	rm -rf $(VENV) build *.egg-info
