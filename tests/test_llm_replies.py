"""parse_hypotheses and extract_program: the reply shapes models produce, and never raising on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.llm.replies import extract_program, parse_hypotheses


@pytest.mark.parametrize(("reply", "expected"), [
    ('["Reverse the string.", "Uppercase every vowel."]', ["Reverse the string.", "Uppercase every vowel."]),
    ('```json\n{"hypotheses": ["Drop digits", "Keep letters only"]}\n```', ["Drop digits", "Keep letters only"]),
    ('Sure! {"rules": [{"id": 1, "text": "Sort the words"}, {"id": 2, "text": "Sort the words."}]}',
     ["Sort the words"]),
    ('"Swap the first and last character"', ["Swap the first and last character"]),
    ("Here are my ideas:\n1. Reverse the input.\n2. Duplicate each character\n   when it is a vowel.\n3) Reverse the input",
     ["Reverse the input.", "Duplicate each character when it is a vowel."]),
    ("- take the first word\n* take the last word\n• join them with a dash", [
        "take the first word", "take the last word", "join them with a dash"]),
    ("**Hypothesis 1:** The output is the input reversed.\n\n**Hypothesis 2:** Every a becomes b.\n"
     "It applies to capitals too.\n\nLet me know!",
     ["The output is the input reversed.", "Every a becomes b. It applies to capitals too."]),
    ("Rule 1 - shift letters by one\nRule 2 - shift letters by two", ["shift letters by one", "shift letters by two"]),
    ("The grid is mirrored horizontally and the colours are swapped.",
     ["The grid is mirrored horizontally and the colours are swapped."]),
    ("", []), ("   \n\t", []), ("[]", []), ("{}", []), ("null", []), ("42", []), ("!!! ???", []),
    ('{"hypotheses": []}', []), ("```\n```", []), ("-\n-\n-", []),
])
def test_parse_hypotheses_shapes(reply: str, expected: list[str]) -> None:
    assert parse_hypotheses(reply, 10) == expected


def test_parse_hypotheses_caps_and_dedupes() -> None:
    reply = "\n".join(f"{i}. Rule number {i % 3}" for i in range(1, 10))
    assert parse_hypotheses(reply, 2) == ["Rule number 1", "Rule number 2"]
    assert parse_hypotheses(reply, 10) == ["Rule number 1", "Rule number 2", "Rule number 0"]
    assert parse_hypotheses(reply, 0) == []


@pytest.mark.parametrize(("reply", "expected"), [
    ("Here is the program:\n```\nconcat(upper(x), \"!\")\n```\nIt uppercases the input.", 'concat(upper(x), "!")'),
    ("First try:\n```dsl\nrev(x)\n```\nBetter:\n```dsl\nrev(lower(x))\n```", "rev(lower(x))"),
    ("```python\nlet a = x in\n  rev(a)\n```", "let a = x in\n  rev(a)"),
    ("```\nrev(x)", "rev(x)"),  # unterminated fence
    ("rev(x)", "rev(x)"),
    ("  rev(x)  \n", "rev(x)"),
    ("I think the rule is reversing the string.\nrev(x)", "rev(x)"),
    ("Program: rev(lower(x))", "rev(lower(x))"),
    ("Let me think about it.\nThe answer follows.\nProgram:\nrev(x)", "rev(x)"),
    ("map(f,\n    xs)", "map(f,\n    xs)"),
    ("", ""), ("   ", ""),
])
def test_extract_program(reply: str, expected: str) -> None:
    assert extract_program(reply) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=-2, max_value=20))
def test_parse_hypotheses_never_raises(text: str, n_max: int) -> None:
    out = parse_hypotheses(text, n_max)
    assert isinstance(out, list) and len(out) <= max(n_max, 0)
    assert all(isinstance(h, str) and h.strip() == h and h for h in out)
    assert len({h.casefold() for h in out}) == len(out)


_PIECES = st.sampled_from(["```", "```json\n", "\n", "1. ", "- ", "Hypothesis 2:", "**", "[", "]", "{", "}", '"',
                           ",", ":", "hypotheses", "Program:", "rule", " ", "\t", "\\", "x", "Reverse it."])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=30).map("".join))
def test_reply_parsers_never_raise_on_reply_like_noise(text: str) -> None:
    assert isinstance(parse_hypotheses(text, 5), list)
    assert isinstance(extract_program(text), str)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_extract_program_never_raises(text: str) -> None:
    out = extract_program(text)
    assert isinstance(out, str) and len(out) <= len(text)
