"""parse_hypotheses and extract_program: the reply shapes models produce, and never raising on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.llm.replies import extract_program, parse_hypotheses, strip_think


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


# ----------------------------------------------------------------------------------------- <think> blocks


@pytest.mark.parametrize(("reply", "expected"), [
    ("<think>Maybe reverse?</think>1. Uppercase it", "1. Uppercase it"),
    ("<think>a</think>x<think>b</think>y", "x y"),
    ("<THINK>\nlong\n</THINK>\nanswer", "\nanswer"),
    ("answer first <think>then thoughts that never end", "answer first "),
    ("reasoning opened by the chat template</think>the answer", "the answer"),
    ("<think>a<think>b</think>c</think>d", "d"),
    ("<thinking>hmm</thinking>ok", "ok"),
    ("no tags at all", "no tags at all"),
    ("a < b and <thinkpad> stay", "a < b and <thinkpad> stay"),
])
def test_strip_think(reply: str, expected: str) -> None:
    assert strip_think(reply).strip() == expected.strip()


def test_parsers_skip_think_blocks() -> None:
    reply = "<think>\n1. Reverse the string.\n```\n(rev x)\n```\n</think>\n1. Uppercase every letter."
    assert parse_hypotheses(reply, 5) == ["Uppercase every letter."]
    assert extract_program("<think>```\n(rev x)\n```</think>\n```\n(upper x)\n```") == "(upper x)"
    assert extract_program("```\n(upper x)\n```\n<think>Actually maybe (rev x)") == "(upper x)"
    assert parse_hypotheses("<think>I will say: 1. Drop digits", 5) == []


SECRET = "Qz"  # only ever written inside think blocks: any output holding a Q came from one
_OUTSIDE = st.lists(st.one_of(_PIECES, st.text(alphabet=st.characters(blacklist_characters="Qq"), max_size=6),
                              st.sampled_from(["<", ">", "/", "think", "</", "<think"])), max_size=12).map("".join)
_INSIDE = st.lists(st.one_of(_PIECES, st.text(max_size=6), st.just(SECRET), st.just("<think>")),
                   max_size=10).map(lambda parts: SECRET + "".join(parts).replace("</", "<") + SECRET)


@st.composite
def _replies_with_thoughts(draw: st.DrawFn) -> str:
    """Reply-like text with closed, unterminated and template-opened think blocks holding the secret."""
    parts = [draw(_OUTSIDE)]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["closed", "closed", "lone_close", "open"]))
        tag = draw(st.sampled_from(["think", "THINK", "thinking"]))
        inside = draw(_INSIDE)
        if kind == "closed":
            parts.append(f"<{tag}>{inside}</{tag}>")
        elif kind == "lone_close":
            parts = [inside.replace("<think>", ""), f"</{tag}>"]  # the template opened it: all before is thought
        else:
            parts.append(f"<{tag}>{inside}")
            break  # runs to the end
        parts.append(draw(_OUTSIDE))
    return "".join(parts).replace("q", "")


@settings(max_examples=300, deadline=None)
@given(_replies_with_thoughts())
def test_nothing_inside_a_think_block_is_ever_returned(reply: str) -> None:
    assert all("Q" not in h for h in parse_hypotheses(reply, 10))
    assert "Q" not in extract_program(reply)
    assert "Q" not in strip_think(reply)
