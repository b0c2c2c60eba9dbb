# Two commands: `make run` (the app on SQLite with demo data) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format messages bench clean

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(VENV)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --inexact --quiet
	@touch $@

run: $(VENV)/.synced
	$(VENV)/bin/python manage.py migrate --noinput
	$(VENV)/bin/python manage.py demo_data
	$(VENV)/bin/python manage.py runserver $(HOST)

# The suite runs on every core (pytest-xdist; work-stealing evens out the long tests) in a random
# order (pytest-randomly): the seed is printed on the first line; `PYTEST_ARGS="-p randomly
# --randomly-seed=N"` replays an order, `PYTEST_ARGS="-p no:randomly"` keeps the file order.
# Bytecode is cached in .pycache/ even where PYTHONDONTWRITEBYTECODE is set, so that the workers
# and the subprocesses of the suite do not compile every module again.
PYTEST_JOBS ?= auto
test: $(VENV)/.synced
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/.pycache \
		$(VENV)/bin/pytest -n $(PYTEST_JOBS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

APPS := core places accounts households messaging donations matching logistics progress

# One catalogue per app (APP/locale/) plus one for config/ and templates/ (locale/), so that
# work on different apps never edits the same .po file.
messages: $(VENV)/.synced
	$(VENV)/bin/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=tests \
		--ignore=bench --ignore=artifacts $(foreach app,$(APPS),--ignore=$(app))
	for app in $(APPS); do (cd $$app && ../$(VENV)/bin/python ../manage.py makemessages -l vi --no-obsolete); done
	$(VENV)/bin/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pycache
