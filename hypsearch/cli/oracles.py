"""Oracles at the edge: a command run once per query, and the person at the terminal.

Both speak JSON: the inputs go out as a JSON array (parameter order), the answer comes back as one JSON
value of the task's output type; `null`, a non-zero exit or an empty line means "cannot answer".  Every
fault (a crash, a time-out, text that is no JSON, a value of the wrong type) becomes an OracleError with
the reason stated, which the engine records against the query.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from dataclasses import dataclass
from typing import Any, TextIO

from hypsearch.core.domain import Domain
from hypsearch.core.errors import OracleError
from hypsearch.core.json_values import from_json, to_json
from hypsearch.core.task import Task

COMMAND_TIMEOUT = 60.0
"""Seconds an oracle command may take per query."""


@dataclass(frozen=True)
class Codec:
    """How one task's inputs are written as JSON and its outputs read back."""

    domain: Domain
    task: Task

    def encode(self, inputs: tuple[Any, ...]) -> str:
        types = [t for _, t in self.task.signature.params]
        return json.dumps([to_json(v, self.domain, t) for v, t in zip(inputs, types)])

    def decode(self, text: str) -> Any:
        """The answer in `text`, None for `null`; OracleError when it is no JSON value of the output type."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise OracleError(f"the oracle's answer is not JSON ({exc.msg} at column {exc.colno}): {_cut(text)}") from None
        if data is None:
            return None
        try:
            return from_json(data, self.domain, self.task.signature.returns)
        except ValueError as exc:
            raise OracleError(f"the oracle's answer {exc}") from None


@dataclass(frozen=True)
class CommandOracle:
    """Runs CMD once per query: the inputs as a JSON array on stdin, the output as JSON on stdout."""

    command: str
    codec: Codec
    timeout: float = COMMAND_TIMEOUT

    def __call__(self, inputs: tuple[Any, ...]) -> Any:
        try:
            done = subprocess.run(shlex.split(self.command), input=self.codec.encode(inputs), capture_output=True,
                                  text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise OracleError(f"the oracle command took longer than {self.timeout:g} s") from None
        except OSError as exc:
            raise OracleError(f"the oracle command could not start: {exc.strerror or exc}") from None
        if done.returncode != 0:
            said = done.stderr.strip().splitlines()[-1:] or ["nothing on stderr"]
            raise OracleError(f"the oracle command exited with status {done.returncode} ({_cut(said[0])})")
        if not done.stdout.strip():
            raise OracleError("the oracle command printed nothing")
        return self.codec.decode(done.stdout.strip())


@dataclass(frozen=True)
class TerminalOracle:
    """Asks the person at the terminal (reads `read`, writes the question to `write`, stderr on the CLI)."""

    codec: Codec
    read: TextIO
    write: TextIO

    def __call__(self, inputs: tuple[Any, ...]) -> Any:
        names = self.codec.task.signature.param_names
        shown = ", ".join(f"{n} = {json.dumps(v)}" for n, v in zip(names, json.loads(self.codec.encode(inputs))))
        self.write.write(f"hypsearch asks: what is {self.codec.task.signature.name}({shown})?\n")
        self.write.write("answer as JSON (e.g. \"text\", 3, [1, 2]); empty line: cannot say\n> ")
        self.write.flush()
        line = self.read.readline()
        if not line.strip():
            return None
        return self.codec.decode(line.strip())


def _cut(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."
