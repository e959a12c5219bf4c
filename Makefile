# Quick start targets: `make demo` and `make test` (see README.md). Both use the virtualenv in .venv/.
PYTHON312 := $(shell .ci/find-python 3.12)
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/py312-django52.txt
DEMO := $(BIN)/django-admin
DEMO_SETTINGS := --settings=credential_admin.demo.settings
# The MFE plugin's npm package (Node 20): `make install` installs it from its lockfile and builds it.
MFE := static/credential-mfe-plugin
# `make demo PORT=8010` serves on another port; printed links, QR codes and badges follow (CREDENTIAL_BASE_URL).
PORT ?= 8000
DEMO_ENV := CREDENTIAL_BASE_URL="$${CREDENTIAL_BASE_URL:-http://127.0.0.1:$(PORT)}"

.PHONY: demo test install system-deps quality unit clean

system-deps:
	.ci/system-deps

$(BIN)/python:
	$(PYTHON312) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: system-deps $(BIN)/python $(MFE)/node_modules/.package-lock.json
	$(BIN)/pip install -q -c $(CONSTRAINTS) -e ".[test]"
	npm --prefix $(MFE) run build

# npm ci from the lockfile, again only when the lockfile changes (npm writes node_modules/.package-lock.json).
$(MFE)/node_modules/.package-lock.json: $(MFE)/package-lock.json
	npm --prefix $(MFE) ci --no-audit --no-fund --loglevel=error

demo: install
	$(DEMO_ENV) $(DEMO) demo_setup $(DEMO_SETTINGS)
	$(DEMO_ENV) $(DEMO) runserver 127.0.0.1:$(PORT) $(DEMO_SETTINGS)

quality: install
	$(BIN)/ruff check .

test: install quality
	.ci/start-services
	.ci/test-suites

unit: install
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) .tox .demo build dist *.egg-info
