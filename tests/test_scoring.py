"""Tests for alliancekit.scoring: known answers, pymcdm cross-checks, properties, bad input."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import alliancekit as ak
from alliancekit.errors import DataValidationError
from alliancekit.model import Direction
from alliancekit.scoring import (
    RANDOM_INDEX,
    Normalization,
    PreferenceKind,
    normalize_kernel,
    preference_kernel,
    rank_kernel,
)

pymcdm = pytest.importorskip("pymcdm")
from pymcdm import methods as pm  # noqa: E402
from pymcdm import normalizations as pn  # noqa: E402
from pymcdm import weights as pw  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------------------------
# factories
# ---------------------------------------------------------------------------------------------
def random_problem(seed: int, m: int = 8, n: int = 5, low: float = 1.0, high: float = 10.0):
    """Seeded random alternatives × criteria problem with mixed directions."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, (m, n))
    types = np.where(rng.random(n) < 0.5, 1, -1)
    types[0] = 1
    w = rng.dirichlet(np.ones(n))
    frame = pd.DataFrame(x, index=[f"A{i}" for i in range(m)], columns=[f"C{j}" for j in range(n)])
    dirs = {c: ("benefit" if t == 1 else "cost") for c, t in zip(frame.columns, types, strict=True)}
    return frame, dict(zip(frame.columns, w, strict=True)), dirs, x, w, types


@pytest.fixture
def small():
    frame = pd.DataFrame(
        {"quality": [4, 3, 5, 2], "price": [200.0, 150.0, 300.0, 100.0], "fit": [3, 5, 4, 1]},
        index=pd.Index(["P1", "P2", "P3", "P4"], name="partner_id"),
    )
    weights = {"quality": 0.5, "price": 0.3, "fit": 0.2}
    dirs = {"quality": "benefit", "price": "cost", "fit": Direction.BENEFIT}
    return frame, weights, dirs


# ---------------------------------------------------------------------------------------------
# known answers
# ---------------------------------------------------------------------------------------------
def test_weighted_sum_hand_computed(small):
    """Hand-computed WSM with a fixed Likert scale (1, 5) for 'quality' and 'fit' and min–max
    on 'price' (cost): P1 = 100·(0.5·0.75 + 0.3·0.5 + 0.2·0.5) = 62.5,
    P2 = 100·(0.5·0.5 + 0.3·0.75 + 0.2·1) = 67.5, P3 = 100·(0.5·1 + 0 + 0.2·0.75) = 65,
    P4 = 100·(0.5·0.25 + 0.3·1 + 0) = 42.5."""
    frame, weights, dirs = small
    res = ak.score(frame, weights, dirs, scales={"quality": (1, 5), "fit": (1, 5)})
    assert res.scores.to_dict() == pytest.approx({"P1": 62.5, "P2": 67.5, "P3": 65.0, "P4": 42.5})
    assert res.ranks.to_dict() == {"P2": 1, "P3": 2, "P1": 3, "P4": 4}
    assert res.contributions.sum(axis=1).to_numpy() == pytest.approx(res.scores.to_numpy())
    assert res.method == "weighted_sum" and res.normalization == "minmax"
    assert list(res.to_frame().index) == ["P2", "P3", "P1", "P4"]
    assert res.to_frame().index.name == "partner_id"
    assert res.flows is None and res.ties == ()


def test_topsis_hand_computed_with_tie():
    """Hand-computed TOPSIS (Hwang & Yoon 1981, vector normalisation): X = [[3, 4], [4, 3],
    [0, 0]], both benefit, w = (0.5, 0.5). Column norms are 5, so v = [[.3, .4], [.4, .3], [0, 0]],
    ideal (.4, .4), anti-ideal (0, 0): A and B have D⁺ = 0.1, D⁻ = 0.5, C = 5/6; Z has C = 0."""
    frame = pd.DataFrame({"c1": [3.0, 4.0, 0.0], "c2": [4.0, 3.0, 0.0]}, index=["A", "B", "Z"])
    res = ak.score(frame, {"c1": 1, "c2": 1}, "benefit", method="topsis")
    assert res.normalization == "vector"  # the default for TOPSIS
    assert res.scores.to_numpy() == pytest.approx([5 / 6, 5 / 6, 0.0])
    assert res.ranks.to_dict() == {"A": 1, "B": 1, "Z": 3}
    assert res.ties == (("A", "B"),)
    assert res.flows["d_plus"].to_numpy() == pytest.approx([0.1, 0.1, math.sqrt(0.32)])
    assert "A = B" in res.summary()


def test_topsis_cost_criterion_matches_hwang_yoon_ideal():
    """Hwang & Yoon keep r = x/‖x‖ and take the cost ideal as min r; we store 1 − r and take the
    max. Distances are identical, so the closeness must equal a direct textbook computation."""
    frame, weights, dirs, x, w, types = random_problem(11, m=6, n=4)
    res = ak.score(frame, weights, dirs, method="topsis")
    r = x / np.sqrt((x**2).sum(axis=0))
    v = r * w
    ideal = np.where(types == 1, v.max(axis=0), v.min(axis=0))
    anti = np.where(types == 1, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    assert res.scores.to_numpy() == pytest.approx(dm / (dp + dm), abs=1e-12)


def test_promethee_published_example():
    """pymcdm's documented PROMETHEE example (also checked by hand): X = [[4, 3, 2], [3, 2, 4],
    [5, 1, 3]], w = (0.5, 0.3, 0.2), usual criteria, all benefit. π(1,2) = 0.8, π(2,1) = 0.2,
    π(1,3) = 0.3, π(3,1) = 0.7, π(2,3) = π(3,2) = 0.5, so φ⁺ = (0.55, 0.35, 0.6),
    φ⁻ = (0.45, 0.65, 0.4) and φ = (0.1, −0.3, 0.2)."""
    frame = pd.DataFrame([[4, 3, 2], [3, 2, 4], [5, 1, 3]], index=["a1", "a2", "a3"],
                         columns=["g1", "g2", "g3"])  # fmt: skip
    res = ak.score(frame, {"g1": 0.5, "g2": 0.3, "g3": 0.2}, "benefit", method="promethee_ii")
    assert res.scores.to_numpy() == pytest.approx([0.1, -0.3, 0.2])
    assert res.flows["phi_plus"].to_numpy() == pytest.approx([0.55, 0.35, 0.6])
    assert res.flows["phi_minus"].to_numpy() == pytest.approx([0.45, 0.65, 0.4])
    assert res.contributions.sum(axis=1).to_numpy() == pytest.approx(res.scores.to_numpy())
    assert res.ranks.to_dict() == {"a3": 1, "a1": 2, "a2": 3}


@pytest.mark.parametrize(
    ("pref", "d", "expected"),
    [
        (ak.Preference("usual"), [-1, 0, 0.1, 5], [0, 0, 1, 1]),
        (ak.Preference("u_shape", q=1), [0.5, 1, 1.5], [0, 0, 1]),
        (ak.Preference("v_shape", p=2), [0, 1, 2, 3], [0, 0.5, 1, 1]),
        (ak.Preference("level", q=1, p=3), [1, 2, 3, 4], [0, 0.5, 0.5, 1]),
        (ak.Preference("linear", q=1, p=3), [1, 2, 3, 4], [0, 0.5, 1, 1]),
        (ak.Preference("gaussian", s=1), [0, 1, 2], [0, 1 - math.exp(-0.5), 1 - math.exp(-2)]),
    ],
)
def test_preference_functions_brans_vincke(pref, d, expected):
    """Brans & Vincke (1985), the six generalised criteria, evaluated at hand-checked points."""
    got = preference_kernel(np.array(d, dtype=float), pref.kind, pref.q, pref.p, pref.s)
    assert got == pytest.approx(expected)


def test_ahp_saaty_wealth_of_nations():
    """Saaty (1980), *The Analytic Hierarchy Process*, McGraw-Hill: the relative wealth of seven
    nations example. Published λmax = 7.61 and eigenvector
    (.427, .230, .021, .052, .052, .123, .094)."""
    names = ["US", "USSR", "China", "France", "UK", "Japan", "W. Germany"]
    a = [
        [1, 4, 9, 6, 6, 5, 5],
        [1 / 4, 1, 7, 5, 5, 3, 4],
        [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
        [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
    ]
    res = ak.ahp_weights(pd.DataFrame(a, index=names, columns=names))
    assert round(res.lambda_max, 2) == 7.61
    published = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert res.weights.to_numpy() == pytest.approx(published, abs=6e-4)
    assert res.ci == pytest.approx((res.lambda_max - 7) / 6)
    assert res.cr == pytest.approx(res.ci / 1.32)
    assert res.is_consistent and res.inconsistent_judgements.empty
    assert list(res.weights.index) == names


def test_ahp_saaty_light_intensity_inconsistent():
    """Saaty (1977), J. Math. Psych. 15, 234–281: relative brightness of four chairs at
    increasing distance from a light. Published λmax = 4.39 and weights ≈ (.61, .24, .10, .05);
    CR = 0.145 > 0.10, so the judgements to revisit are named."""
    a = np.array([[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]])
    res = ak.ahp_weights(a, top_judgements=6)
    assert round(res.lambda_max, 2) == 4.39
    assert res.weights.to_numpy() == pytest.approx([0.61, 0.24, 0.10, 0.05], abs=0.01)
    assert res.cr == pytest.approx(((res.lambda_max - 4) / 3) / 0.90)
    assert not res.is_consistent
    judged = res.inconsistent_judgements
    assert len(judged) == 6
    # the per-judgement contributions are an exact split of λmax − n
    assert judged["contribution"].sum() == pytest.approx(res.lambda_max - 4)
    assert judged["share"].is_monotonic_decreasing
    top = judged.iloc[0]
    assert top["consistent"] == pytest.approx(res.weights[top["row"]] / res.weights[top["column"]])
    assert "revisit" in res.summary()


def test_ahp_upper_triangle_only_is_completed():
    full = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    upper = full.copy()
    upper[np.tril_indices(3, -1)] = np.nan
    assert ak.ahp_weights(upper).weights.to_numpy() == pytest.approx(
        ak.ahp_weights(full).weights.to_numpy()
    )


def test_rank_order_centroid_barron_barrett():
    """Barron & Barrett (1996), Table 1: ROC weights for n = 4 are .5208, .2708, .1458, .0625."""
    w = ak.rank_order_weights(["a", "b", "c", "d"])
    assert w.to_numpy() == pytest.approx([0.520833, 0.270833, 0.145833, 0.0625], abs=1e-6)
    assert w.sum() == pytest.approx(1.0)
    # ties share the mean of the positions they occupy, either spelling
    tied = ak.rank_order_weights({"a": 1, "b": 2, "c": 2, "d": 4})
    nested = ak.rank_order_weights(["a", ("b", "c"), "d"])
    assert tied["b"] == tied["c"] == pytest.approx((0.270833 + 0.145833) / 2, abs=1e-6)
    assert tied.to_dict() == pytest.approx(nested.to_dict())


def test_random_index_table_saaty():
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [
        0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49
    ]  # fmt: skip


def test_entropy_weights_hand_computed():
    """Column 'same' has equal values (entropy 1, weight 0); 'x' = (1, 0): p = (1, 0), E = 0,
    so all the weight goes to 'x'."""
    frame = pd.DataFrame({"same": [2.0, 2.0], "x": [1.0, 0.0]})
    assert ak.entropy_weights(frame).to_dict() == pytest.approx({"same": 0.0, "x": 1.0})


# ---------------------------------------------------------------------------------------------
# cross-checks against pymcdm (independent implementation), same normalisation
# ---------------------------------------------------------------------------------------------
NORMS = {
    "minmax": pn.minmax_normalization,
    "vector": pn.vector_normalization,
    "sum": pn.sum_normalization,
    "max": pn.max_normalization,
}


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("norm", sorted(NORMS))
def test_topsis_and_wsm_match_pymcdm(seed, norm):
    frame, weights, dirs, x, w, types = random_problem(seed, m=9, n=6)
    ours = ak.score(frame, weights, dirs, method="topsis", normalization=norm)
    theirs = pm.TOPSIS(NORMS[norm])(x, w, types)
    assert ours.scores.to_numpy() == pytest.approx(theirs, abs=1e-12)
    ours = ak.score(frame, weights, dirs, method="weighted_sum", normalization=norm)
    theirs = pm.WSM(NORMS[norm])(x, w, types)
    assert ours.scores.to_numpy() / 100 == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("ours", "theirs", "q", "p"),
    [
        ("usual", "usual", None, None),
        ("u_shape", "ushape", 1.0, None),
        ("v_shape", "vshape", None, 4.0),
        ("level", "level", 1.0, 4.0),
        ("linear", "vshape_2", 1.0, 4.0),
    ],
)
def test_promethee_matches_pymcdm(seed, ours, theirs, q, p):
    frame, weights, dirs, x, w, types = random_problem(100 + seed, m=7, n=4)
    prefs = {c: ak.Preference(ours, q=q, p=p) for c in frame.columns}
    res = ak.score(frame, weights, dirs, method="promethee_ii", preferences=prefs)
    body = pm.PROMETHEE_II(
        theirs,
        q=None if q is None else [q] * 4,
        p=None if p is None else [p] * 4,
    )
    assert res.scores.to_numpy() == pytest.approx(body(x, w, types), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_entropy_and_critic_match_pymcdm(seed):
    frame, _, _, x, _, _ = random_problem(200 + seed, m=10, n=5)
    assert ak.entropy_weights(frame).to_numpy() == pytest.approx(pw.entropy_weights(x), abs=1e-12)
    # pymcdm's CRITIC ignores directions, so compare with all criteria as benefit
    assert ak.critic_weights(frame).to_numpy() == pytest.approx(pw.critic_weights(x), abs=1e-12)


def test_critic_respects_cost_direction():
    """Flipping a criterion to cost flips the sign of its correlations, which changes weights."""
    frame, _, dirs, *_ = random_problem(7, m=12, n=4)
    both = ak.critic_weights(frame, dirs)
    assert both.sum() == pytest.approx(1.0)
    if any(d == "cost" for d in dirs.values()):
        assert not np.allclose(both.to_numpy(), ak.critic_weights(frame).to_numpy())


# ---------------------------------------------------------------------------------------------
# properties (hypothesis)
# ---------------------------------------------------------------------------------------------
values = arrays(
    np.float64, st.tuples(st.integers(3, 8), st.integers(2, 5)),
    elements=st.floats(1.0, 100.0, allow_nan=False, width=32),
)  # fmt: skip


def _frame(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(x, columns=[f"c{j}" for j in range(x.shape[1])],
                        index=[f"a{i}" for i in range(x.shape[0])])  # fmt: skip


@SETTINGS
@given(
    x=values,
    data=st.data(),
    method=st.sampled_from(["weighted_sum", "topsis"]),
)
def test_dominated_alternative_never_ranks_above_dominator(x, data, method):
    n = x.shape[1]
    benefit = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    delta = data.draw(arrays(np.float64, n, elements=st.floats(0.0, 10.0, width=32)))
    x = x.copy()
    # row 1 is row 0 made worse (or equal) on every criterion
    x[1] = np.where(benefit, np.maximum(x[0] - delta, 0.5), x[0] + delta)
    frame = _frame(x)
    w = data.draw(arrays(np.float64, n, elements=st.floats(0.0625, 1.0, width=32)))
    dirs = {c: "benefit" if b else "cost" for c, b in zip(frame.columns, benefit, strict=True)}
    res = ak.score(frame, dict(zip(frame.columns, w, strict=True)), dirs, method=method,
                   on_constant="half")  # fmt: skip
    assert res.scores["a0"] >= res.scores["a1"] - 1e-9
    assert res.ranks["a0"] <= res.ranks["a1"]


@SETTINGS
@given(
    x=values,
    factor=st.floats(1e-3, 1e3),
    method=st.sampled_from(["weighted_sum", "topsis", "promethee_ii"]),
)
def test_scaling_all_weights_changes_nothing(x, factor, method):
    frame = _frame(x)
    w = np.linspace(1.0, 2.0, x.shape[1])
    dirs = dict.fromkeys(frame.columns, "benefit")
    dirs["c0"] = "cost"
    a = ak.score(frame, dict(zip(frame.columns, w, strict=True)), dirs, method=method,
                 on_constant="half")  # fmt: skip
    b = ak.score(frame, dict(zip(frame.columns, w * factor, strict=True)), dirs, method=method,
                 on_constant="half")  # fmt: skip
    assert b.scores.to_numpy() == pytest.approx(a.scores.to_numpy(), abs=1e-9)
    assert b.ranks.equals(a.ranks)


@SETTINGS
@given(x=values, shift=st.floats(-50.0, 1000.0), col=st.integers(0, 4))
def test_adding_constant_to_benefit_column_keeps_wsm_ranks(x, shift, col):
    frame = _frame(x)
    col = col % x.shape[1]
    weights = dict.fromkeys(frame.columns, 1.0)
    before = ak.score(frame, weights, "benefit", on_constant="half")
    shifted = frame.copy()
    shifted.iloc[:, col] = shifted.iloc[:, col] + shift
    after = ak.score(shifted, weights, "benefit", on_constant="half")
    assert after.scores.to_numpy() == pytest.approx(before.scores.to_numpy(), abs=1e-6)
    assert after.ranks.equals(before.ranks)


@SETTINGS
@given(w=arrays(np.float64, st.integers(2, 12), elements=st.floats(0.01, 1.0)))
def test_ahp_on_consistent_matrix_gives_generating_weights(w):
    a = np.outer(w, 1.0 / w)
    res = ak.ahp_weights(a)
    assert res.cr == pytest.approx(0.0, abs=1e-9)
    assert res.is_consistent
    assert res.weights.to_numpy() == pytest.approx(w / w.sum(), rel=1e-8, abs=1e-10)


@SETTINGS
@given(scores=arrays(np.float64, st.integers(1, 12), elements=st.sampled_from([0.0, 1.0, 2.5])))
def test_rank_kernel_competition_ranks(scores):
    ranks, groups = rank_kernel(scores)
    for i, s in enumerate(scores):
        assert ranks[i] == 1 + int((scores > s).sum())
    for g in groups:
        assert len({scores[i] for i in g}) == 1


def test_normalizations_are_benefit_oriented():
    x = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    for kind in ("minmax", "vector", "sum", "max"):
        n = normalize_kernel(x, np.array([True, False]), kind)
        assert np.all(np.diff(n[:, 0]) > 0) and np.all(np.diff(n[:, 1]) < 0), kind


# ---------------------------------------------------------------------------------------------
# result object
# ---------------------------------------------------------------------------------------------
def test_score_result_shows_and_saves_itself(small):
    frame, weights, dirs = small
    res = ak.score(frame, weights, dirs)
    res = dataclasses.replace(
        res,
        knockouts={"P2": ("K2: goal_compat <= 1",)},
        details=pd.DataFrame({"risk": [0.1, 0.2, 0.3, 0.4]}, index=frame.index),
    )
    table = res.to_frame()
    assert {"score", "rank", "knockouts", "risk", "contribution_price"} <= set(table.columns)
    assert table.loc["P2", "knockouts"] == "K2: goal_compat <= 1"
    assert res.top(2) == ["P3", "P1"]
    assert res.top(2, include_knocked_out=True) == ["P3", "P2"]
    payload = json.loads(res.to_json())
    assert payload["type"] == "ScoreResult" and payload["method"] == "weighted_sum"
    html = res._repr_html_()
    assert "<table" in html and "K2: goal_compat &lt;= 1" in html
    assert "knocked out (1)" in res.summary()
    assert res.summary().startswith("weighted_sum on 4 alternatives × 3 criteria (minmax norm")
    pre = ak.score(res.normalized, weights, dirs, normalization="none")
    assert "(values taken as already normalised)" in pre.summary()
    raw = ak.score(frame, weights, dirs, method="promethee_ii")
    assert "(raw values)" in raw.summary()
    assert ak.ScoreResult is type(res)


def test_on_constant_half_and_note(small):
    frame, weights, dirs = small
    frame = frame.assign(fit=3)
    res = ak.score(frame, weights, dirs, on_constant="half")
    assert (res.normalized["fit"] == 0.5).all()
    assert any("fit" in n for n in res.notes)


def test_normalization_none_takes_values_as_given(small):
    frame, weights, dirs = small
    pre = ak.score(frame, weights, dirs).normalized
    res = ak.score(pre, weights, dirs, normalization="none")
    assert res.scores.to_numpy() == pytest.approx(ak.score(frame, weights, dirs).scores.to_numpy())
    assert any("price" in n for n in res.notes)  # the cost direction was recorded, not applied


def test_promethee_on_normalised_values_and_gaussian():
    frame, weights, dirs, *_ = random_problem(5, m=6, n=3)
    prefs = {"C0": ak.Preference("gaussian", s=0.2)}
    res = ak.score(frame, weights, dirs, method="promethee_ii", normalization="minmax",
                   preferences=prefs)  # fmt: skip
    assert res.normalization == "minmax"
    assert abs(res.scores.sum()) < 1e-12  # net flows sum to zero
    assert res.flows[["phi_plus", "phi_minus"]].to_numpy().max() <= 1


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def test_nan_in_matrix_names_row_and_column(small):
    frame, weights, dirs = small
    frame = frame.astype(float)
    frame.loc["P3", "fit"] = np.nan
    with pytest.raises(DataValidationError, match=r"column 'fit'.*'P3'"):
        ak.score(frame, weights, dirs)


@pytest.mark.parametrize(
    ("weights", "pattern"),
    [
        ({"quality": -0.1, "price": 0.5, "fit": 0.6}, "negative"),
        ({"quality": 0, "price": 0, "fit": 0}, "sum to zero"),
        ({"quality": np.nan, "price": 0.5, "fit": 0.5}, "finite"),
        ({"quality": 0.5, "price": 0.3, "fit": 0.1, "size": 0.1}, "unknown criterion.*size"),
        ({"quality": 0.5, "price": 0.5}, "no weight for.*fit"),
        ({"quality": "high", "price": 0.5, "fit": 0.5}, "not a number"),
        ([0.5, 0.3, 0.2], "Mapping or Series"),
    ],
)
def test_bad_weights(small, weights, pattern):
    frame, _, dirs = small
    with pytest.raises(ValueError, match=pattern):
        ak.score(frame, weights, dirs)


def test_bad_directions_method_normalization(small):
    frame, weights, dirs = small
    with pytest.raises(DataValidationError, match=r"unknown criterion.*colour"):
        ak.score(frame, weights, {**dirs, "colour": "benefit"})
    with pytest.raises(DataValidationError, match="expected 'benefit' or 'cost'"):
        ak.score(frame, weights, {**dirs, "fit": "more"})
    with pytest.raises(DataValidationError, match="no direction"):
        ak.score(frame, weights, {"quality": "benefit"})
    with pytest.raises(DataValidationError, match="unknown method"):
        ak.score(frame, weights, dirs, method="electre")
    with pytest.raises(DataValidationError, match="unknown normalization"):
        ak.score(frame, weights, dirs, normalization="zscore")
    with pytest.raises(DataValidationError, match="must be a pandas DataFrame"):
        ak.score(frame.to_numpy(), weights, dirs)
    with pytest.raises(DataValidationError, match="numeric"):
        ak.score(frame.assign(fit="x"), weights, dirs)
    with pytest.raises(DataValidationError, match="on_constant"):
        ak.score(frame, weights, dirs, on_constant="zero")


def test_constant_column_is_bad_input_under_minmax(small):
    frame, weights, dirs = small
    with pytest.raises(DataValidationError, match=r"column 'fit'.*constant"):
        ak.score(frame.assign(fit=3), weights, dirs)
    # a fixed scale makes a constant column well defined
    res = ak.score(frame.assign(fit=3), weights, dirs, scales={"fit": (1, 5)})
    assert (res.normalized["fit"] == 0.5).all()


def test_bad_scales_and_normalisable_values(small):
    frame, weights, dirs = small
    with pytest.raises(DataValidationError, match=r"outside the fixed scale"):
        ak.score(frame, weights, dirs, scales={"quality": (1, 4)})
    with pytest.raises(DataValidationError, match="lo < hi"):
        ak.score(frame, weights, dirs, scales={"quality": (5, 1)})
    with pytest.raises(DataValidationError, match="need normalization='minmax'"):
        ak.score(frame, weights, dirs, method="topsis", scales={"quality": (1, 5)})
    with pytest.raises(DataValidationError, match=r"outside \[0, 1\]"):
        ak.score(frame, weights, dirs, normalization="none")
    with pytest.raises(DataValidationError, match="values >= 0"):
        ak.score(frame.assign(fit=[-1, 2, 3, 4]), weights, dirs, method="topsis")
    with pytest.raises(DataValidationError, match="all values are 0"):
        ak.score(frame.assign(fit=0), weights, dirs, method="topsis")


def test_bad_preferences(small):
    frame, weights, dirs = small
    with pytest.raises(DataValidationError, match="needs q"):
        ak.Preference("u_shape")
    with pytest.raises(DataValidationError, match="q < p"):
        ak.Preference("level", q=3, p=1)
    with pytest.raises(DataValidationError, match="unknown preference kind"):
        ak.Preference("sigmoid")
    with pytest.raises(DataValidationError, match=">= 0"):
        ak.Preference("v_shape", p=-1)
    with pytest.raises(DataValidationError, match="'promethee_ii' only"):
        ak.score(frame, weights, dirs, preferences={"fit": ak.Preference()})
    with pytest.raises(DataValidationError, match="unknown criterion"):
        ak.score(frame, weights, dirs, method="promethee_ii", preferences={"x": "usual"})
    assert ak.Preference("U-shape", q=1).kind is PreferenceKind.U_SHAPE
    assert ak.Preference("linear", p=2).q == 0.0


@pytest.mark.parametrize(
    ("matrix", "pattern"),
    [
        (np.ones((2, 3)), "square"),
        (np.array([[1, 3], [1 / 2, 1]]), "not reciprocal"),
        (np.array([[2, 3], [1 / 3, 1]]), "diagonal"),
        (np.array([[1, 0], [0, 1]]), "must be > 0"),
        (np.array([[1, np.nan], [np.nan, 1]]), "both missing"),
        (pd.DataFrame(np.eye(2), index=["a", "b"], columns=["b", "a"]), "same criteria"),
        (np.ones((16, 16)), "tabulated up to 15"),
    ],
)
def test_bad_ahp_matrices(matrix, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        ak.ahp_weights(matrix)


def test_bad_objective_weight_inputs():
    with pytest.raises(DataValidationError, match=">= 0"):
        ak.entropy_weights(pd.DataFrame({"a": [1.0, -1.0], "b": [1.0, 2.0]}))
    with pytest.raises(DataValidationError, match="maximal entropy"):
        ak.entropy_weights(pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]}))
    with pytest.raises(DataValidationError, match="at least 2 alternatives"):
        ak.entropy_weights(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(DataValidationError, match=r"column 'a'.*non-constant"):
        ak.critic_weights(pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [1.0, 2.0, 3.0]}))
    with pytest.raises(DataValidationError, match="twice"):
        ak.rank_order_weights(["a", "b", "a"])
    with pytest.raises(DataValidationError, match="empty"):
        ak.rank_order_weights([])
    with pytest.raises(DataValidationError, match=r"rank of 'b' must be >= 1"):
        ak.rank_order_weights({"a": 1, "b": 0})
    with pytest.raises(DataValidationError, match="got the text 'C1'"):
        ak.rank_order_weights("C1")  # a str is a Sequence: not one criterion per character


def test_enums_parse_closed_vocabularies():
    assert Normalization.parse("MinMax") is Normalization.MINMAX
    assert ak.score.__module__ == "alliancekit.scoring"


def test_weighted_sum_reproduces_domain_oracle_on_sample():
    """docs/method.md §11 full-precision oracle (scenario A, default weights): S(A02) = 66.0580,
    S(A01) = 65.0208, S(A05) = 60.1535, S(A08) = 42.9007, from the C1–C11 matrix in [0, 1]."""
    ws = ak.sample_workspace("sanchar-apps")
    matrix = ak.criteria_matrix(ws)
    res = ak.score(matrix, ak.preset_weights("default"), "benefit", normalization="none")
    expected = {"A02": 66.0580, "A01": 65.0208, "A05": 60.1535, "A08": 42.9007}
    for cid, value in expected.items():
        assert res.scores[cid] == pytest.approx(value, abs=1e-4)
    assert res.top(3) == ["A02", "A01", "A05"]


@SETTINGS
@given(
    likert=arrays(np.float64, (5, 3), elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0])),
    extra=arrays(np.float64, (2, 3), elements=st.sampled_from([1.0, 3.0, 5.0])),
)
def test_fixed_scales_keep_scores_when_alternatives_are_added(likert, extra):
    """docs/method.md §2: Likert criteria on the fixed scale L(x) keep each score stable when
    candidates are added (min–max on observed values would not)."""
    cols = ["c0", "c1", "c2"]
    scales = dict.fromkeys(cols, (1, 5))
    weights = {"c0": 0.5, "c1": 0.3, "c2": 0.2}
    base = ak.score(pd.DataFrame(likert, columns=cols), weights, "benefit", scales=scales)
    grown = pd.DataFrame(np.vstack([likert, extra]), columns=cols)
    more = ak.score(grown, weights, "benefit", scales=scales)
    assert more.scores.iloc[:5].to_numpy() == pytest.approx(base.scores.to_numpy())
