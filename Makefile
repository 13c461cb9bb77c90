# Homeward: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8000
DEMO_SEED ?= 931
DEMO_DB := var/homeward.sqlite3
# The made-up police forces of the demo feed (homeward demo-police-feed), and their API
# tokens, issued by make demo.
DEMO_FORCE := Made-up Shire Constabulary
DEMO_SECOND_FORCE := Made-up Vale Police
DEMO_FEED_TOKEN := var/demo-force-token
DEMO_SECOND_TOKEN := var/demo-second-force-token
# The demo's emails go to a mail catcher on loopback (homeward mail-catcher), kept as files
# in DEMO_MAIL and readable by the demo administrator at /demo/mail/.
DEMO_MAIL_PORT ?= 8025
DEMO_MAIL := $(CURDIR)/var/mail
DEMO_MAIL_ENV := EMAIL_HOST=127.0.0.1 EMAIL_PORT=$(DEMO_MAIL_PORT) EMAIL_USE_TLS=false \
	EMAIL_HOST_USER= EMAIL_HOST_PASSWORD= HOMEWARD_MAIL_CATCHER_DIR=$(DEMO_MAIL) \
	HOMEWARD_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: demo test lint bench install clean frontend browser libreoffice audit validator-903

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Homeward needs Python 3.11 or newer; set PYTHON=python3.11 (or newer).")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# GOV.UK Frontend and axe-core come from npm, pinned by package-lock.json. The pages use
# GOV.UK Frontend's built files, copied into homeward/static/govuk/ (git-ignored); Homeward is
# not on GOV.UK, so the copy uses Arial instead of the GDS Transport font and leaves the fonts.
NODE_STAMP := node_modules/.homeward-installed
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_STATIC := homeward/static/govuk

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(GOVUK_STATIC)/.built: $(NODE_STAMP)
	rm -rf $(GOVUK_STATIC)
	mkdir -p $(GOVUK_STATIC)/assets
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_STATIC)/
	sed -e 's#url(/assets/#url(assets/#g' -e 's#GDS Transport,arial,sans-serif#arial,sans-serif#g' \
		$(GOVUK_DIST)/govuk-frontend.min.css > $(GOVUK_STATIC)/govuk-frontend.min.css
	cp -R $(GOVUK_DIST)/assets/images $(GOVUK_DIST)/assets/manifest.json $(GOVUK_STATIC)/assets/
	touch $(GOVUK_STATIC)/.built

frontend: $(GOVUK_STATIC)/.built

# The browser tests drive Debian's chromium (CI and developers run as root on Debian).
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The committee paper's Word file is checked by converting it to PDF with LibreOffice
# (Debian's headless Writer) and reading the PDF with poppler's pdftotext and pdfinfo
# (homeward/reports/tests/test_paper_pdf.py). About 1.5 minutes and 90 MB the first time.
libreoffice:
	@(command -v soffice && command -v pdftotext && command -v pdfinfo) >/dev/null || \
		(apt-get update && apt-get install -y libreoffice-writer-nogui poppler-utils)

# Data to Insight's SSDA903 validator (csc-validator-be-903), which the sector checks its
# returns with, in a virtual environment of its own: it pins pandas below 2. The 903 tests
# run it over Homeward's export (homeward/exchange/tests/test_ssda903_validator.py).
VENV_903 := .venv-903
VALIDATOR_903 := $(VENV_903)/.installed
VALIDATOR_903_VERSION := 0.1.17

$(VALIDATOR_903): Makefile
	test -x $(VENV_903)/bin/python || $(PYTHON) -m venv $(VENV_903)
	$(VENV_903)/bin/python -m pip install --quiet 'csc-validator-be-903==$(VALIDATOR_903_VERSION)'
	touch $(VALIDATOR_903)

validator-903: $(VALIDATOR_903)

install: $(INSTALLED) frontend browser libreoffice validator-903

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check homeward bench
	$(BIN)/ruff format --check homeward bench
	DATABASE_URL= $(BIN)/homeward makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

# Security scans (docs/security.md): bandit over the code (new findings fail; reviewed ones
# are in bandit-baseline.json), pip-audit over every installed package. A known vulnerability
# fails the build. pip-audit needs PyPI's JSON API, which this workplace's machines cannot
# reach: then it audits nothing, and says so loudly rather than failing every build.
audit: $(INSTALLED)
	$(BIN)/bandit -q -c pyproject.toml -r homeward -b bandit-baseline.json
	@mkdir -p var
	@$(BIN)/pip-audit --local --skip-editable --progress-spinner off > var/pip-audit.txt 2>&1 \
		|| { cat var/pip-audit.txt; echo "FAILED: pip-audit found a known vulnerability." >&2; exit 1; }
	@if grep -q "could not be audited" var/pip-audit.txt; then \
		echo "WARNING: pip-audit could not reach its vulnerability service, so $$(grep -c 'could not be audited' var/pip-audit.txt) packages were NOT audited. Run 'make audit' where PyPI's JSON API is reachable."; \
	else cat var/pip-audit.txt; fi

demo: $(INSTALLED) frontend
	@if [ -n "$$DATABASE_URL" ] && echo "$$DATABASE_URL" | grep -q '^postgres'; then \
		echo "make demo loads made-up children and demo passwords: it refuses to run against PostgreSQL (unset DATABASE_URL)."; exit 2; fi
	rm -f $(DEMO_DB) $(DEMO_FEED_TOKEN) $(DEMO_SECOND_TOKEN)
	mkdir -p var out
	HOMEWARD_DEMO=true $(BIN)/homeward migrate --no-input --verbosity 0
	HOMEWARD_DEMO=true $(BIN)/homeward demo-data out/demo-bundle --seed $(DEMO_SEED) --summary
	HOMEWARD_DEMO=true $(BIN)/homeward import-bundle out/demo-bundle --council 931
	HOMEWARD_DEMO=true $(BIN)/homeward demo-panel --seed $(DEMO_SEED)
	HOMEWARD_DEMO=true $(BIN)/homeward demo-borders --seed $(DEMO_SEED) --out out/demo-register.csv
	HOMEWARD_DEMO=true $(BIN)/homeward demo-notices
	HOMEWARD_DEMO=true $(BIN)/homeward report --from 2020-01-01 --to 2020-06-30 --format json --out out/report-2020-H1.json
	HOMEWARD_DEMO=true $(BIN)/homeward report --from 2020-01-01 --to 2020-06-30 --format html --out out/report-2020-H1.html
	HOMEWARD_DEMO=true $(BIN)/homeward report --from 2020-01-01 --to 2020-06-30 --format docx --out out/report-2020-H1.docx
	HOMEWARD_DEMO=true $(BIN)/homeward report --from 2020-01-01 --to 2020-06-30 --format pdf --out out/report-2020-H1.pdf
	HOMEWARD_DEMO=true $(BIN)/homeward demo-users
	@# The demo county's history holds about 2,900 returns never settled (one offer with no
	@# contact, not offered, nothing recorded), which would all be owed an interview today. A
	@# well-run council that brought its history into Homeward closes those, with a reason,
	@# as docs/bundle.md says; the returns of the last 30 days stay owed (about 30: most due
	@# now, a few overdue).
	HOMEWARD_DEMO=true $(BIN)/homeward close-interviews --council 931 \
		--returned-before $$($(BIN)/python -c 'import datetime as d; print(d.date.today() - d.timedelta(days=30))') \
		--reason "Demo county history: returns from before the last 30 days were followed up outside Homeward" \
		--by demo-coordinator
	HOMEWARD_DEMO=true $(BIN)/homeward demo-escalations --seed $(DEMO_SEED)
	@# Two made-up forces serve the demo county; the demo feed posts notifications
	@# with their tokens (shown once, kept in var/ for the feed alone).
	HOMEWARD_DEMO=true $(BIN)/homeward force-token add-force "$(DEMO_FORCE)" --council 931
	HOMEWARD_DEMO=true $(BIN)/homeward force-token add-force "$(DEMO_SECOND_FORCE)" --council 931
	@umask 077 && HOMEWARD_DEMO=true $(BIN)/homeward force-token issue "$(DEMO_FORCE)" \
		--label "Demo feed" | tail -n 1 > $(DEMO_FEED_TOKEN)
	@umask 077 && HOMEWARD_DEMO=true $(BIN)/homeward force-token issue "$(DEMO_SECOND_FORCE)" \
		--label "Demo feed" | tail -n 1 > $(DEMO_SECOND_TOKEN)
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with one of the accounts above."
	@echo "The January-June 2020 scrutiny report is in out/report-2020-H1.{html,docx,pdf,json}."
	@# A made-up force posts notifications to the API while the server runs (its log in
	@# var/demo-police-feed.log), and is stopped when the server stops.
	@# The alerts: a mail catcher keeps the demo's emails, and send-alerts runs every minute
	@# (its log in var/send-alerts.log); both are stopped when the server stops.
	@echo "The demo's emails are kept in var/mail/; sign in as demo-admin and open /demo/mail/ to read them."
	@mkdir -p $(DEMO_MAIL); \
	HOMEWARD_DEMO=true $(DEMO_MAIL_ENV) $(BIN)/homeward mail-catcher --port $(DEMO_MAIL_PORT) \
		> var/mail-catcher.log 2>&1 & catcher=$$!; \
	( sleep 5; while true; do HOMEWARD_DEMO=true $(DEMO_MAIL_ENV) $(BIN)/homeward send-alerts; \
		sleep 60; done > var/send-alerts.log 2>&1 ) & alerts=$$!; \
	trap 'kill $$catcher $$alerts 2>/dev/null' EXIT INT TERM; \
	if [ -s $(DEMO_FEED_TOKEN) ]; then \
		echo "A made-up police force's feed is posting notifications; its log is var/demo-police-feed.log."; \
		HOMEWARD_DEMO=true $(BIN)/homeward demo-police-feed --url http://127.0.0.1:$(PORT) \
			--token-file $(DEMO_FEED_TOKEN) --second-token-file $(DEMO_SECOND_TOKEN) \
			> var/demo-police-feed.log 2>&1 & feed=$$!; \
		trap 'kill $$feed $$catcher $$alerts 2>/dev/null' EXIT INT TERM; \
	else echo "No made-up police feed: the demo has no force token ($(DEMO_FEED_TOKEN))."; fi; \
	HOMEWARD_DEMO=true $(DEMO_MAIL_ENV) $(BIN)/homeward runserver 127.0.0.1:$(PORT) --insecure

bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.child_search
	$(BIN)/python -m bench.notification_matching
	$(BIN)/python -m bench.notification_import
	$(BIN)/python -m bench.notification_api

clean:
	rm -rf $(VENV) $(VENV_903) var out
