"""One test per MADlib install-check case: MADlib's call, data, asserted values and tolerances.

Cases that do not pass are listed with their reason in known_failures.py (and docs/madlib.md); they
run as strict xfails, so a fixed case fails until it is taken off the list.

The calls are MADlib's, unchanged but for the schema (``indb_ml`` on the search_path);
the expected values and tolerances are the ones MADlib's own tests assert.
"""
import pytest

from . import runner
from .known_failures import KNOWN

CASES = [pytest.param(m, f, i, label, id=f"{m}:{f}:{i:02d}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(f, i)])] if (f, i) in KNOWN else [])
         for m, f, i, label in runner.all_cases()]


@pytest.mark.parametrize("module,file,index,label", CASES)
def test_madlib_case(madlib_results, module, file, index, label):
    ok, message, _ = madlib_results(file)[index]
    assert ok, f"{label}: {message}"
