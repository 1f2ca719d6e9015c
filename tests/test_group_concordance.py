"""Kendall's W (alliancekit.group.concordance): known answers, scipy cross-check, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import friedmanchisquare

from alliancekit.errors import DataValidationError
from alliancekit.group import kendall_w


def test_without_ties_known_answer() -> None:
    """ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": four
    judges rank three competitors; rank sums 7, 9, 8, S = 2, W = 12·2/(4²·3·(3² − 1)) = 1/16."""
    table = pd.DataFrame(
        {"A": [1, 3, 2], "B": [1, 2, 3], "C": [2, 3, 1], "D": [3, 1, 2]}, index=["X", "Y", "Z"]
    )
    res = kendall_w(table)
    assert res.w == pytest.approx(1 / 16)
    assert list(res.rank_sums) == [7, 9, 8]
    assert res.chi2 == pytest.approx(4 * 2 / 16) and res.df == 2
    assert res.ties == 0 and (res.n_items, res.n_raters) == (3, 4)
    assert res.p_value == pytest.approx(math.exp(-0.5 / 2))  # chi-square sf with 2 df


def test_with_ties_known_answer() -> None:
    """The data of IBM SPSS's NPAR TESTS KENDALL example (four judges score five items V1–V5:
    2 5 4 5 1 / 3 3 4 5 3 / 3 4 4 6 2 / 2 4 3 6 2), ranked by hand with average ranks:
    rank sums 7.5, 14, 13.5, 19.5, 5.5 (mean 12, S = 125); tie groups t = 2, 3, 2, 2 give
    T = Σ(t³ − t) = 6 + 24 + 6 + 6 = 42; W = 12S/(m²(n³ − n) − mT) = 1500/(1920 − 168)
    = 0.856164 (Siegel & Castellan 1988, §9.4); without the correction 1500/1920 = 0.78125."""
    judges = np.array([[2, 5, 4, 5, 1], [3, 3, 4, 5, 3], [3, 4, 4, 6, 2], [2, 4, 3, 6, 2]])
    table = pd.DataFrame(judges.T, index=[f"V{i}" for i in range(1, 6)])
    res = kendall_w(table)
    assert list(res.rank_sums) == [7.5, 14, 13.5, 19.5, 5.5]
    assert res.ties == 42
    assert res.w == pytest.approx(1500 / 1752)
    assert res.w == pytest.approx(0.856164, abs=1e-6)
    assert res.chi2 == pytest.approx(4 * 4 * 1500 / 1752)
    # scipy's Friedman statistic is tie-corrected the same way: W = χ²_F/(m(n − 1))
    assert res.w == pytest.approx(friedmanchisquare(*judges.T).statistic / (4 * 4))


@settings(max_examples=60)
@given(
    data=st.integers(3, 8).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(1, 5), min_size=n, max_size=n), min_size=3, max_size=7
        )
    )
)
def test_matches_scipy_friedman_with_and_without_ties(data: list[list[int]]) -> None:
    """W = 12S/(m²(n³ − n) − mT) equals scipy's tie-corrected Friedman χ²/(m(n − 1))."""
    raters = np.array(data, dtype=float)  # m raters × n items
    if (raters.max(axis=1) == raters.min(axis=1)).all():
        return  # every rater ties every item: W undefined (and scipy divides by zero)
    m, n = raters.shape
    res = kendall_w(raters.T)
    friedman = friedmanchisquare(*raters.T).statistic
    assert res.w == pytest.approx(friedman / (m * (n - 1)), rel=1e-9, abs=1e-12)
    assert 0.0 <= res.w <= 1.0 + 1e-12


@settings(max_examples=40)
@given(perm=st.permutations(list(range(1, 9))), m=st.integers(2, 6))
def test_identical_rankings_give_one(perm: list[int], m: int) -> None:
    res = kendall_w(pd.DataFrame({f"r{k}": perm for k in range(m)}))
    assert res.w == pytest.approx(1.0)
    assert res.chi2 == pytest.approx(m * (len(perm) - 1))


@settings(max_examples=30)
@given(x=st.lists(st.lists(st.floats(0, 100), min_size=5, max_size=5), min_size=3, max_size=5))
def test_scores_and_reversed_scores_agree(x: list[list[float]]) -> None:
    """Ranking within each rater: reversing every column (scores vs ranks) leaves W alone."""
    table = pd.DataFrame(np.array(x).T)
    a, b = kendall_w(table), kendall_w(-table)
    if math.isnan(a.w):
        assert math.isnan(b.w)
    else:
        assert a.w == pytest.approx(b.w, abs=1e-12)


def test_validation_and_degenerate_cases() -> None:
    with pytest.raises(DataValidationError, match="at least 2 items"):
        kendall_w(pd.DataFrame({"a": [1], "b": [2]}))
    with pytest.raises(DataValidationError) as err:
        kendall_w(pd.DataFrame({"a": [1, 2], "b": [3, None]}, index=["x", "y"]))
    assert err.value.problems[0].column == "b" and "'y'" in str(err.value)
    flat = kendall_w(pd.DataFrame({"a": [1, 1], "b": [2, 2]}))
    assert math.isnan(flat.w) and "undefined" in flat.summary()
    res = kendall_w(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]}))
    assert "strong agreement" in res.summary()
    assert list(res.to_frame().columns) == ["rank_sum", "mean_rank"]


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 10, 11, 25, 60, 999, 1501])
def test_chi_square_tail_matches_scipy(df: int) -> None:
    """The p-value's closed form equals scipy.stats.chi2.sf (relative 1e-10) over the range."""
    from scipy.stats import chi2

    from alliancekit.group.concordance import _chi2_survival

    for x in [0.0, 1e-9, 0.3, 1.0, df - 0.5, df, 2.0 * df, 5.0 * df + 10.0, 150.0]:
        assert _chi2_survival(x, df) == pytest.approx(chi2.sf(x, df), rel=1e-10, abs=1e-300)
    assert math.isnan(_chi2_survival(math.nan, df))
    assert _chi2_survival(math.inf, df) == 0.0 and _chi2_survival(0.0, df) == 1.0
