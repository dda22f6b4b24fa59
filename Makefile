# motcua: `make run` serves the embedded demo; `make test` runs everything CI runs.
# Both set themselves up (virtualenv, packages, database) and are fast the second time.

SHELL := /bin/bash
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python
MOTCUA := $(BIN)/motcua

RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core gettext
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils

.PHONY: run test setup setup-test debs debs-test migrate demo lint format openapi messages \
        envdocs fuzz clean help port-free

help:
	@echo "make run    set up and serve the demo on http://127.0.0.1:$(PORT) (PORT=... to change)"
	@echo "make test   set up and run the whole suite, ruff, migrations and OpenAPI checks"
	@echo "make openapi / envdocs / messages   regenerate docs/openapi.json, docs/configuration.md, .mo"

$(VENV)/.created:
	@py=$$(scripts/find-python) || exit 1; \
	echo "motcua: creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml requirements/constraints.txt
	@echo "motcua: installing the Python packages (the first time: a few minutes)…"
	$(PY) -m pip install -q -c requirements/constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/constraints.txt
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[test]'
	@touch $@

setup: $(VENV)/.installed debs messages
setup-test: $(VENV)/.installed-test debs-test messages

debs:
	@scripts/ensure-debs $(RUN_DEBS) || echo "motcua: continuing; PDF forms need the packages above."

debs-test:
	@scripts/ensure-debs $(TEST_DEBS)

# Compiled catalogues are build output: made from the committed .po files when they change.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MO_FILES)
%.mo: %.po
	msgfmt --check-format -o $@ $<

migrate: setup
	@mkdir -p var
	@echo "motcua: migrating the database (var/)…"
	@$(MOTCUA) migrate --no-input -v 0

demo: migrate
	@echo "motcua: loading the demo (the first time about 4 minutes on a busy 2-core machine;"
	@echo "        then seconds: only the days since the last run are simulated)…"
	@MOTCUA_ENV=demo $(MOTCUA) setup_demo

# Before any set-up: a taken port would only be found after minutes of it.
port-free:
	@if (exec 3<>/dev/tcp/127.0.0.1/$(PORT)) 2>/dev/null; then \
	  echo "motcua: port $(PORT) is already in use (another server?). Choose another:" \
	       "PORT=$$(( $(PORT) + 1 )) make run"; exit 1; fi

run: port-free
	@$(MAKE) --no-print-directory demo
	@echo "motcua: serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	PORT=$(PORT) MOTCUA_ENV=demo $(MOTCUA) runserver 127.0.0.1:$(PORT)

test: setup-test
	scripts/test

lint: setup-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup-test
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

openapi: setup
	$(MOTCUA) export_openapi > docs/openapi.json

envdocs: setup
	$(MOTCUA) envvars --markdown > docs/configuration.md

# The long contract run: schemathesis with every check and the stateful phase against granian
# on a scratch PostgreSQL database (FUZZ_DATABASE, FUZZ_EXAMPLES); the short one is in CI.
FUZZ_DATABASE ?= postgres://postgres@127.0.0.1:5432/motcua_fuzz
FUZZ_EXAMPLES ?= 100
fuzz: setup-test
	$(PY) -m bench.fuzz --database $(FUZZ_DATABASE) --examples $(FUZZ_EXAMPLES)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
