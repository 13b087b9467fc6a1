# The two commands of the quick start, plus packaging and the benchmarks. Each sets itself up first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test dist extension-files bench setup

setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(VENV)/bin/indb-ml demo

# The whole suite against real PostgreSQL servers it starts itself; it includes building the sdist and
# wheel, installing the wheel into a throwaway virtualenv and database (tests/test_wheel.py) and the
# extension upgrade from release 0.1.0 (tests/test_extension.py).
test: setup
	$(PY) -m pytest -q

# sdist + wheel in dist/ (they carry sql/, plpython/, migrations/, extension/, data/, examples/)
dist: setup
	$(PY) -m build --outdir dist .

# indb_ml.control + install/upgrade scripts for a server's `pg_config --sharedir`/extension
extension-files: setup
	$(VENV)/bin/indb-ml extension-files --out dist/extension

bench:
	@INDB_ML_BENCH=1 bash scripts/bootstrap.sh
	$(PY) bench/all.py
