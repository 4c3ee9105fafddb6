# One command each: `make serve`, `make build`, `make test`.
# Each creates .venv from the requirement files on first use, and again
# whenever a requirement file changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# A clinic's own settings file (see README, "Host it for your clinic").
CONFIG ?= mkdocs.yml
# Material 9.8 prints a long notice about MkDocs 2.0 on every run; we pin
# mkdocs<2, so the notice is noise.
export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test check clean bench-search

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## serve: the site at http://127.0.0.1:8000 with live reload
serve: $(BIN)/.installed
	$(BIN)/mkdocs serve --config-file $(CONFIG) --dev-addr 127.0.0.1:8000

## build: a strict build into site/. It is written to a temporary folder
## first, so a failed build never leaves a half-written site/.
build: $(BIN)/.installed
	rm -rf site.tmp
	$(BIN)/mkdocs build --strict --config-file $(CONFIG) --site-dir site.tmp
	rm -rf site && mv site.tmp site

## check: front matter and clinic settings only (fast, no build)
check: $(BIN)/.installed
	$(BIN)/python scripts/site_tool.py check

## test: the whole suite (needs Debian's chromium and nginx)
test: $(BIN)/.installed
	@command -v chromium >/dev/null || { echo "make test needs Chromium: sudo apt-get install chromium" >&2; exit 1; }
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "make test needs nginx: sudo apt-get install nginx" >&2; exit 1; }
	$(BIN)/pytest tests

## bench-search: search index size and keypress-to-results times (numbers, not a test)
bench-search: build
	$(BIN)/python scripts/site_tool.py search-bench

clean:
	rm -rf site site.tmp .pytest_cache
