"""Grammar-constrained decoding: per-backend request shapes over HTTP, and lark_to_gbnf (checked by llguidance)."""

from __future__ import annotations

import importlib.resources
import random
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import need_module
from lark import Lark

from hypsearch.core.errors import ConfigError
from hypsearch.llm import EndpointConfig, GrammarSpec, LLMClient, lark_to_gbnf
from hypsearch.llm.gbnf import regex_to_gbnf

try:
    from llm_server import FakeOpenAIServer, running_server, text, tool_call
except ImportError:  # tests/ became a package
    from tests.llm_server import FakeOpenAIServer, running_server, text, tool_call

DSL = r"""
?start: program
program: expr
?expr: term
     | expr "|>" term                    -> pipe
     | "let" NAME "=" expr "in" expr     -> let
?term: call
     | SIGNED_INT                        -> int
     | ESCAPED_STRING                    -> str
     | NAME                              -> var
     | "(" expr ")"
call: NAME "(" [args] ")"
args: expr ("," expr)*
NAME: /[a-z_][a-z0-9_]*/
%import common.SIGNED_INT
%import common.ESCAPED_STRING
%import common.WS
%ignore WS
"""
MSGS = [{"role": "user", "content": "Write the program."}]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        yield srv


def client_for(server: FakeOpenAIServer, backend: str, **kw: Any) -> LLMClient:
    return LLMClient(EndpointConfig(base_url=server.base_url, api_key="sk-test", model=kw.pop("model", "gpt-5-mini"),
                                    backend=backend, max_retries=0, **kw))  # type: ignore[arg-type]


def test_openai_backend_uses_responses_custom_tool_with_lark(server: FakeOpenAIServer) -> None:
    server.script(tool_call('f("a") |> g(1)'))
    with client_for(server, "openai", temperature=0.5, max_tokens=100) as client:
        [c] = client.complete(MSGS, grammar=GrammarSpec(DSL, tool_name="dsl_program", description="One program."))
    assert c.text == 'f("a") |> g(1)'
    [req] = server.requests
    assert req.path == "/v1/responses"
    body = req.body
    assert body["input"] == MSGS and "messages" not in body
    assert body["tools"] == [{"type": "custom", "name": "dsl_program", "description": "One program.",
                              "format": {"type": "grammar", "syntax": "lark", "definition": DSL}}]
    assert body["tool_choice"] == {"type": "custom", "name": "dsl_program"}
    assert body["max_output_tokens"] == 100
    assert "temperature" not in body  # gpt-5-mini is a reasoning model
    assert c.usage.prompt_tokens > 0 and c.usage.completion_tokens > 0


def test_openai_responses_one_call_per_sample(server: FakeOpenAIServer) -> None:
    server.script(tool_call("a()"), tool_call("b()"))
    with client_for(server, "openai", model="gpt-4.1", supports_n=True) as client:
        out = client.complete(MSGS, n=2, grammar=GrammarSpec(DSL))
    assert sorted(c.text for c in out) == ["a()", "b()"]
    assert server.count("/v1/responses") == 2 and all("n" not in b for b in server.bodies())


def test_openai_backend_falls_back_to_output_text(server: FakeOpenAIServer) -> None:
    server.script(text("plain()"))
    with client_for(server, "openai") as client:
        assert client.complete(MSGS, grammar=GrammarSpec(DSL))[0].text == "plain()"


def test_openai_backend_refuses_gbnf() -> None:
    with running_server() as srv, client_for(srv, "openai") as client:
        with pytest.raises(ConfigError, match="Lark grammars only"):
            client.complete(MSGS, grammar=GrammarSpec('root ::= "a"', syntax="gbnf"))


def test_vllm_backend_sends_structured_outputs_grammar(server: FakeOpenAIServer) -> None:
    with client_for(server, "vllm", model="qwen", temperature=0.3) as client:
        client.complete(MSGS, grammar=GrammarSpec(DSL))
        client.complete(MSGS, grammar=GrammarSpec('root ::= "a"', syntax="gbnf"))
    first, second = server.bodies("/v1/chat/completions")
    assert first["structured_outputs"] == {"grammar": DSL}
    assert first["messages"] == MSGS and first["temperature"] == 0.3
    assert second["structured_outputs"] == {"grammar": 'root ::= "a"'}


def test_llamacpp_backend_sends_gbnf_grammar(server: FakeOpenAIServer) -> None:
    with client_for(server, "llamacpp", model="local") as client:
        client.complete(MSGS, n=2, grammar=GrammarSpec(DSL))
    bodies = server.bodies("/v1/chat/completions")
    assert len(bodies) == 2  # llama.cpp: no `n`, one call per sample
    assert all(b["grammar"] == lark_to_gbnf(DSL) and "n" not in b and "structured_outputs" not in b
               for b in bodies)


def test_generic_backend_sends_no_constraint(server: FakeOpenAIServer) -> None:
    with client_for(server, "generic", model="local") as client:
        client.complete(MSGS, grammar=GrammarSpec(DSL))
    [body] = server.bodies()
    assert set(body) == {"model", "messages", "max_tokens"}  # a reply limit is always sent


# ------------------------------------------------------------------------------------------------ lark_to_gbnf


def test_lark_to_gbnf_on_a_small_dsl() -> None:
    gbnf = lark_to_gbnf(DSL)
    lines = gbnf.splitlines()
    assert "root ::= ignored start-rule" in lines
    assert 'expr ::= ( term | expr "|>" ignored term | "let" ignored NAME ignored "=" ignored expr "in" ignored expr )' \
        in lines  # `-> alias` stripped, whitespace allowed after every token
    assert "NAME ::= ( [_a-z] [0-9_a-z]* )" in lines
    assert "SIGNED-INT ::= [+\\x2D]? [0-9]+" in lines
    assert "ignored ::= ( WS )*" in lines
    assert all(" ::= " in ln for ln in lines[1:])


def test_lark_to_gbnf_without_ignore_and_with_repetition_and_ranges() -> None:
    gbnf = lark_to_gbnf('start: "ab"i X~2..3 [Y]\nX: "a".."c"\nY: /\\d{2}(?:-\\w)?/\n')
    assert "root ::= start-rule" in gbnf and "ignored" not in gbnf
    assert "start-rule ::= ( [Aa] [Bb] ) ( X ) ( X ) ( X )? ( Y )?" in gbnf
    assert "X ::= [a-c]" in gbnf
    assert 'Y ::= ( [0-9] [0-9] ( "-" [0-9A-Z_a-z] )? )' in gbnf


@pytest.mark.parametrize(("grammar", "message"), [
    ("start: _sep{x}\n_sep{a}: a\nx: \"x\"\n", "template"),
    ("start: A\nA: /(?=a)a/\n", "only \\(\\?:...\\) groups"),
    ("start: A\nA: /a/i\n", "regex flags"),
    ("start: A\nA: /^a$/\n", "anchors"),
    ("start: A\nA: /a\\b/\n", "not supported"),
    ("start: A\n%import common.C_COMMENT -> A\n", "common.C_COMMENT is not supported"),
    ("start: a\n%declare a\n", "invalid|not supported"),
    ("start: undefined_rule\n", "invalid"),
    ("start: A~200\nA: \"a\"\n", "above 100"),
])
def test_lark_to_gbnf_rejects_unsupported_constructs(grammar: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        lark_to_gbnf(grammar)


@pytest.mark.parametrize(("regex", "gbnf"), [
    ("abc", '"abc"'),
    ("a|bc", '( "a" | "bc" )'),
    ("[^\\]\\-a]+", "[^\\x2D\\x5Da]+"),
    ("\\s*x?", '[\\t-\\r ]* "x"?'),
    (".{1,2}", "[^\\n] [^\\n]?"),
    ('"(\\\\.|[^"\\\\])*?"', '"\\x22" ( ( "\\x5C" [^\\n] | [^\\x22\\x5C] ) )* "\\x22"'),
])
def test_regex_subset(regex: str, gbnf: str) -> None:
    assert regex_to_gbnf(regex) == gbnf


def test_grammars_shipped_with_hypsearch_convert_or_fail_cleanly() -> None:
    folder = importlib.resources.files("hypsearch.grammars")
    for entry in folder.iterdir():
        if entry.name.endswith(".lark"):
            try:
                assert "root ::=" in lark_to_gbnf(entry.read_text(encoding="utf-8"))
            except ConfigError:
                pass  # an unsupported construct is reported as ConfigError, never as a crash


# --------------------------------------------------------------------------- validation with llguidance (optional)


class _ByteTokenizer:
    """A 256-byte vocabulary (+EOS) so llguidance can match raw strings against a grammar."""

    def __init__(self) -> None:
        self.tokens = [bytes([i]) for i in range(256)] + [b"<eos>"]
        self.eos_token_id = 256
        self.bos_token_id = None
        self.special_token_ids = [256]

    def __call__(self, s: str | bytes) -> list[int]:
        return list(s.encode("utf-8") if isinstance(s, str) else s)


@pytest.fixture(scope="module")
def llg() -> Any:
    llguidance: Any = need_module("llguidance", "llguidance is not installed (the [test] extra)")
    tokenizer = llguidance.LLTokenizer(llguidance.TokenizerWrapper(_ByteTokenizer()))

    class Checker:
        def compile(self, kind: str, grammar: str) -> str:
            compiled = llguidance.grammar_from(kind, grammar)
            assert llguidance.LLMatcher.validate_grammar(compiled) == ""
            return compiled

        def accepts(self, compiled: str, s: str) -> bool:
            matcher = llguidance.LLMatcher(tokenizer, compiled, log_level=0)
            return matcher.consume_tokens(list(s.encode("utf-8"))) and matcher.is_accepting()

    return Checker()


def test_llguidance_accepts_the_lark_and_the_gbnf(llg: Any) -> None:
    lark_g = llg.compile("lark", DSL)  # what the openai/vllm backends send
    gbnf_g = llg.compile("gbnf", lark_to_gbnf(DSL))  # what the llamacpp backend sends
    for program in ['f(1, "a b")', "let x = 3 in x |> g(x)", "h()", "(  -7 )"]:
        assert llg.accepts(lark_g, program) and llg.accepts(gbnf_g, program), program
    for garbage in ["f(", '"open', "let = 3", "1 2", "f(,)"]:
        assert not llg.accepts(gbnf_g, garbage), garbage


def _random_program(rng: random.Random, depth: int = 0, term_only: bool = False) -> str:
    """A random program of DSL (a `term` when term_only), with random (sometimes no) whitespace between tokens."""
    def ws(required: bool = False) -> str:
        return "".join(rng.choice(" \t\n") for _ in range(rng.randint(1 if required else 0, 2)))

    def name() -> str:
        while True:
            candidate = rng.choice("abcxyz_") + "".join(rng.choice("abz09_") for _ in range(rng.randint(0, 4)))
            if candidate not in ("let", "in"):
                return candidate

    kinds = ["int", "str", "var"] if depth >= 3 else ["int", "str", "var", "call", "paren", "pipe", "let"]
    kind = rng.choice(kinds[:5] if term_only else kinds)
    if kind == "int":
        return rng.choice(["", "+", "-"]) + str(rng.randint(0, 10**rng.randint(1, 8)))
    if kind == "str":  # letters, spaces and the escapes \" and \\
        return '"' + "".join(rng.choice(["a", "b", " ", '\\"', "\\\\"]) for _ in range(rng.randint(0, 4))) + '"'
    if kind == "var":
        return name()
    if kind == "call":
        args = [_random_program(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return name() + ws() + "(" + ws() + ("," + ws()).join(a + ws() for a in args) + ")"
    if kind == "pipe":
        return _random_program(rng, depth + 1) + ws() + "|>" + ws() + _random_program(rng, depth + 1, True)
    if kind == "let":
        return ("let" + ws(True) + name() + ws() + "=" + ws() + _random_program(rng, depth + 1) + ws(True) + "in"
                + ws(True) + _random_program(rng, depth + 1))
    return "(" + ws() + _random_program(rng, depth + 1) + ws() + ")"


def test_gbnf_accepts_random_programs_of_the_dsl(llg: Any) -> None:
    parser = Lark(DSL)
    gbnf_g = llg.compile("gbnf", lark_to_gbnf(DSL))
    rng = random.Random(1234)
    for _ in range(300):
        program = _random_program(rng)
        parser.parse(program)  # the generator is right: Lark itself accepts the program
        assert llg.accepts(gbnf_g, program), repr(program)
        assert llg.accepts(gbnf_g, "  " + program + "\n")  # %ignore WS also before and after
