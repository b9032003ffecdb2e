"""The translator: re-parsing with the domain's parser, located repair feedback, counts, grammar-constrained
request shapes per backend.  Requests go through the real openai client to the TEST DOUBLE (tests/llm_server.py).
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from hypsearch import Example, Signature, Task
from hypsearch.core.errors import ProgramError
from hypsearch.llm.feedback import program_error_feedback
from hypsearch.llm import EndpointConfig, LLMClient
from hypsearch.llm.decoding import decoding_grammar
from hypsearch.llm.prompts import primitives_section, render_value, translation_system
from hypsearch.core.registry import get_domain
from hypsearch.llm.translator import Translator, compile_program, grammar_for

try:
    from llm_server import FakeOpenAIServer, running_server, text, tool_call
except ImportError:  # tests/ became a package
    from tests.llm_server import FakeOpenAIServer, running_server, text, tool_call

STRINGS = get_domain("strings")
TASK = Task("greet", "strings", Signature((("x", "String"),), "String"),
            (Example(("Ann",), "Hi Ann"), Example(("Bo",), "Hi Bo")))


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        yield srv


def client(server: FakeOpenAIServer, **kw: Any) -> LLMClient:
    options: dict[str, Any] = {"base_url": server.base_url, "api_key": "sk-test", "model": "gpt-4o-mini",
                               "max_retries": 0, "timeout_s": 5.0}
    options.update(kw)
    return LLMClient(EndpointConfig(**options))


def last_user(body: dict[str, Any]) -> str:
    return (body.get("messages") or body.get("input"))[-1]["content"]


def test_unknown_primitive_is_repaired_from_did_you_mean_feedback(server: FakeOpenAIServer) -> None:
    server.script(text('```\n(str.concat "Hi " x)\n```'), text('```\n(str.++ "Hi " x)\n```'))
    with client(server) as c:
        tr = Translator(c, STRINGS, TASK, repairs=2)
        result = tr.translate("prefix Hi")
    assert result.outcome == "repaired" and STRINGS.show(result.program) == '(str.++ "Hi " x)'
    repair = last_user(server.bodies()[1])
    assert "unknown primitive `str.concat`" in repair and "did you mean" in repair
    assert '(str.concat "Hi " x)\n ^' in repair  # caret under the offending name
    counts = tr.counts.as_dict()
    assert counts == {"translations": 1, "parsed_first_try": 0, "parsed_after_repair": 1, "failed": 0,
                      "repair_requests": 1, "parse_successes": 1}


def test_syntax_and_type_errors_are_located_and_repairs_are_bounded(server: FakeOpenAIServer) -> None:
    server.script(text('(str.++ "Hi " x'), text("(str.len x)"), text("rot90"))
    with client(server) as c:
        tr = Translator(c, STRINGS, TASK, repairs=2)
        result = tr.translate("prefix Hi")
    assert result.outcome == "failed" and result.program is None and server.count() == 3
    first_repair, second_repair = last_user(server.bodies()[1]), last_user(server.bodies()[2])
    assert "<program>:1:16: unexpected end of program" in first_repair and "expected one of" in first_repair
    assert "the program has type Int, but the result must be String" in second_repair
    assert tr.counts.failed == 1 and tr.counts.parse_successes == 0


def test_empty_reply_counts_as_a_failed_attempt(server: FakeOpenAIServer) -> None:
    server.script(text(""), text('(str.++ "Hi " x)'))
    with client(server) as c:
        result = Translator(c, STRINGS, TASK, repairs=1).translate("prefix Hi")
    assert result.outcome == "repaired"
    assert "empty" in last_user(server.bodies()[1])


def test_program_error_feedback_without_a_location_is_still_named() -> None:
    exc = ProgramError("`str.at` takes 2 argument(s), got 1")
    assert program_error_feedback("(str.at x)", exc).startswith("<program>:1:2: `str.at` takes 2")
    with pytest.raises(ProgramError, match="unknown name `y`"):
        compile_program(STRINGS, TASK, "(str.++ y x)")


@pytest.mark.parametrize("backend, model", [("openai", "gpt-5-mini"), ("vllm", "qwen"), ("llamacpp", "local"),
                                            ("generic", "m"), ("openai", "gpt-4o-mini")])
def test_grammar_constrained_request_shape_per_backend(server: FakeOpenAIServer, backend: str, model: str) -> None:
    if backend == "openai" and model.startswith("gpt-5"):
        server.script(tool_call('(str.++ "Hi " x)'))
    else:
        server.script(text('(str.++ "Hi " x)'))
    with client(server, backend=backend, model=model) as c:
        grammar = grammar_for(c.config, STRINGS, TASK, "auto")
        result = Translator(c, STRINGS, TASK, grammar=grammar).translate("prefix Hi")
    assert result.outcome == "first_try"
    [req] = [r for r in server.requests if r.path.endswith(("/completions", "/responses"))]  # not /props, /version
    body = req.body
    lark_text = decoding_grammar(STRINGS, TASK.signature, fence=backend != "openai")
    if backend == "openai" and model.startswith("gpt-5"):
        assert req.path == "/v1/responses"
        [tool] = body["tools"]
        assert tool["format"] == {"type": "grammar", "syntax": "lark", "definition": lark_text}
        assert body["tool_choice"] == {"type": "custom", "name": tool["name"]}
    elif backend == "vllm":
        assert body["structured_outputs"] == {"grammar": lark_text}
    elif backend == "llamacpp":
        assert "root ::=" in body["grammar"] and 'STRING' in body["grammar"] and '"x"' in body["grammar"]
    else:  # generic, and openai models without custom-tool grammars: plain chat, unconstrained
        assert req.path == "/v1/chat/completions"
        assert not {"tools", "structured_outputs", "grammar"} & set(body)


def test_grammar_mode_off_and_on() -> None:
    cfg = EndpointConfig(base_url="http://127.0.0.1:9/v1", api_key="k", model="gpt-4o-mini")
    assert grammar_for(cfg, STRINGS, TASK, "off") is None and grammar_for(cfg, STRINGS, TASK, "auto") is None
    assert grammar_for(cfg, STRINGS, TASK, "on").syntax == "lark"


def test_prompt_is_built_from_the_domain_and_values_render_per_domain() -> None:
    system = translation_system(STRINGS)
    assert "str.indexof : String String Int -> Int" in primitives_section(STRINGS, "any rule")
    assert "%ignore WS" in system and "//" not in system
    assert "(str.substr name 0 (str.indexof name \" \" 0))" in system and "hole `?`" in system
    assert render_value(STRINGS, 'say "hi"', "String") == '"say ""hi"""'
    grid = get_domain("grid")
    from hypsearch.domains.grid import Grid

    assert render_value(grid, Grid.from_lists([[0, 1], [2, 3]]), "Grid") == "01\n23"
    assert render_value(STRINGS, [1, 2], "List") == "[1, 2]"
    assert "rot90" in primitives_section(grid, "rotate it")


def test_prompts_share_their_start_so_a_server_cache_covers_it() -> None:
    """Hypotheses and translations of one task open alike; translations differ only from the rule on."""
    from hypsearch.llm.prompts import hypotheses_messages, is_translation, translation_messages

    ask = hypotheses_messages(STRINGS, TASK)
    one, two = (translation_messages(STRINGS, TASK, rule) for rule in ("prefix Hi", "append an exclamation"))
    assert ask[0] == one[0] == two[0]  # one system message
    shared = len(os.path.commonprefix([one[1]["content"], two[1]["content"]]))
    assert one[1]["content"].index("Rule: ") <= shared and "str.indexof : String" in one[1]["content"][:shared]
    grid = get_domain("grid")
    three, four = (translation_messages(grid, TASK, rule) for rule in ("rotate it", "flip it"))
    start = len(os.path.commonprefix([three[1]["content"], four[1]["content"]]))
    assert "Its grammar" in three[1]["content"][:start] and "rot90 :" in three[1]["content"][start:]
    assert os.path.commonprefix([ask[1]["content"], one[1]["content"]]).count("Example") >= len(TASK.examples)
    assert is_translation(one) and not is_translation(ask)
    assert "// " not in one[1]["content"]  # grammar comments are not sent
