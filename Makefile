# citebot: `make run` starts it, `make test` proves it works. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench quality load library clean

# Install the runtime dependencies again only when pyproject.toml changed.
$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . > $(VENV)/install.log 2>&1 \
		|| (cat $(VENV)/install.log; exit 1)
	@touch $@

# The test tools too (pytest, pytest-asyncio, hypothesis, ruff).
$(TEST_STAMP): $(RUN_STAMP)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' > $(VENV)/install.log 2>&1 \
		|| (cat $(VENV)/install.log; exit 1)
	@touch $@

# The Telegram bot when TELEGRAM_BOT_TOKEN is set (in .env or the environment), else the terminal chat.
run: $(RUN_STAMP)
	@$(BIN)/python -m bot

# Lint, then the whole test suite.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Lint only.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .

# Speed and memory against rank-bm25, side by side (SIZES="10000 100000 1000000" to choose).
bench: $(TEST_STAMP)
	$(BIN)/python -m bench.speed $(if $(SIZES),--sizes $(SIZES),)

# Answer quality on the public question sets in ../shared/qa, against a plain rank-bm25 baseline.
quality: $(TEST_STAMP)
	$(BIN)/python -m bench.quality

# The real bot under load through the test Bot API server on 127.0.0.1.
load: $(TEST_STAMP)
	$(BIN)/python -m bench.bot_load

# Build (or update) the library from CITEBOT_ARTICLES without starting the bot.
library: $(RUN_STAMP)
	$(BIN)/citebot add $${CITEBOT_ARTICLES:-sample}

# Remove the virtualenv and the default library.
clean:
	rm -rf $(VENV) data
