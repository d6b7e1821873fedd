# advlab: `make run` serves the app, `make test` runs the whole suite.
# Both create .venv when it is missing and install what they need into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
N      ?= auto
HOST   ?= 0.0.0.0

export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench bench-browser loadtest lint browser clean serve-replicas nginx postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# One replica of the app per core behind nginx on $(HOST):$(PORT), answering as soon as the
# first replica is up (deploy/run.py); one process when N=1 or nginx is missing (it says so).
run: $(VENV)/.installed-run nginx
	$(BIN)/python -m deploy.run --replicas $(N) --port $(PORT) --host $(HOST)

# The browser tests use Debian's chromium. As root on Debian/Ubuntu it is installed
# when missing; elsewhere the browser tests skip with a message (never with CI=true).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium and CJK fonts for the browser tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null; }; \
	else echo "chromium not found and cannot be installed here: browser tests will skip."; fi
	@if [ -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && \
		! fc-list 2>/dev/null | grep -qi cjk; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1 || true; fi

# N replicas of the app behind nginx on $(HOST):$(PORT), one session per browser pinned to
# one replica, nginx started once every replica has run the app (deploy/replicas.py):
# make serve-replicas N=4 PORT=8080
serve-replicas: $(VENV)/.installed-run nginx
	$(BIN)/python -m deploy.replicas --replicas $(if $(filter auto,$(N)),$$(nproc),$(N)) --port $(PORT) --host $(HOST)

# make run, serve-replicas and the deployment tests use Debian's nginx. As root on Debian/Ubuntu
# it is installed when missing; elsewhere (or when that fails) make run serves one process and
# those tests skip with a message (never with CI=true).
nginx:
	@if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's nginx (make run serves one replica per core behind it)..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null; } || \
		echo "nginx could not be installed: make run serves one process, the replica tests skip."; \
	else echo "nginx not found and cannot be installed here: make run serves one process, the replica tests skip."; fi

# The class-mode store tests also run on a real PostgreSQL, started from Debian's server binaries.
# As root on Debian/Ubuntu it is installed when missing; elsewhere those tests skip (never with CI=true).
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql for the class-mode tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }; \
	else echo "postgresql not found and cannot be installed here: the class-mode PostgreSQL tests will skip."; fi

# The suite runs on one worker per core (pytest-xdist); a file's tests stay on one worker, so
# a module's server or browser is started once. JOBS=1 runs it in one process.
JOBS ?= auto
test: $(VENV)/.installed-dev browser nginx postgres
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.bench

# What a user feels, in headless Chromium against a server it starts: cold start, the
# ε slider's step on every page that has one, a trivial rerun as the reference
bench-browser: $(VENV)/.installed-dev browser
	$(BIN)/python -m benchmarks.browser

# Simulated students over Streamlit's websocket protocol, on a server of its own;
# e.g. make loadtest LOADTEST_ARGS="--url http://127.0.0.1:8501 --ramp 5,10,20,30"
LOADTEST_ARGS ?= --scenario all
loadtest: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.loadtest $(LOADTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check advlab pages tests app.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache
