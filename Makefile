# Two entry points for people (README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser demo serve test test-pg lint typecheck bench eval migration clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests (tests/web) drive Debian's chromium through Playwright's bundled driver;
# a CJK font makes the Chinese pages (and their screenshots) readable.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	test -x /usr/bin/chromium && fc-list :lang=zh | grep -q . || \
		($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-droid-fallback)

demo: install
	KCRM_ENV=demo $(BIN)/kcrm demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/kcrm serve --host $(HOST) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check kcrm tests bench
	$(BIN)/ruff format --check kcrm tests bench

typecheck: install
	$(BIN)/mypy kcrm

bench: install
	for script in bench/*.py; do $(BIN)/python $$script --write || exit 1; done

eval: install
	$(BIN)/kcrm eval retrieval ../shared/eval/banking77-dev
	$(BIN)/kcrm eval retrieval ../shared/eval/afqmc-train-retrieval
	$(BIN)/kcrm eval pairs ../shared/eval/afqmc-train.tsv --sample 5000 --seed 0

migration: install
	$(BIN)/alembic revision --autogenerate -m "$(MSG)"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
