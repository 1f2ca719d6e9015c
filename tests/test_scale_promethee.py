"""The O(m·n·log m) PROMETHEE kernel against the O(m²) definition (issue 20).

Random matrices with many ties and values exactly one threshold apart, every preference type,
both directions (benefit and cost), through the kernel and through ``score``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliancekit as ak
from alliancekit.scoring import (
    Preference,
    PreferenceKind,
    promethee_kernel,
    promethee_reference_kernel,
    unicriterion_flows,
)
from alliancekit.scoring import promethee as fast

SETTINGS = settings(max_examples=150, deadline=None)
TOL = 1e-12

#: values on a coarse grid (many ties, differences equal to the thresholds) or anywhere
GRID = st.sampled_from([0.1, 0.25, 0.5, 1.0])


@st.composite
def preference(draw: st.DrawFn) -> Preference:
    """Any preference function, thresholds on the same grids as the values (exact boundaries)."""
    kind = draw(st.sampled_from(list(PreferenceKind)))
    step = draw(GRID)
    q = step * draw(st.integers(0, 4))
    p = q + step * draw(st.integers(1, 6))
    s = step * draw(st.integers(1, 6))
    if kind is PreferenceKind.U_SHAPE:
        return Preference(kind, q=q)
    if kind is PreferenceKind.V_SHAPE:
        return Preference(kind, p=p)
    if kind is PreferenceKind.GAUSSIAN:
        return Preference(kind, s=s)
    if kind in (PreferenceKind.LEVEL, PreferenceKind.LINEAR):
        return Preference(kind, q=q, p=p)
    return Preference(kind)


@st.composite
def matrix(draw: st.DrawFn) -> np.ndarray:
    """An (m, n) matrix: grid values with ties (most draws) or continuous values."""
    m = draw(st.integers(1, 40))
    n = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        step = draw(GRID)
        x = step * rng.integers(-6, 7, (m, n))
    else:
        scale = draw(st.sampled_from([1e-3, 1.0, 50.0, 1e4]))
        x = scale * rng.normal(size=(m, n))
    return x.astype(float)


@SETTINGS
@given(x=matrix(), data=st.data())
def test_fast_kernel_equals_the_definition(x: np.ndarray, data: st.DataObject) -> None:
    prefs = [data.draw(preference()) for _ in range(x.shape[1])]
    plus, minus = promethee_kernel(x, prefs)
    ref_plus, ref_minus = promethee_reference_kernel(x, prefs)
    np.testing.assert_allclose(plus, ref_plus, rtol=0, atol=TOL)
    np.testing.assert_allclose(minus, ref_minus, rtol=0, atol=TOL)


@SETTINGS
@given(x=matrix(), data=st.data())
def test_score_net_flows_equal_the_definition_in_both_directions(
    x: np.ndarray, data: st.DataObject
) -> None:
    m, n = x.shape
    if m < 2:
        return
    prefs = [data.draw(preference()) for _ in range(n)]
    directions = [data.draw(st.sampled_from(["benefit", "cost"])) for _ in range(n)]
    weights = np.random.default_rng(m * n).dirichlet(np.ones(n))
    cols = [f"C{j}" for j in range(n)]
    frame = pd.DataFrame(x, index=[f"A{i}" for i in range(m)], columns=cols)
    res = ak.score(
        frame,
        dict(zip(cols, weights, strict=True)),
        dict(zip(cols, directions, strict=True)),
        method="promethee_ii",
        preferences=dict(zip(cols, prefs, strict=True)),
    )
    benefit = np.where(np.array(directions) == "benefit", x, -x)
    ref_plus, ref_minus = promethee_reference_kernel(benefit, prefs)
    np.testing.assert_allclose(res.scores.to_numpy(), (ref_plus - ref_minus) @ weights, atol=TOL)
    np.testing.assert_allclose(res.flows["phi_plus"].to_numpy(), ref_plus @ weights, atol=TOL)


@pytest.mark.parametrize("kind", [k for k in PreferenceKind if k is not PreferenceKind.GAUSSIAN])
def test_values_exactly_one_threshold_apart_in_floating_point(kind: PreferenceKind) -> None:
    """0.1 steps with q = 0.3: 0.7 − 0.4 is 0.29999999999999993 in binary; the definition's own
    test decides, not the decimal reading (a searchsorted on x − q alone would miscount)."""
    x = np.round(np.arange(0.0, 1.01, 0.1), 1)
    thresholds = {
        PreferenceKind.USUAL: {},
        PreferenceKind.U_SHAPE: {"q": 0.3},
        PreferenceKind.V_SHAPE: {"p": 0.3},
        PreferenceKind.LEVEL: {"q": 0.3, "p": 0.6},
        PreferenceKind.LINEAR: {"q": 0.3, "p": 0.6},
    }
    pref = Preference(kind, **thresholds[kind])
    assert 0.7 - 0.4 != 0.3  # the case this test is about
    got = promethee_kernel(x[:, None], [pref])
    ref = promethee_reference_kernel(x[:, None], [pref])
    np.testing.assert_allclose(got, ref, rtol=0, atol=TOL)


def test_gaussian_runs_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few rows give the same flows as one m × m matrix."""
    monkeypatch.setattr(fast, "BLOCK_FLOATS", 50)
    x = np.random.default_rng(3).normal(size=(37, 1))
    pref = [Preference("gaussian", s=0.7)]
    np.testing.assert_allclose(
        promethee_kernel(x, pref), promethee_reference_kernel(x, pref), atol=TOL
    )


def test_large_matrix_matches_on_a_sample_of_rows() -> None:
    """At m = 20,000 (the definition would need 3.2 GB per criterion) check 50 rows directly."""
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(20_000, 2)) * 10, 1)
    prefs = [Preference("linear", q=0.5, p=3.0), Preference("level", q=1.0, p=2.0)]
    plus, minus = promethee_kernel(x, prefs)
    rows = rng.choice(20_000, 50, replace=False)
    for c, pr in enumerate(prefs):
        d = x[rows, c][:, None] - x[None, :, c]
        kind, q, p = pr.kind, pr.q, pr.p
        ref_plus = ak.scoring.preference_kernel(d, kind, q, p, None).sum(1) / (len(x) - 1)
        ref_minus = ak.scoring.preference_kernel(-d, kind, q, p, None).sum(1) / (len(x) - 1)
        np.testing.assert_allclose(plus[rows, c], ref_plus, atol=TOL)
        np.testing.assert_allclose(minus[rows, c], ref_minus, atol=TOL)


def test_unicriterion_flows_sum_to_the_pair_count() -> None:
    """Usual criterion: every ordered pair of distinct values is counted once on each side."""
    col = np.array([3.0, 1.0, 3.0, 2.0, 5.0])
    plus, minus = unicriterion_flows(col, PreferenceKind.USUAL)
    assert plus.tolist() == [2, 0, 2, 1, 4]
    assert minus.tolist() == [1, 4, 1, 3, 0]
    assert plus.sum() == minus.sum()
