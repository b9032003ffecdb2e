"""Quality tests: the symbolic search finds exactly these minimal programs."""

from __future__ import annotations

from hypsearch import Example, Settings, Signature, Status, Task, solve


def _task(pairs: list[tuple[str, str]], name: str = "x") -> Task:
    return Task("t", "strings", Signature(((name, "String"),), "String"),
                tuple(Example((i,), o) for i, o in pairs))


def test_finds_constant_prefix() -> None:
    result = solve(_task([("Ann", "Hi Ann"), ("Bo", "Hi Bo")]), Settings(time_limit=20))
    assert result.status is Status.SOLVED
    assert result.program_text == '(str.++ "Hi " x)'


def test_contradictory_examples_are_infeasible_quickly() -> None:
    result = solve(_task([("a", "b"), ("a", "c")]), Settings(time_limit=20))
    assert result.status is Status.INFEASIBLE
    assert not result.stats.get("distinct")  # decided before any search
    assert "infeasible" in result.stop_reason


def test_time_limit_is_the_stop_reason() -> None:
    # no program maps these (the outputs are unrelated random words)
    pairs = [("q", "zebra"), ("w", "lamp"), ("e", "oxygen"), ("r", "tulip")]
    result = solve(_task(pairs), Settings(time_limit=1.0))
    assert result.status is Status.UNSOLVED
    assert result.stop_reason == "time limit 1 s"
