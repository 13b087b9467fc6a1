"""MADlib's install-check cases, replayed against indb_ml (see runner.py and docs/madlib.md)."""
