"""Tests for alliancekit.sensitivity: SMAA-2 and weight stability intervals."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.sensitivity import sample_weights

SETTINGS = settings(max_examples=30, deadline=None)
METHODS = ["weighted_sum", "topsis", "promethee_ii"]


def random_problem(seed: int, m: int = 7, n: int = 4):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.uniform(1.0, 10.0, (m, n)),
        index=[f"A{i}" for i in range(m)],
        columns=[f"C{j}" for j in range(n)],
    )
    dirs = {c: ("cost" if j % 3 == 1 else "benefit") for j, c in enumerate(frame.columns)}
    weights = dict(zip(frame.columns, rng.dirichlet(np.ones(n)), strict=True))
    return frame, dirs, weights


@pytest.fixture
def mirror():
    """A = (1, 0), B = (0, 1), both benefit: under min–max, score(A) = w1 and score(B) = w2."""
    return pd.DataFrame({"c1": [1.0, 0.0], "c2": [0.0, 1.0]}, index=["A", "B"])


# ---------------------------------------------------------------------------------------------
# SMAA known answers and cross-checks
# ---------------------------------------------------------------------------------------------
def test_smaa_two_mirrored_alternatives_analytic(mirror):
    """Hand-derived: with w uniform on the 2-simplex, w1 ~ U(0, 1), so A wins with probability
    1/2, and A's central weight vector is E[w | w1 > 1/2] = (3/4, 1/4); B's is (1/4, 3/4).
    Each wins with its own central weights, so both confidence factors are 1."""
    res = ak.smaa(mirror, "benefit", n_samples=20_000, seed=3)
    assert res.acceptability.loc["A", 1] == pytest.approx(0.5, abs=0.015)
    assert res.central_weights.loc["A"].to_numpy() == pytest.approx([0.75, 0.25], abs=0.01)
    assert res.central_weights.loc["B"].to_numpy() == pytest.approx([0.25, 0.75], abs=0.01)
    assert res.confidence.to_dict() == {"A": 1.0, "B": 1.0}
    assert res.pairwise_winning.loc["A", "B"] == pytest.approx(res.acceptability.loc["A", 1])
    assert res.pairwise_winning.loc["A", "B"] + res.pairwise_winning.loc["B", "A"] == (
        pytest.approx(1.0)
    )


def test_smaa_dominating_alternative_always_wins():
    frame, dirs, _ = random_problem(1, m=6, n=3)
    best = {c: (frame[c].max() if d == "benefit" else frame[c].min()) for c, d in dirs.items()}
    frame.loc["STAR"] = pd.Series(best)
    for method in METHODS:
        res = ak.smaa(frame, dirs, method=method, n_samples=2000, seed=0)
        assert res.acceptability.loc["STAR", 1] == pytest.approx(1.0), method
        assert res.confidence["STAR"] == 1.0
        assert res.central_weights.loc["STAR"].sum() == pytest.approx(1.0)
        assert res.central_weights.drop(index="STAR").isna().all(axis=None)
        assert res.holistic.idxmax() == "STAR"


@pytest.mark.parametrize("method", METHODS)
def test_smaa_matches_score_called_draw_by_draw(method):
    """Independent path: rank every drawn weight vector with ak.score (scalar kernels and
    rank_kernel) and count; the vectorised SMAA must give the same acceptabilities."""
    frame, dirs, _ = random_problem(42, m=6, n=4)
    n_samples, seed = 300, 9
    res = ak.smaa(frame, dirs, method=method, n_samples=n_samples, seed=seed)
    draws, _ = sample_weights(np.random.default_rng(seed), n_samples, np.zeros(4), np.ones(4))
    counts = pd.DataFrame(0.0, index=frame.index, columns=range(1, 7))
    central = pd.DataFrame(0.0, index=frame.index, columns=frame.columns)
    for w in draws:
        ranks = ak.score(frame, dict(zip(frame.columns, w, strict=True)), dirs, method=method).ranks
        for alt, r in ranks.items():
            counts.loc[alt, r] += 1
        central.loc[ranks.idxmin()] += w
    expected = counts / n_samples
    assert res.acceptability.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)
    firsts = counts[1]
    for alt in frame.index:
        if firsts[alt]:
            assert res.central_weights.loc[alt].to_numpy() == pytest.approx(
                (central.loc[alt] / firsts[alt]).to_numpy()
            )


@SETTINGS
@given(
    x=arrays(
        np.float64,
        st.tuples(st.integers(2, 7), st.integers(2, 4)),
        elements=st.sampled_from([1.0, 2.0, 3.0, 5.0, 8.0]),
    ),
    method=st.sampled_from(METHODS),
    seed=st.integers(0, 2**16),
)
def test_smaa_acceptabilities_sum_to_one(x, method, seed):
    """Per alternative (over ranks) and per rank (over alternatives), ties included (small
    integer values make ties and duplicate rows common)."""
    frame = pd.DataFrame(x, index=[f"a{i}" for i in range(x.shape[0])])
    res = ak.smaa(frame, "benefit", method=method, n_samples=200, seed=seed, on_constant="half")
    acc = res.acceptability.to_numpy()
    assert acc.sum(axis=1) == pytest.approx(np.ones(x.shape[0]))
    assert acc.sum(axis=0) == pytest.approx(np.ones(x.shape[0]))
    assert (acc >= 0).all()
    assert res.holistic.between(0, 1 + 1e-12).all()
    assert res.expected_rank.between(1, x.shape[0]).all()
    duplicated = frame.duplicated(keep=False)
    if duplicated.any():  # identical alternatives get identical acceptabilities
        dup = frame[duplicated]
        first = dup.index[0]
        twins = dup.index[(dup == dup.loc[first]).all(axis=1)]
        for twin in twins[1:]:
            assert acc[frame.index.get_loc(twin)] == pytest.approx(acc[frame.index.get_loc(first)])


def test_smaa_is_seeded():
    frame, dirs, weights = random_problem(5)
    a = ak.smaa(frame, dirs, n_samples=500, seed=7, weights=weights, bounds_pct=30)
    b = ak.smaa(frame, dirs, n_samples=500, seed=7, weights=weights, bounds_pct=30)
    c = ak.smaa(frame, dirs, n_samples=500, seed=8, weights=weights, bounds_pct=30)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    assert not a.acceptability.equals(c.acceptability)


# ---------------------------------------------------------------------------------------------
# weight sampling
# ---------------------------------------------------------------------------------------------
def test_sample_weights_respects_bounds_and_is_uniform():
    """Compare with the plainest correct sampler (Dirichlet(1) proposals, keep those inside
    the bounds): the means must agree within Monte Carlo error."""
    lo = np.array([0.05, 0.2, 0.0, 0.1])
    hi = np.array([0.5, 0.4, 0.3, 0.6])
    w, rate = sample_weights(np.random.default_rng(0), 40_000, lo, hi)
    assert w.shape == (40_000, 4) and 0 < rate <= 1
    assert np.allclose(w.sum(axis=1), 1.0)
    assert (w >= lo - 1e-12).all() and (w <= hi + 1e-12).all()
    rng = np.random.default_rng(1)
    naive = rng.dirichlet(np.ones(4), 400_000)
    naive = naive[np.all((naive >= lo) & (naive <= hi), axis=1)]
    assert w.mean(axis=0) == pytest.approx(naive.mean(axis=0), abs=0.004)
    assert w.std(axis=0) == pytest.approx(naive.std(axis=0), abs=0.004)


def test_bounds_pct_and_weight_bounds():
    frame, dirs, weights = random_problem(2)
    res = ak.smaa(frame, dirs, n_samples=1000, weights=weights, bounds_pct=20)
    w = np.array(list(weights.values()))
    assert res.weight_bounds["lo"].to_numpy() == pytest.approx(w * 0.8)
    assert res.weight_bounds["hi"].to_numpy() == pytest.approx(w * 1.2)
    assert "±20 %" in res.weight_space
    ok = res.central_weights.dropna()
    assert (ok.to_numpy() >= w * 0.8 - 1e-12).all() and (ok.to_numpy() <= w * 1.2 + 1e-12).all()
    res = ak.smaa(frame, dirs, n_samples=1000, weight_bounds={"C0": (0.4, 0.6)})
    ok = res.central_weights.dropna()
    assert ok["C0"].between(0.4, 0.6).all()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"weights": {"C0": 1, "C1": 1, "C2": 1, "C3": 1}}, "without bounds"),
        ({"bounds_pct": 20}, "needs the central weights"),
        ({"weight_bounds": {"C0": (0.6, 0.7), "C1": (0.5, 0.6)}}, "infeasible"),
        ({"weight_bounds": {"C0": (0.6, 0.5)}}, "lo <= hi"),
        ({"weight_bounds": {"Z": (0.1, 0.5)}}, "unknown criterion"),
        ({"weights": {"C0": 1, "C1": 1, "C2": 1, "C3": 1}, "bounds_pct": 0.0}, "percentage"),
        (
            {
                "weights": {"C0": 1, "C1": 1, "C2": 1, "C3": 1},
                "bounds_pct": 20,
                "weight_bounds": {"C0": (0, 1)},
            },
            "not both",
        ),
        ({"n_samples": 0}, "n_samples"),
        ({"holistic": "best"}, "holistic"),
        ({"pairwise": "yes"}, "pairwise"),
        ({"value_noise": {"C9": 0.1}}, "unknown criterion"),
        ({"value_noise": -0.1}, ">= 0"),
    ],
)
def test_smaa_bad_input(kwargs, pattern):
    frame, dirs, _ = random_problem(3)
    with pytest.raises(DataValidationError, match=pattern):
        ak.smaa(frame, dirs, **kwargs)


def test_smaa_rejects_nan_and_constant_columns():
    frame, dirs, _ = random_problem(3)
    bad = frame.copy()
    bad.loc["A2", "C1"] = np.nan
    with pytest.raises(DataValidationError, match=r"column 'C1'.*'A2'"):
        ak.smaa(bad, dirs)
    with pytest.raises(DataValidationError, match="constant"):
        ak.smaa(frame.assign(C0=1.0), dirs)


# ---------------------------------------------------------------------------------------------
# value noise and confidence factors
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_value_noise_forms_and_confidence(method):
    frame, dirs, _ = random_problem(11, m=5, n=3)
    sd_frame = pd.DataFrame(0.3, index=frame.index, columns=frame.columns)
    for noise in (0.1, {"C0": 0.5}, sd_frame):
        res = ak.smaa(frame, dirs, method=method, n_samples=400, seed=1, value_noise=noise)
        acc = res.acceptability.to_numpy()
        assert acc.sum(axis=1) == pytest.approx(1.0) and acc.sum(axis=0) == pytest.approx(1.0)
        conf = res.confidence.dropna()
        assert ((conf >= 0) & (conf <= 1)).all() and len(conf) >= 1
        assert res.value_noise.shape == frame.shape


def test_confidence_drops_for_a_near_tie_under_noise(mirror):
    """A and B mirror each other; with noise on c1 A's win under (3/4, 1/4) becomes uncertain,
    while an alternative far ahead keeps confidence 1."""
    frame = pd.DataFrame({"c1": [10.0, 9.0, 0.0], "c2": [0.0, 1.0, 0.0]}, index=["A", "B", "Z"])
    quiet = ak.smaa(frame, "benefit", n_samples=2000, seed=0)
    noisy = ak.smaa(frame, "benefit", n_samples=2000, seed=0, value_noise={"c1": 1.0})
    assert set(quiet.confidence.dropna().unique()) <= {0.0, 1.0}
    assert any("deterministic" in n for n in quiet.notes)
    assert 0 < noisy.confidence["A"] < 1


# ---------------------------------------------------------------------------------------------
# result object
# ---------------------------------------------------------------------------------------------
def test_smaa_result_shows_and_saves_itself():
    frame, dirs, _ = random_problem(4, m=8)
    res = ak.smaa(frame, dirs, n_samples=1000)
    table = res.to_frame()
    assert list(table.columns[:4]) == ["first_rank", "holistic", "confidence", "expected_rank"]
    assert table["holistic"].is_monotonic_decreasing
    top2 = res.top_k_acceptability(2)
    assert top2.sum() == pytest.approx(2.0)
    assert top2.is_monotonic_decreasing
    assert json.loads(res.to_json())["type"] == "SMAAResult"
    assert "<table" in res._repr_html_()
    assert "first in" in res.summary()
    assert isinstance(res, ak.SMAAResult)


def test_pairwise_skipped_for_many_alternatives():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((150, 3)))
    res = ak.smaa(frame, "benefit", n_samples=10_000)
    assert res.pairwise_winning is None
    assert any("pairwise" in n for n in res.notes)
    small = ak.smaa(frame.iloc[:10], "benefit", n_samples=100, pairwise=True)
    pw = small.pairwise_winning.to_numpy()
    assert pw + pw.T == pytest.approx(1 - np.eye(10))


# ---------------------------------------------------------------------------------------------
# weight stability
# ---------------------------------------------------------------------------------------------
def test_weight_stability_analytic(mirror):
    """score(A) = w1, score(B) = w2 = 1 − w1: A stays first while w1 >= 1/2, i.e. c1 ∈ [0.5, 1]
    and c2 ∈ [0, 0.5]."""
    table = ak.weight_stability(mirror, {"c1": 0.7, "c2": 0.3}, "benefit")
    assert table.loc["c1", ["lower", "upper"]].tolist() == pytest.approx([0.5, 1.0])
    assert table.loc["c2", ["lower", "upper"]].tolist() == pytest.approx([0.0, 0.5])
    assert table.loc["c1", "change_below"] == "B enters, A leaves"
    assert table.loc["c1", "change_above"] == ""
    assert table.loc["c1", "lower_pct"] == pytest.approx(100 * (0.5 - 0.7) / 0.7)
    assert table.attrs["top_set"] == ["A"]


def _scan_first_change(frame, weights, dirs, method, k, crit, direction, steps=800):
    """Brute force: walk the weight of ``crit`` away from its value until the top-k set changes."""
    names = list(weights)
    w0 = np.array([weights[c] for c in names], dtype=float)
    w0 = w0 / w0.sum()
    j = names.index(crit)

    def top(t):
        w = w0 * (1 - t) / (1 - w0[j])
        w[j] = t
        s = ak.score(frame, dict(zip(names, w, strict=True)), dirs, method=method).scores
        return set(s.sort_values(ascending=False, kind="stable").index[:k])

    base = top(w0[j])
    end = 1.0 if direction > 0 else 0.0
    for t in np.linspace(w0[j], end, steps + 1)[1:]:
        if top(t) != base:
            return t
    return None


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1])
def test_weight_stability_matches_brute_force(method, seed):
    frame, dirs, weights = random_problem(seed + 30, m=6, n=3)
    table = ak.weight_stability(frame, weights, dirs, method=method, top_k=2)
    step = 1 / 800
    for crit in frame.columns:
        up = _scan_first_change(frame, weights, dirs, method, 2, crit, +1)
        down = _scan_first_change(frame, weights, dirs, method, 2, crit, -1)
        if up is None:
            assert table.loc[crit, "upper"] == pytest.approx(1.0)
        else:
            assert table.loc[crit, "upper"] <= up + 1e-9
            assert table.loc[crit, "upper"] >= up - step - 1e-6
            assert table.loc[crit, "change_above"]
        if down is None:
            assert table.loc[crit, "lower"] == pytest.approx(0.0)
        else:
            assert table.loc[crit, "lower"] >= down - 1e-9
            assert table.loc[crit, "lower"] <= down + step + 1e-6


def test_weight_stability_bad_input(mirror):
    with pytest.raises(DataValidationError, match="top_k"):
        ak.weight_stability(mirror, {"c1": 0.5, "c2": 0.5}, "benefit", top_k=2)
    with pytest.raises(DataValidationError, match="negative"):
        ak.weight_stability(mirror, {"c1": -0.5, "c2": 0.5}, "benefit")


@pytest.mark.parametrize("method", METHODS)
def test_scores_many_matches_one_weight_vector_at_a_time(method):
    """The batched scorer used for confidence factors (c weight vectors × k perturbed matrices)
    equals scoring each (weights, matrix) pair separately, and ak.score on one matrix."""
    from alliancekit.scoring import _prepare
    from alliancekit.sensitivity import _Scorer

    frame, dirs, _ = random_problem(21, m=6, n=3)
    prob = _prepare(frame, dirs, method, None, None, None, "raise")
    scorer = _Scorer(prob, np.full(frame.shape, 0.4))
    rng = np.random.default_rng(0)
    x = scorer.perturbed(rng, 4)
    w = rng.dirichlet(np.ones(3), 5)
    many = scorer.scores_many(w, x)
    assert many.shape == (4, 6, 5)
    for d in range(4):
        for c in range(5):
            one = scorer.scores(w[c][None, :], x[d][None, :, :])[0]
            assert many[d, :, c] == pytest.approx(one, abs=1e-12)
    perturbed = pd.DataFrame(x[0], index=frame.index, columns=frame.columns)
    direct = ak.score(perturbed, dict(zip(frame.columns, w[0], strict=True)), dirs, method=method)
    scale = 100.0 if method == "weighted_sum" else 1.0
    assert many[0, :, 0] * scale == pytest.approx(direct.scores.to_numpy(), abs=1e-9)


def test_rank_interval_and_html():
    frame, dirs, _ = random_problem(8, m=6)
    res = ak.smaa(frame, dirs, n_samples=2000, seed=2)
    interval = res.rank_interval(0.9)
    assert (interval["best"] <= interval["modal"]).all()
    assert (interval["modal"] <= interval["worst"]).all()
    full = res.rank_interval(1.0)
    acc = res.acceptability
    for alt in acc.index:
        seen = acc.columns[acc.loc[alt] > 0]
        assert full.loc[alt, "best"] == seen.min() and full.loc[alt, "worst"] == seen.max()
    with pytest.raises(DataValidationError, match="coverage"):
        res.rank_interval(0)
    weird = frame.rename(index={"A0": "<b>A0</b>"})
    page = ak.smaa(weird, dirs, n_samples=200)._repr_html_()
    assert "&lt;b&gt;A0&lt;/b&gt;" in page and "<b>A0</b>" not in page
    assert "rgba(" in page


def test_smaa_three_alternatives_analytic():
    """Hand-derived: A = (1, 0), B = (0, 1), C = (0.6, 0.6), weighted sum on min–max values, so
    with w1 ~ U(0, 1): score A = w1, B = 1 − w1, C = 0.6. A wins for w1 > 0.6, C for
    0.4 < w1 < 0.6, B for w1 < 0.4; hence b_A = (0.4, 0.1, 0.5), b_B = (0.4, 0.1, 0.5),
    b_C = (0.2, 0.8, 0), C's central weights are (0.5, 0.5), and with centroid meta-weights
    (1, 5/11, 2/11) the holistic index of C is 0.2 + 0.8·5/11."""
    frame = pd.DataFrame({"c1": [1.0, 0.0, 0.6], "c2": [0.0, 1.0, 0.6]}, index=["A", "B", "C"])
    res = ak.smaa(frame, "benefit", n_samples=40_000, seed=5)
    expected = {"A": [0.4, 0.1, 0.5], "B": [0.4, 0.1, 0.5], "C": [0.2, 0.8, 0.0]}
    for alt, row in expected.items():
        assert res.acceptability.loc[alt].to_numpy() == pytest.approx(row, abs=0.01)
    assert res.central_weights.loc["C"].to_numpy() == pytest.approx([0.5, 0.5], abs=0.005)
    assert res.central_weights.loc["A"].to_numpy() == pytest.approx([0.8, 0.2], abs=0.005)
    assert res.holistic["C"] == pytest.approx(0.2 + 0.8 * 5 / 11, abs=0.01)
    assert res.pairwise_winning.loc["C", "A"] == pytest.approx(0.6, abs=0.01)
    assert res.rank_interval(1.0).loc["C"].tolist() == [1, 2, 2]


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["weighted_sum", "promethee_ii"]),
    k=st.integers(1, 3),
    u=st.floats(0.01, 0.99),
)
def test_weight_stability_interval_property(seed, method, k, u):
    """Inside [lower, upper] the top-k set is the current one; just past a bound inside [0, 1]
    it is not (exact breakpoints for methods linear in the weights)."""
    frame, dirs, weights = random_problem(seed, m=6, n=3)
    table = ak.weight_stability(frame, weights, dirs, method=method, top_k=k)
    names = list(weights)
    w0 = np.array([weights[c] for c in names])
    w0 = w0 / w0.sum()

    def top_at(j: int, t: float) -> set:
        w = w0 * (1 - t) / (1 - w0[j])
        w[j] = t
        s = ak.score(frame, dict(zip(names, w, strict=True)), dirs, method=method).scores
        return set(s.sort_values(ascending=False, kind="stable").index[:k])

    current = set(table.attrs["top_set"])
    for j, crit in enumerate(names):
        lo, hi = table.loc[crit, "lower"], table.loc[crit, "upper"]
        inside = lo + u * (hi - lo)
        if hi - lo > 1e-6:
            assert top_at(j, inside) == current
        if hi < 1 - 1e-6:
            assert top_at(j, min(1.0, hi + 1e-6)) != current
        if lo > 1e-6:
            assert top_at(j, max(0.0, lo - 1e-6)) != current
