"""Group AHP (alliancekit.group.ahp): known answers, properties and validation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancekit.errors import AllianceKitError, DataValidationError
from alliancekit.group import (
    AggregationMethod,
    ConsensusLevel,
    aggregate_weights,
    group_ahp,
    repair_hints,
)
from alliancekit.group.kernels import aij_kernel, consensus_kernel
from alliancekit.group.vocab import judgement_text, round_to_scale, scale_phrase, scale_value

CRITERIA = ["C1", "C2", "C3", "C4"]


def one_dominant(n: int, i: int, x: float) -> np.ndarray:
    """Criterion i judged x times more important than every other, the others equal."""
    a = np.ones((n, n))
    for j in range(n):
        if j != i:
            a[i, j], a[j, i] = x, 1.0 / x
    return a


def consistent(w: np.ndarray) -> np.ndarray:
    """The perfectly consistent matrix a_ij = w_i/w_j of a priority vector."""
    return w[:, None] / w[None, :]


# ---------------------------------------------------------------------------------------------
# known answers
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "x"), [(4, 9), (3, 5), (5, 3), (2, 7)])
def test_one_criterion_x_times_more_important(n: int, x: float) -> None:
    """Goepel (2018, IJAHP 10(3), §9, Eq. 41): one criterion judged x times more important than
    all others weighs x/(x + n − 1); for four criteria and x = 9, 9/12 = 75 %."""
    res = group_ahp({"only": one_dominant(n, 0, x)})
    assert res.individual.loc["only", 0] == pytest.approx(x / (x + n - 1), abs=1e-12)
    assert res.weights[0] == pytest.approx(x / (x + n - 1), abs=1e-12)
    if (n, x) == (4, 9):
        assert res.weights[0] == pytest.approx(0.75)
    assert math.isnan(res.consensus)  # one participant: no consensus to measure


@pytest.mark.parametrize("n", [2, 3, 4, 7])
@pytest.mark.parametrize("method", ["aij", "aip", "aip_arithmetic"])
def test_opposed_extremes_give_zero_consensus(n: int, method: str) -> None:
    """Goepel (2018, §9): "k participants for a hierarchy with k leafs, and each participant
    judges one different leaf extreme more important than all others. The resulting consensus
    should show 0 %." Every aggregation then gives equal weights 1/n."""
    matrices = {f"P{i}": one_dominant(n, i, 9) for i in range(n)}
    res = group_ahp(matrices, method=method)
    assert res.consensus == pytest.approx(0.0, abs=1e-12)
    assert res.consensus_level is ConsensusLevel.VERY_LOW
    np.testing.assert_allclose(res.weights.to_numpy(), np.full(n, 1.0 / n), atol=1e-12)


def test_consensus_of_two_opposed_participants_by_hand() -> None:
    """Goepel (2018, Eqs. 11–21) by hand for n = 2, M = 9 and two participants who judge A 3×
    B and B 3× A (priorities 0.75/0.25 and 0.25/0.75):
    H_α = −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.562335, H_γ = ln 2 = 0.693147,
    H_β = 0.130812, 1/D_β = e^−H_β = 0.877383; H_α,min = −0.9 ln 0.9 − 0.1 ln 0.1 = 0.325083,
    D_α,min/D_γ,max = e^0.325083/2 = 0.692073; S* = (0.877383 − 0.692073)/(1 − 0.692073)
    = 0.601798 ("low", 50–65 %); relative homogeneity S = (0.877383 − 0.5)/0.5 = 0.754765."""
    res = group_ahp({"P1": [[1, 3], [1 / 3, 1]], "P2": [[1, 1 / 3], [3, 1]]})
    assert res.consensus == pytest.approx(0.601798, abs=1e-6)
    assert res.homogeneity == pytest.approx(0.754765, abs=1e-6)
    assert res.consensus_level is ConsensusLevel.LOW
    np.testing.assert_allclose(res.weights, [0.5, 0.5])
    assert res.matrix.iat[0, 1] == pytest.approx(1.0)


def test_geometric_mean_of_judgements_by_hand() -> None:
    """Saaty's apple and orange (via Decision Lens; Aczél & Saaty 1983): three people judge the
    apple 2, 3 and 4 times larger. AIJ gives (2·3·4)^(1/3) = 24^(1/3) = 2.884499 and its
    reciprocal; the arithmetic mean 3 would need its reciprocal mean 13/36 ≠ 1/3."""
    matrices = {p: [[1, v], [1 / v, 1]] for p, v in (("a", 2), ("b", 3), ("c", 4))}
    res = group_ahp(matrices)
    assert res.matrix.iat[0, 1] == pytest.approx(24 ** (1 / 3), abs=1e-12)
    assert res.matrix.iat[1, 0] == pytest.approx(24 ** (-1 / 3), abs=1e-12)
    assert res.weights.iat[0] == pytest.approx(2.884499 / 3.884499, abs=1e-6)
    assert np.mean([1 / 2, 1 / 3, 1 / 4]) == pytest.approx(13 / 36)
    assert 1 / np.mean([2, 3, 4]) != pytest.approx(13 / 36)


def test_weighted_aip_by_hand() -> None:
    """AIP (Forman & Peniwati 1998) with participant weights 3:1: geometric
    0.75^0.75·0.25^0.25 = 0.569877 vs 0.25^0.75·0.75^0.25 = 0.329019, renormalised
    0.633975 / 0.366025; arithmetic 0.75·0.75 + 0.25·0.25 = 0.625 / 0.375."""
    matrices = {"P1": [[1, 3], [1 / 3, 1]], "P2": [[1, 1 / 3], [3, 1]]}
    pw = {"P1": 3, "P2": 1}
    geo = group_ahp(matrices, method="aip", participant_weights=pw)
    arith = group_ahp(matrices, method="aip_arithmetic", participant_weights=pw)
    np.testing.assert_allclose(geo.weights, [0.633975, 0.366025], atol=1e-6)
    np.testing.assert_allclose(arith.weights, [0.625, 0.375])
    assert geo.matrix is None and geo.cr is None
    # AIJ with the same weights: a = 3^0.75·(1/3)^0.25 = 3^0.5, weights √3/(1 + √3)
    aij = group_ahp(matrices, method="aij", participant_weights=pw)
    assert aij.weights.iat[0] == pytest.approx(math.sqrt(3) / (1 + math.sqrt(3)))


def test_consensus_bands_are_goepels() -> None:
    """Goepel (2018, Table 2): ≤ 50 % very low, 50–65 % low, 65–75 % moderate, 75–85 % high,
    ≥ 85 % very high."""
    cases = {
        0.3: "very_low",
        0.5: "very_low",
        0.51: "low",
        0.649: "low",
        0.65: "moderate",
        0.76: "high",
        0.85: "very_high",
        1.0: "very_high",
    }
    for s, level in cases.items():
        assert ConsensusLevel.of(s) is ConsensusLevel(level)
    assert ConsensusLevel.of(math.nan) is None
    assert ConsensusLevel.VERY_HIGH.label == "very high"


def test_verbal_scale() -> None:
    assert scale_value("Strongly more important") == 5
    assert scale_value(" 7 ") == 7 and scale_value(3.0) == 3
    assert scale_value("very") is None and scale_value(10) is None and scale_value(True) is None
    assert scale_phrase(1 / 5) == "strongly less important"
    assert round_to_scale(0.3) == pytest.approx(1 / 3) and round_to_scale(12) == 9
    assert judgement_text("C2", "C7", 1.1) == "C2 and C7 are equally important"
    assert judgement_text("C2", "C7", 5) == "C2 is strongly more important than C7"


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------
SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


@st.composite
def reciprocal_matrices(draw: st.DrawFn, n: int, k: int) -> list[np.ndarray]:
    out = []
    for _ in range(k):
        a = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                a[i, j] = draw(st.sampled_from(SCALE))
                a[j, i] = 1.0 / a[i, j]
        out.append(a)
    return out


@settings(max_examples=40)
@given(
    mats=st.integers(2, 5).flatmap(
        lambda n: st.integers(2, 5).flatmap(lambda k: reciprocal_matrices(n, k))
    ),
    seed=st.integers(0, 10_000),
)
def test_aij_keeps_reciprocity_where_arithmetic_mean_does_not(
    mats: list[np.ndarray], seed: int
) -> None:
    """Aczél & Saaty (1983): the (weighted) geometric mean keeps a_ij·a_ji = 1; the arithmetic
    mean gives a_ij·a_ji ≥ 1 (AM–HM), with equality only where everyone agrees."""
    pw = np.random.default_rng(seed).uniform(0.1, 2.0, len(mats))
    stack = np.stack(mats)
    agg = aij_kernel(stack, pw / pw.sum())
    np.testing.assert_allclose(agg * agg.T, 1.0, rtol=1e-12)
    res = group_ahp(
        {f"P{k}": m for k, m in enumerate(mats)},
        participant_weights=dict(zip([f"P{k}" for k in range(len(mats))], pw, strict=True)),
    )
    np.testing.assert_allclose(res.matrix.to_numpy() * res.matrix.to_numpy().T, 1.0, rtol=1e-12)
    arith = np.tensordot(pw / pw.sum(), stack, axes=1)
    product = arith * arith.T
    assert (product >= 1 - 1e-12).all()
    disagree = stack.max(axis=0) > stack.min(axis=0) * (1 + 1e-9)
    assert (product[disagree] > 1 + 1e-12).all()


@settings(max_examples=40)
@given(
    w=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=8),
    k=st.integers(2, 6),
    method=st.sampled_from(list(AggregationMethod)),
)
def test_identical_participants_give_full_consensus_and_their_weights(
    w: list[float], k: int, method: AggregationMethod
) -> None:
    """Everyone with the same matrix: S* = 1 and the group weights are theirs."""
    a = np.vectorize(round_to_scale)(consistent(np.asarray(w)))
    np.fill_diagonal(a, 1.0)
    res = group_ahp({f"P{i}": a for i in range(k)}, method=method)
    alone = group_ahp({"alone": a})
    assert res.consensus == pytest.approx(1.0, abs=1e-9)
    assert res.homogeneity == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(res.weights, alone.weights, atol=1e-9)


@settings(max_examples=30)
@given(
    mats=st.integers(2, 4).flatmap(lambda n: reciprocal_matrices(n, 4)),
    method=st.sampled_from(list(AggregationMethod)),
    weights=st.lists(st.floats(0.1, 3.0), min_size=3, max_size=3),
)
def test_a_zero_weight_drops_a_participant(
    mats: list[np.ndarray], method: AggregationMethod, weights: list[float]
) -> None:
    names = ["a", "b", "c", "d"]
    pw = dict(zip(["a", "c", "d"], weights, strict=True))
    with_zero = group_ahp(dict(zip(names, mats, strict=True)), method, {**pw, "b": 0.0})
    without = group_ahp({n: m for n, m in zip(names, mats, strict=True) if n != "b"}, method, pw)
    np.testing.assert_allclose(with_zero.weights, without.weights, atol=1e-12)
    assert with_zero.consensus == pytest.approx(without.consensus, abs=1e-12)
    if method is AggregationMethod.AIJ:
        np.testing.assert_allclose(with_zero.matrix, without.matrix, rtol=1e-12)
    assert "b" in with_zero.individual.index and with_zero.participant_weights["b"] == 0
    assert any("left out: b" in n for n in with_zero.notes)


@settings(max_examples=30)
@given(ws=st.lists(st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4), min_size=2, max_size=5))
def test_aij_equals_geometric_aip_for_consistent_matrices(ws: list[list[float]]) -> None:
    """For perfectly consistent matrices the geometric mean of judgements is consistent with
    the geometric mean of the priorities, so AIJ = AIP (Forman & Peniwati 1998; Barzilai &
    Golany 1994)."""
    matrices = {f"P{k}": consistent(np.asarray(w)) for k, w in enumerate(ws)}
    aij = group_ahp(matrices, "aij")
    aip = group_ahp(matrices, "aip")
    np.testing.assert_allclose(aij.weights, aip.weights, atol=1e-9)
    assert aij.cr == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=40)
@given(p=st.lists(st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3), min_size=2, max_size=6))
def test_consensus_lies_in_unit_interval(p: list[list[float]]) -> None:
    pr = np.asarray(p)
    pr = pr / pr.sum(axis=1, keepdims=True)
    pw = np.full(len(pr), 1.0 / len(pr))
    for scale_max in (9.0, None):
        star, s = consensus_kernel(pr, pw, scale_max)
        assert 0.0 <= star <= 1.0 and 0.0 <= s <= 1.0


# ---------------------------------------------------------------------------------------------
# direct weights, repair hints, validation
# ---------------------------------------------------------------------------------------------
def test_direct_weights_aggregate_by_weighted_arithmetic_mean() -> None:
    table = pd.DataFrame({"C1": [50, 10], "C2": [50, 30]}, index=["P1", "P2"])
    res = aggregate_weights(table, {"P1": 1, "P2": 3})
    # rows normalised: P1 0.5/0.5, P2 0.25/0.75; weighted 0.25·(0.5, 0.5) + 0.75·(0.25, 0.75)
    np.testing.assert_allclose(res.weights, [0.3125, 0.6875])
    assert res.method is AggregationMethod.AIP_ARITHMETIC and res.matrix is None
    same = aggregate_weights(pd.DataFrame({"C1": [2, 4], "C2": [6, 12]}, index=["a", "b"]))
    assert same.consensus == pytest.approx(1.0)
    with pytest.raises(DataValidationError, match="every weight is 0"):
        aggregate_weights(pd.DataFrame({"C1": [0], "C2": [0]}, index=["P9"]))
    with pytest.raises(DataValidationError, match="P9: weight of C2"):
        aggregate_weights(pd.DataFrame({"C1": [1], "C2": [-1]}, index=["P9"]))


def test_repair_hint_names_the_judgement_and_a_value_that_repairs_it() -> None:
    """A consistent matrix for priorities 4:2:2:1 with C1 vs C4 turned round (1/3 instead of
    4): CR 0.32; the hint points at C1 vs C4 and the value the other judgements imply, rounded
    to the scale (1), brings CR to 0.09."""
    a = consistent(np.array([4.0, 2.0, 2.0, 1.0]))
    a[0, 3], a[3, 0] = 1 / 3, 3.0
    frame = pd.DataFrame(a, index=CRITERIA, columns=CRITERIA)
    fine = pd.DataFrame(np.ones((4, 4)), index=CRITERIA, columns=CRITERIA)
    hints = repair_hints({"P1": frame, "P2": fine})
    assert list(hints.index) == ["P1"]
    rec = hints.loc["P1"]
    assert (rec["row"], rec["column"]) == ("C1", "C4")
    assert rec["given"] == pytest.approx(1 / 3) and rec["suggested"] == 1.0
    assert rec["cr"] == pytest.approx(0.3168, abs=1e-4)
    assert rec["cr_after"] == pytest.approx(0.0923, abs=1e-4)
    assert "Revisit C1 vs C4" in rec["hint"]
    assert "C1 is moderately less important than C4 (1/3)" in rec["hint"]


def test_summary_and_html_show_consensus_and_inconsistency() -> None:
    bad = one_dominant(4, 0, 9)
    bad[1, 2], bad[2, 1] = 9, 1 / 9
    bad[2, 3], bad[3, 2] = 9, 1 / 9
    bad[3, 1], bad[1, 3] = 9, 1 / 9
    res = group_ahp({"P1": one_dominant(4, 0, 3), "P2": bad})
    text = res.summary()
    assert "consensus S*" in text and "inconsistent (CR > 0.10): P2" in text
    html = res._repr_html_()
    assert "Group AHP weights" in html and "Consistency of each participant" in html
    assert res.to_dict()["method"] == "aij"
    assert list(res.to_frame().columns) == ["group", "P1", "P2"]


def test_validation_names_the_participant() -> None:
    good = pd.DataFrame(one_dominant(3, 0, 3), index=CRITERIA[:3], columns=CRITERIA[:3])
    bad = good.copy()
    bad.iloc[0, 1] = -2
    with pytest.raises(DataValidationError) as err:
        group_ahp({"P1": good, "P7": bad})
    assert err.value.problems[0].file == "participant P7"
    other = good.rename(index={"C3": "C9"}, columns={"C3": "C9"})
    with pytest.raises(DataValidationError, match="differ from"):
        group_ahp({"P1": good, "P2": other})
    for pw, text in (
        ({"P1": 1}, "no weight for P2"),
        ({"P1": 1, "P2": 1, "X": 1}, "unknown"),
        ({"P1": -1, "P2": 1}, "finite number >= 0"),
        ({"P1": 0, "P2": 0}, "at least one"),
    ):
        with pytest.raises(DataValidationError, match=text):
            group_ahp({"P1": good, "P2": good}, participant_weights=pw)
    with pytest.raises(AllianceKitError, match="method"):
        group_ahp({"P1": good}, method="median")
    with pytest.raises(DataValidationError, match="at least one"):
        group_ahp({})
    with pytest.raises(DataValidationError, match="random_index"):
        group_ahp({"P1": good}, random_index={4: 0.9})
    custom = group_ahp({"P1": good}, random_index={3: 1.0})
    assert custom.individual.loc["P1", "cr"] == pytest.approx(0.0, abs=1e-9)
