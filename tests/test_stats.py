"""p-values without scipy (plpython/stats.py) against scipy."""
import numpy as np
import pytest
from scipy import stats as sps

from plpython import stats


@pytest.mark.parametrize("df", [1, 2, 3, 10, 57, 1000, 20631])
def test_t_two_sided_matches_scipy(df):
    for t in [0.0, 1e-3, 0.3, 1.0, 2.5, 7.0, 25.0, 120.0]:
        expected = 2 * sps.t.sf(t, df)
        got = stats.t_two_sided_p(t, df)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)
        assert stats.t_two_sided_p(-t, df) == got


def test_normal_two_sided_matches_scipy():
    for z in [0.0, 0.5, 1.96, 6.0, 30.0]:
        assert stats.normal_two_sided_p(z) == pytest.approx(2 * sps.norm.sf(z), rel=1e-12, abs=1e-300)


def test_betainc_matches_scipy():
    from scipy.special import betainc

    for a, b, x in [(0.5, 0.5, 0.3), (2, 3, 0.9), (50, 0.5, 0.97), (10, 10, 0.5)]:
        assert stats.betainc(a, b, x) == pytest.approx(betainc(a, b, x), rel=1e-10)


def test_degenerate_inputs():
    assert np.isnan(stats.t_two_sided_p(float("nan"), 10))
    assert np.isnan(stats.t_two_sided_p(1.0, 0))
    assert stats.t_two_sided_p(float("inf"), 10) == 0.0


@pytest.mark.parametrize("df", [1, 2, 3, 7, 30, 500])
def test_chi2_and_f_tails_match_scipy(df):
    for x in [0.0, 1e-3, 0.5, 2.5451, 6.75, 40.0, 300.0]:
        assert stats.chi2_sf(x, df) == pytest.approx(sps.chi2.sf(x, df), rel=1e-10, abs=1e-300)
        assert stats.f_sf(x, df, 20) == pytest.approx(sps.f.sf(x, df, 20), rel=1e-10, abs=1e-300)
    assert stats.normal_cdf(1.3) == pytest.approx(sps.norm.cdf(1.3), rel=1e-14)
