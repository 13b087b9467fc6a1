"""One test per MADlib install-check case: MADlib's call, data, asserted values and tolerances.

The calls are MADlib's, unchanged but for the schema (``indb_ml`` on the search_path);
the expected values and tolerances are the ones MADlib's own tests assert.
"""
import pytest

from . import runner

CASES = runner.all_cases()


@pytest.mark.parametrize("module,file,index,label", CASES,
                         ids=[f"{m}:{f}:{i:02d}" for m, f, i, _ in CASES])
def test_madlib_case(madlib_results, module, file, index, label):
    ok, message, _ = madlib_results(file)[index]
    assert ok, f"{label}: {message}"
