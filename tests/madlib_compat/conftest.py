"""One database with indb_ml for all MADlib cases; each MADlib file is replayed once, in its own schema."""
import pytest

from . import runner


@pytest.fixture(scope="session")
def madlib_results(db_dsn):
    cache = {}

    def get(file):
        if file not in cache:
            cache[file] = runner.run_file(db_dsn, file)
        return cache[file]
    return get
