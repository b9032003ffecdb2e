"""TEST DOUBLE: a local, scripted, OpenAI-compatible HTTP server for the LLM-layer tests.  It is not a model.

`FakeOpenAIServer` binds 127.0.0.1 on a random port (stdlib ThreadingHTTPServer) and serves
POST /v1/chat/completions, POST /v1/responses and GET /v1/models with replies scripted by the test: a queue of
`Reply` specs and/or a function(request_json) -> Reply.  A Reply may be text, a custom tool call, an HTTP error
(with headers such as Retry-After; `quota_exhausted()` is OpenAI's 429 insufficient_quota), a delay (bounded:
released when the server stops), empty content, a refusal, a reply cut off at max_tokens, no choices at all, or a
raw 200 body sent verbatim (truncated JSON, an HTML page, JSON that is not a completion).
Every API request is recorded (path, headers, JSON body) so tests can assert the exact request shapes.

Server introspection, as real servers offer it: set `version` to serve vLLM's GET /version, `props` to serve
llama-server's GET /props; `queue_slots(k)` makes the server decode at most k requests at once and queue the rest,
as llama-server does.  These GETs are recorded in `probes`, not in `requests`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted reply.  `texts` gives one text per choice (default: `text` repeated for each of `n`).

    status != 200 sends an OpenAI-style error body; `tool_input` answers /v1/responses with a custom tool call;
    `delay_s` sleeps before answering (interrupted when the server stops); `usage` overrides (prompt, completion).
    """

    text: str | None = "ok"
    texts: tuple[str | None, ...] | None = None
    tool_input: str | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage: tuple[int, int] | None = None
    model: str | None = None
    finish_reason: str = "stop"
    finish_reasons: tuple[str, ...] | None = None  # one per choice (default: `finish_reason` for each)
    refusal: str | None = None
    body: str | None = None  # sent verbatim with status 200 instead of a completion
    content_type: str = "application/json"
    error_code: str | None = None  # `code` and `type` of an error body (default: the status / "test_double")
    error_type: str = "test_double"


def text(value: str, **kw: Any) -> Reply:
    """A plain text reply."""
    return Reply(text=value, **kw)


def empty() -> Reply:
    """A reply whose content is empty."""
    return Reply(text="")


def tool_call(value: str) -> Reply:
    """A /v1/responses reply holding one custom tool call with `value` as its input."""
    return Reply(text=None, tool_input=value)


def error(status: int, retry_after: str | None = None, message: str = "scripted error") -> Reply:
    """An HTTP error reply (e.g. 429 with Retry-After, 500)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Reply(text=message, status=status, headers=headers)


def delay(seconds: float, value: str = "late") -> Reply:
    """A reply sent only after `seconds` (or when the server stops, whichever is first)."""
    return Reply(text=value, delay_s=seconds)


def raw(body: str, content_type: str = "application/json") -> Reply:
    """A 200 reply whose body is `body` verbatim (e.g. truncated JSON, an HTML error page)."""
    return Reply(body=body, content_type=content_type)


def refused(message: str = "I'm sorry, but I can't help with that.") -> Reply:
    """A reply where the model refuses: content null, `message.refusal` set."""
    return Reply(text=None, refusal=message)


def cut_off(value: str = "") -> Reply:
    """A reply stopped at max_tokens (finish_reason "length"), holding `value` so far."""
    return Reply(text=value, finish_reason="length")


def no_choices() -> Reply:
    """A 200 completion with an empty `choices` list."""
    return Reply(texts=())


def quota_exhausted() -> Reply:
    """OpenAI's answer when the account's quota is spent: 429 with code and type `insufficient_quota`."""
    return Reply(text="You exceeded your current quota, please check your plan and billing details.", status=429,
                 error_code="insufficient_quota", error_type="insufficient_quota")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any


def _tokens(value: Any) -> int:
    """A crude but deterministic token count: whitespace-separated words of all strings inside `value`."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, Mapping):
        return sum(_tokens(v) for v in value.values())
    if isinstance(value, list):
        return sum(_tokens(v) for v in value)
    return 0


class FakeOpenAIServer:
    """The test double itself; use as a context manager (`with FakeOpenAIServer() as server:`)."""

    def __init__(self, responder: Callable[[dict[str, Any]], Reply] | None = None,
                 required_api_key: str | None = None) -> None:
        self.responder = responder
        self.required_api_key = required_api_key
        self.requests: list[RecordedRequest] = []
        self.probes: list[RecordedRequest] = []
        self.version: str | None = None
        """Served as {"version": ...} at GET /version (vLLM) when set."""
        self.props: dict[str, Any] | None = None
        """Served at GET /props (llama-server, e.g. {"total_slots": 2}) when set."""
        self.in_flight = 0
        self.max_in_flight = 0
        self._decode_slots: threading.Semaphore | None = None
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------------------- control

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (…/v1) of the running server."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def queue_slots(self, slots: int) -> None:
        """Decode at most `slots` requests at once; later ones wait (server side) for a free slot."""
        self._decode_slots = threading.Semaphore(slots)

    def script(self, *replies: Reply) -> None:
        """Queue replies, served in order before the responder function / default is used."""
        with self._lock:
            self._queue.extend(replies)

    def count(self, path_suffix: str = "") -> int:
        """How many requests reached a path ending with `path_suffix` ("" = all)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path.endswith(path_suffix))

    def bodies(self, path_suffix: str = "") -> list[Any]:
        """JSON bodies of the recorded requests whose path ends with `path_suffix`."""
        with self._lock:
            return [r.body for r in self.requests if r.path.endswith(path_suffix)]

    def start(self) -> FakeOpenAIServer:
        """Bind a random port on 127.0.0.1 and serve in a daemon thread."""
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release delayed replies, stop serving and close the socket."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------- replies

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return Reply()

    def _chat_body(self, req: dict[str, Any], reply: Reply) -> dict[str, Any]:
        n = req.get("n") or 1
        texts = reply.texts if reply.texts is not None else tuple([reply.text] * n)
        finishes = reply.finish_reasons or tuple([reply.finish_reason] * len(texts))
        prompt, completion = reply.usage or (max(1, _tokens(req.get("messages", []))),
                                             sum(max(1, _tokens(t or "")) for t in texts))
        return {
            "id": f"chatcmpl-test{next(self._ids)}", "object": "chat.completion", "created": int(time.time()),
            "model": reply.model or req.get("model", "test-model"), "system_fingerprint": "fp_testdouble",
            "choices": [{"index": i, "finish_reason": finishes[i] if i < len(finishes) else "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": t, "refusal": reply.refusal}}
                        for i, t in enumerate(texts)],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }

    def _responses_body(self, req: dict[str, Any], reply: Reply) -> dict[str, Any]:
        ident = next(self._ids)
        if reply.tool_input is not None:
            tool = (req.get("tools") or [{}])[0]
            out_text = reply.tool_input
            output: list[dict[str, Any]] = [{"type": "custom_tool_call", "id": f"ctc_test{ident}",
                                             "call_id": f"call_test{ident}", "name": tool.get("name", "tool"),
                                             "input": reply.tool_input, "status": "completed"}]
        else:
            out_text = reply.text or ""
            content: list[dict[str, Any]] = [{"type": "output_text", "text": out_text, "annotations": []}]
            if reply.refusal is not None:
                content = [{"type": "refusal", "refusal": reply.refusal}]
            output = [{"type": "message", "id": f"msg_test{ident}", "role": "assistant", "status": "completed",
                       "content": content}]
        prompt, completion = reply.usage or (max(1, _tokens(req.get("input", []))), max(1, _tokens(out_text)))
        incomplete = {"length": "max_output_tokens", "content_filter": "content_filter"}.get(reply.finish_reason)
        return {
            "id": f"resp_test{ident}", "object": "response", "created_at": int(time.time()),
            "status": "incomplete" if incomplete else "completed",
            "model": reply.model or req.get("model", "test-model"), "output": output,
            "parallel_tool_calls": bool(req.get("parallel_tool_calls", True)),
            "tool_choice": req.get("tool_choice", "auto"), "tools": req.get("tools", []),
            "temperature": req.get("temperature"), "top_p": req.get("top_p"), "error": None,
            "incomplete_details": {"reason": incomplete} if incomplete else None, "instructions": None,
            "metadata": {},
            "usage": {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                      "output_tokens": completion, "output_tokens_details": {"reasoning_tokens": 0},
                      "total_tokens": prompt + completion},
        }


class _Handler(BaseHTTPRequestHandler):
    """Request handler bound to one FakeOpenAIServer (set as the class attribute `owner`)."""

    owner: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence the default stderr access log."""

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test); nothing to do

    def _send_raw(self, data: bytes, content_type: str) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _record(self, body: Any, probe: bool = False) -> None:
        owner = self.owner
        with owner._lock:
            headers = {k.lower(): v for k, v in self.headers.items()}  # HTTP header names are case-insensitive
            (owner.probes if probe else owner.requests).append(RecordedRequest(self.command, self.path, headers, body))

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        owner = self.owner
        path = self.path.split("?")[0].rstrip("/")
        if path in ("/version", "/props"):
            self._record(None, probe=True)
            served = ({"version": owner.version} if owner.version is not None else None) if path == "/version" \
                else owner.props
            if served is None:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            else:
                self._send_json(200, served)
            return
        self._record(None)
        if self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [
                {"id": "test-model", "object": "model", "created": 0, "owned_by": "test-double"}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError:
            body = None
        self._record(body)
        if not isinstance(body, dict):
            self._send_json(400, {"error": {"message": "body must be a JSON object", "type": "invalid_request"}})
            return
        path = self.path.split("?")[0].rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/responses"):
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        if owner.required_api_key is not None and \
                self.headers.get("Authorization") != f"Bearer {owner.required_api_key}":
            self._send_json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                            "code": "invalid_api_key", "param": None}})
            return
        with owner._lock:
            owner.in_flight += 1
            owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
        slots = owner._decode_slots
        held = False
        try:
            while slots is not None and not held and not owner._stopping.is_set():
                held = slots.acquire(timeout=0.02)  # queued server side, as llama-server does beyond its slots
            reply = owner._next_reply(body)
            if reply.delay_s > 0:
                owner._stopping.wait(reply.delay_s)
        finally:
            if held:
                slots.release()  # type: ignore[union-attr]
            with owner._lock:  # leave the in-flight count before answering, so the next request cannot overlap
                owner.in_flight -= 1
        if reply.status != 200:
            code = reply.error_code if reply.error_code is not None else str(reply.status)
            self._send_json(reply.status, {"error": {"message": reply.text or "error", "type": reply.error_type,
                                                     "code": code, "param": None}}, reply.headers)
        elif reply.body is not None:
            self._send_raw(reply.body.encode("utf-8"), reply.content_type)
        elif path == "/v1/responses":
            self._send_json(200, owner._responses_body(body, reply), reply.headers)
        else:
            self._send_json(200, owner._chat_body(body, reply), reply.headers)


@contextmanager
def running_server(responder: Callable[[dict[str, Any]], Reply] | None = None,
                   required_api_key: str | None = None) -> Iterator[FakeOpenAIServer]:
    """Context manager: a started FakeOpenAIServer, stopped on exit."""
    server = FakeOpenAIServer(responder, required_api_key)
    server.start()
    try:
        yield server
    finally:
        server.stop()
