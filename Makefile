# One command each: `make serve`, `make build`, `make test` (`make test-fast`
# leaves out the browser and nginx). Each creates .venv on first use, and
# again whenever a requirement file or pyproject.toml changes: building
# installs only requirements.txt and the site's own package; the test tools
# (requirements-dev.txt) come with the first test target.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# A clinic's own settings file (see README, "Host it for your clinic").
CONFIG ?= mkdocs.yml
# Material 9.8 prints a long notice about MkDocs 2.0 on every run; we pin
# mkdocs<2, so the notice is noise.
export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: the sitemap's dates come from the last commit, not
# from the day of the build.
COMMIT_TIME := $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(COMMIT_TIME),)
export SOURCE_DATE_EPOCH ?= $(COMMIT_TIME)
endif

.PHONY: serve build test test-fast requirements-for-tests check clean bench-search audit audit-loader screenshots zensical

# Checkers the tests drive in the browser and on the built HTML (axe-core,
# the Nu HTML Checker, Lighthouse), pinned in package-lock.json. Install
# scripts are skipped: vnu-jar's would try to download a Java runtime.
NODE_DEPS := node_modules/.installed

PIP := $(BIN)/pip install --quiet --disable-pip-version-check

# What building needs: the pinned generator and plugins, and this package.
$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

# What testing adds (Playwright, pytest, Pillow, zxing...).
$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

## serve: the site at http://127.0.0.1:8000 with live reload
serve: $(BIN)/.installed
	$(BIN)/mkdocs serve --config-file $(CONFIG) --dev-addr 127.0.0.1:8000

## build: checks, then a strict build, then the finishing step (QR codes,
## toggle fix, stylesheet purge, _headers), into site/. It is written to a
## temporary folder first, so a failed build never leaves a half-written site/.
build: check
	rm -rf site.tmp
	$(BIN)/python -m microneedling_site --config-file $(CONFIG) build site.tmp
	rm -rf site && mv site.tmp site

## check: settings, front matter and vocabulary of $(CONFIG) (fast, no build)
check: $(BIN)/.installed
	$(BIN)/python -m microneedling_site --config-file $(CONFIG) check

## test: the whole suite, what CI runs (needs Debian's chromium, nginx, Java, w3m)
## With CONFIG=clinic.yml: the quality gates (axe, HTML checker, print, QR
## codes, links, security policy, byte budget...) on that clinic's build.
test: requirements-for-tests $(BIN)/.installed-dev $(NODE_DEPS)
ifeq ($(CONFIG),mkdocs.yml)
	$(BIN)/pytest tests -rP  # -rP: show the figures tests print (grades, search hits, bytes)
	@echo "The quality gates again, on the example clinic (clinic.example.yml):"
	SITE_CONFIG=clinic.example.yml $(BIN)/pytest tests -m gates -q
else
	SITE_CONFIG=$(CONFIG) $(BIN)/pytest tests -m gates -rP
endif

## test-fast: everything but the browser, nginx and slow (repeated-build) tests, in well under a minute
test-fast: $(BIN)/.installed-dev $(NODE_DEPS)
	@start=$$(date +%s%N); $(BIN)/pytest tests -m "not browser and not slow" -q; status=$$?; \
	  echo "make test-fast: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"; exit $$status

# System packages the tests need, named when one is missing.
requirements-for-tests:
	@command -v chromium >/dev/null || { echo "make test needs Chromium: sudo apt-get install chromium" >&2; exit 1; }
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "make test needs nginx: sudo apt-get install nginx" >&2; exit 1; }
	@command -v java >/dev/null || { echo "make test needs Java for the HTML checker: sudo apt-get install default-jre-headless" >&2; exit 1; }
	@command -v w3m >/dev/null || { echo "make test needs w3m for the text-only reading order: sudo apt-get install w3m" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm: sudo apt-get install nodejs npm" >&2; exit 1; }

# Benchmarks and audits (benchmarks/): numbers, not tests; never part of a build.
## bench-search: search index size and keypress-to-results times
bench-search: build $(BIN)/.installed-dev
	$(BIN)/python -m benchmarks search-bench

## audit: Lighthouse (mobile) on every page (or PAGES="/ /safety/"), served gzipped by nginx, median of RUNS runs; writes reports/
RUNS ?= 3
audit: $(BIN)/.installed-dev $(NODE_DEPS)
	$(BIN)/python -m benchmarks audit --runs $(RUNS) --config-file $(CONFIG) $(if $(PAGES),--pages $(PAGES))

## audit-loader: the same audit with and without the deferred loader
## (overrides/partials/deferred-scripts.html): reports/audit.md, reports/audit-without-loader.md
audit-loader: $(BIN)/.installed-dev $(NODE_DEPS)
	$(BIN)/python -m benchmarks audit --runs $(RUNS) --config-file $(CONFIG) --name audit
	$(BIN)/python -m benchmarks audit --runs $(RUNS) --config-file $(CONFIG) --name audit-without-loader --without-loader

## screenshots: every page at 360 and 1280 px, light and dark, and each handout
## printed to PDF and PNG (needs pdftoppm from poppler-utils), into reports/screenshots/
screenshots: $(BIN)/.installed-dev
	$(BIN)/python -m benchmarks screenshots

## zensical: build with Zensical 0.0.73 (its own .venv-zensical), run the same
## finishing step, and report what differs from the MkDocs build (reports/zensical.md)
zensical: $(BIN)/.installed
	$(BIN)/python -m benchmarks zensical

clean:
	rm -rf site site.tmp .pytest_cache node_modules reports .venv-zensical
