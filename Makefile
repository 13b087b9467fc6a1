# The two commands of the quick start, plus the benchmarks. Each sets itself up first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench setup

setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(VENV)/bin/indb-ml demo

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/all.py
