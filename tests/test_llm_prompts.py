"""Translation prompts stay short for small models: a large DSL lists only the primitives that match the rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.core.registry import get_domain
from hypsearch.llm.prompts import PROMPT_PRIMITIVES, primitives_section, relevant_primitives

GRID = get_domain("grid")
STRINGS = get_domain("strings")


def test_a_small_dsl_lists_every_primitive() -> None:
    assert len(STRINGS.primitives) <= PROMPT_PRIMITIVES
    assert relevant_primitives(STRINGS, "anything") == list(STRINGS.primitives)
    assert "best match" not in primitives_section(STRINGS, "anything")


def test_a_large_dsl_lists_the_primitives_the_rule_names() -> None:
    assert len(GRID.primitives) > PROMPT_PRIMITIVES
    names = [p.name for p in relevant_primitives(GRID, "Rotate the grid a quarter turn and keep the largest object.")]
    assert len(names) == PROMPT_PRIMITIVES and {"rot90", "largest"} <= set(names)
    section = primitives_section(GRID, "Flip the grid upside down.")
    assert f"The {PROMPT_PRIMITIVES} of its {len(GRID.primitives)} primitives" in section


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_rule_gives_a_bounded_list_in_the_domain_order(rule: str) -> None:
    chosen = relevant_primitives(GRID, rule)
    order = [GRID.primitives.index(p) for p in chosen]
    assert len(chosen) == PROMPT_PRIMITIVES and order == sorted(order)
