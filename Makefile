# The two commands of the README: `make demo` and `make test`. Both set up .venv on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/armtrace demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: lint
	$(BIN)/pytest

# Scores on the development set and on the held-out test split (never tuned on).
DEVSET := src/armtrace/reports/devset
eval: $(STAMP)
	@mkdir -p build
	@for split in dev test; do \
	  $(BIN)/armtrace extract $(DEVSET)/$$split/*.txt > build/$$split.pred.jsonl && \
	  $(BIN)/armtrace eval $(DEVSET)/$$split.gold.jsonl build/$$split.pred.jsonl; \
	done

bench: $(STAMP)
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) armtrace-demo.db* .pytest_cache .ruff_cache

# Serial matching: synthetic registries with ground truth, the engine, the rapidfuzz reference and Splink
# on the same data (flags: --records 1000000 --items 100000 --splink 100000 --rapidfuzz 0 --breakdown).
bench-tracing: $(STAMP)
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/tracing.py $(ARGS)

# End-to-end ingest into SQLite on a generated corpus, 1 and 2 local workers (ARGS="--sizes 10000 100000").
bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py $(ARGS)

# Flows, routes, actor chains and screening over synthetic incidents in SQLite and PostgreSQL
# (flags: --incidents 1000000, --backends sqlite).
bench-analysis: $(STAMP)
	$(BIN)/python bench/analysis.py $(ARGS)

# Web load test on 127.0.0.1: p50/p95 for the map and list endpoints at 50 clients
# (flags: --incidents 1000000, --postgres, --requests 1000, --seconds 30).
bench-web: $(STAMP)
	$(BIN)/python bench/web_load.py $(ARGS)
