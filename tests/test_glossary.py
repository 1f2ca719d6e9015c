"""The glossary (``alliancekit.model.glossary``): one name per concept, agreeing with the code,
every help text linking to a section that exists in docs/method.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliancekit.model import glossary

ROOT = Path(__file__).resolve().parents[1]


def _anchors() -> set[str]:
    text = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    return {glossary.anchor(line) for line in text.splitlines() if line.startswith("#")}


def test_every_term_has_a_name_help_and_a_docs_anchor_that_exists() -> None:
    anchors = _anchors()
    for group, terms in glossary.GLOSSARY.items():
        assert terms, group
        for key, t in terms.items():
            assert t.key == key and t.name and t.help.endswith("."), (group, key)
            assert t.link.startswith("docs/method.md#"), (group, key)
            assert t.link.split("#", 1)[1] in anchors, (group, key, t.section)


def test_anchor_is_githubs() -> None:
    assert glossary.anchor("### 3.5 Portfolio risk limits") == "35-portfolio-risk-limits"
    assert glossary.anchor("### Knockouts K1–K5") == "knockouts-k1k5"


def test_names_agree_with_the_criteria_presets_rules_and_objectives() -> None:
    from alliancekit.criteria import CRITERIA, WEIGHT_PRESETS
    from alliancekit.model import Decision
    from alliancekit.portfolio.constraints import ConstraintKind
    from alliancekit.review import ReviewPolicy
    from alliancekit.review.rules import EXIT_RULES, RESTRUCTURE_RULES
    from alliancekit.widgets import OBJECTIVES
    from alliancekit.widgets.review import REVIEW_THRESHOLDS

    assert {c: t.name for c, t in glossary.CRITERIA.items()} == {
        c: v.name for c, v in CRITERIA.items()
    }
    assert set(glossary.PRESETS) == set(WEIGHT_PRESETS)
    # the docs' table of presets gives the same human names
    docs = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    for key, t in glossary.PRESETS.items():
        assert re.search(rf"\| `{key}` \| {re.escape(t.name)} \|", docs), key
    assert set(EXIT_RULES) | set(RESTRUCTURE_RULES) <= set(glossary.RULES)
    assert {d.value for d in Decision} == set(glossary.DECISIONS)
    assert {k.value for k in ConstraintKind} == set(glossary.CONSTRAINTS)
    assert {v for _, v in OBJECTIVES} == set(glossary.OBJECTIVES)
    assert set(REVIEW_THRESHOLDS) == set(glossary.THRESHOLDS)
    assert all(hasattr(ReviewPolicy(), k) for k in glossary.THRESHOLDS)
    from alliancekit.portfolio.headroom import MOMENTS

    assert {k: n for k, n, _ in MOMENTS} == {k: t.name for k, t in glossary.HEADROOM.items()}


def test_labels_units_and_lookups() -> None:
    assert glossary.label("criterion", "C7", with_id=True) == "Cost (C7)"
    assert glossary.label("method", "topsis", with_unit=True) == "TOPSIS [0–1]"
    assert glossary.label("preset", "capability_seeking") == "Capability seeking"
    assert glossary.label("preset", "not-a-preset") == "not-a-preset"
    assert "Scale: [0–100]." in glossary.help_text("threshold", "h_exit")
    assert (
        glossary.gap_label("G6", "Trained gardener workforce") == "Trained gardener workforce (G6)"
    )
    with pytest.raises(KeyError, match="known"):
        glossary.term("criterion", "C99")
    with pytest.raises(KeyError, match="no glossary group"):
        glossary.term("colour", "red")


def test_in_words_replaces_field_names_in_generated_sentences() -> None:
    text = "K3: R_rel 0.72 > 0.65; K2: goal_compat 1 <= 1; K5: must_exclude is set"
    out = glossary.in_words(text)
    assert "R_rel" not in out and "goal_compat" not in out and "must_exclude" not in out
    assert "relational risk 0.72" in out and "you ruled it out" in out
