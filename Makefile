# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium

.PHONY: install model index run serve test unit lint fix eval gate bench chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU wheel on disk; an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[ui,dev]'
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/qa model prepare

index: model
	$(BIN)/qa index eval/corpus

run: index
	$(BIN)/qa serve

chromium:
	@test -x $(CHROMIUM) || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy qa

fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: install
	$(BIN)/pytest -q -m 'not slow'

test: install chromium lint model
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory gate

gate: install
	$(BIN)/qa eval --gate

eval: install
	$(BIN)/qa eval --out eval/out
	$(BIN)/qa eval --dataset cmrc2018 --full --out eval/out
	$(BIN)/qa eval --dataset drcd --full --out eval/out

bench: install model
	$(BIN)/python -m bench.run --out bench/out/bench.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
