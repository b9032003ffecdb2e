"""Turn free-form model replies into hypotheses (natural-language rules) and DSL programs; never raises.

Models answer in many shapes: JSON, numbered or bulleted lists, "Hypothesis 1: ..." blocks, fenced code, prose.
These functions accept all of them and return [] / "" for empty or garbage replies.  Reasoning in <think> blocks
is removed first (`strip_think`): nothing inside one is ever taken for a hypothesis or a program.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+.-]*)[ \t]*\n?(.*?)```", re.DOTALL)
_OPEN_FENCE = re.compile(r"```[ \t]*[A-Za-z0-9_+.-]*[ \t]*\n(.*)\Z", re.DOTALL)
_HEADER = re.compile(
    r"^[ \t>#*_]*(?:hypothesis|hypotheses|rule|idea|candidate|option)\s*#?\s*(\d+)\s*[*_]*\s*[:.)\-\u2013\u2014]\s*[*_]*",
    re.IGNORECASE | re.MULTILINE)
_ITEM = re.compile(r"^[ \t]*(?:\d{1,3}[.)]|\(\d{1,3}\)|[-*+\u2022\u2023\u25e6])[ \t]+(.*)$")
_LIST_KEYS = ("hypotheses", "hypothesis", "rules", "ideas", "candidates", "answers", "items", "results", "options")
_ITEM_KEYS = ("hypothesis", "text", "rule", "description", "content", "statement", "idea", "value")
_LABEL = re.compile(r"^\s*(?:final\s+)?(?:program|answer|solution|dsl|code)\s*:\s*(.*)$", re.IGNORECASE)
_PROSE = re.compile(r"^[A-Z][a-z']*(?:[ ,;][A-Za-z'(),\-]+){2,}.*[.:!?]$")
_THINK_BLOCK = re.compile(r"<(think|thinking)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<(?:think|thinking)\b[^>]*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(?:think|thinking)\s*>", re.IGNORECASE)


def strip_think(text: str) -> str:
    """`text` without reasoning: <think>…</think> blocks, an unterminated <think> to the end, and everything
    before a lone </think> (chat templates that open the block in the prompt).  Never raises.
    """
    if not isinstance(text, str) or "<" not in text:
        return text if isinstance(text, str) else ""
    out = _THINK_BLOCK.sub(" ", text)
    closes = list(_THINK_CLOSE.finditer(out))
    if closes:
        out = out[closes[-1].end():]
    opened = _THINK_OPEN.search(out)
    if opened:
        out = out[:opened.start()]
    return out


def _clean(item: str) -> str:
    """Strip markdown emphasis, quotes and list markers; collapse whitespace."""
    text = re.sub(r"\s+", " ", item).strip()
    text = re.sub(r"^(?:\*\*|__)(.*?)(?:\*\*|__)\s*[:.\-]?\s*", r"\1 ", text).strip() if text.startswith(("**", "__")) else text
    text = text.replace("**", "").replace("__", "")
    text = text.strip(" \t\"'`\u201c\u201d")
    text = re.sub(r"^(?:hypothesis|rule)\s*:\s*", "", text, flags=re.IGNORECASE)
    return text.strip()


def _meaningful(text: str) -> bool:
    """True when `text` has at least two letters (garbage like '!!!', '[]' or '42' is dropped)."""
    return sum(ch.isalpha() for ch in text) >= 2


def _dedupe(items: list[str], n_max: int) -> list[str]:
    """Clean, drop garbage, remove duplicates (case/space/final punctuation-insensitive), keep order, cap."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in items:
        text = _clean(raw)
        if not _meaningful(text):
            continue
        key = re.sub(r"[\s.!;,]+$", "", text.casefold())
        if key in seen:
            continue
        seen.add(key)
        out.append(text)
        if len(out) >= n_max:
            break
    return out


def _strings_from_json(value: Any, depth: int = 0) -> list[str] | None:
    """Hypothesis strings from a decoded JSON value, or None when it holds none."""
    if depth > 3:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                for key in _ITEM_KEYS:
                    if isinstance(item.get(key), str):
                        out.append(item[key])
                        break
        return out or None
    if isinstance(value, dict):
        keys = [k for k in _LIST_KEYS if k in value] + [k for k in value if k not in _LIST_KEYS]
        for key in keys:
            if isinstance(value[key], (list, dict)):
                found = _strings_from_json(value[key], depth + 1)
                if found:
                    return found
        for key in _ITEM_KEYS:
            if isinstance(value.get(key), str):
                return [value[key]]
    return None


def _json_candidates(text: str) -> list[str]:
    """Substrings of `text` that may be a JSON document: fenced blocks, the whole text, the outermost [...]/{...}."""
    cands = [body for _, body in _FENCE.findall(text)]
    cands.append(text)
    for opener, closer in (("[", "]"), ("{", "}")):
        start, end = text.find(opener), text.rfind(closer)
        if 0 <= start < end:
            cands.append(text[start:end + 1])
    return cands


def _from_json(text: str) -> list[str] | None:
    """Hypotheses from the first JSON document found in `text`, or None."""
    for cand in _json_candidates(text):
        cand = cand.strip()
        if not cand or cand[0] not in "[{\"":
            continue
        try:
            value = json.loads(cand)
        except (ValueError, RecursionError):
            continue
        found = _strings_from_json(value)
        if found is not None:
            return found
        if isinstance(value, (list, dict)):
            return []
    return None


def _from_headers(text: str) -> list[str] | None:
    """Hypotheses from "Hypothesis 1: ..." blocks (each block runs to the next header)."""
    matches = list(_HEADER.finditer(text))
    if not matches:
        return None
    out = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        block = text[m.end():end]
        block = block.split("\n\n")[0] if k + 1 == len(matches) else block  # drop a trailing epilogue
        out.append(block)
    return out


def _from_list(text: str) -> list[str] | None:
    """Hypotheses from a numbered or bulleted list; indented or plain follow-up lines continue an item."""
    items: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        m = _ITEM.match(line)
        if m:
            if current is not None:
                items.append(" ".join(current))
            current = [m.group(1)]
        elif current is not None and line.strip() and (line[:1].isspace() or not line.rstrip().endswith(":")):
            current.append(line.strip())
        elif current is not None and not line.strip():
            items.append(" ".join(current))
            current = None
    if current is not None:
        items.append(" ".join(current))
    return items or None


def parse_hypotheses(text: str, n_max: int) -> list[str]:
    """Distinct natural-language hypotheses found in a reply (JSON, list, "Hypothesis k:" blocks or prose).

    At most `n_max` are returned, in reply order; empty or garbage replies give [].  <think> blocks are ignored.
    Never raises.
    """
    try:
        if not isinstance(text, str) or not isinstance(n_max, int) or n_max <= 0:
            return []
        text = strip_think(text).strip()
        if not text:
            return []
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError):
            whole = None
        else:
            if not isinstance(whole, (str, list, dict)):
                return []  # null, true, 42: a JSON scalar holds no hypothesis
        for extractor in (_from_json, _from_headers, _from_list):
            found = extractor(text)
            if found is not None:
                result = _dedupe(found, n_max)
                if result or extractor is _from_json:
                    return result
        prose = _FENCE.sub(" ", text)
        return _dedupe([prose], n_max)
    except (ValueError, RecursionError, re.error):
        return []


def extract_program(text: str) -> str:
    """The DSL program in a reply: the last non-empty ```fenced``` block, else a "Program:" line, else the text
    after any leading prose sentences (the last non-empty line when prose surrounds it).  <think> blocks are
    ignored.  Never raises.
    """
    try:
        if not isinstance(text, str):
            return ""
        text = strip_think(text)
        blocks = [body.strip() for _, body in _FENCE.findall(text) if body.strip()]
        if blocks:
            return blocks[-1]
        unterminated = _OPEN_FENCE.search(text)
        if unterminated and unterminated.group(1).strip():
            return unterminated.group(1).strip()
        lines = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip()]  # indentation is kept
        if not lines:
            return ""

        def is_prose(line: str) -> bool:
            return _PROSE.match(line.strip()) is not None

        for k in range(len(lines) - 1, -1, -1):
            m = _LABEL.match(lines[k])
            if m:
                rest = [m.group(1).strip()] if m.group(1).strip() else []
                rest += [ln for ln in lines[k + 1:] if not is_prose(ln)]
                return "\n".join(rest).strip().strip("`").strip() if rest else ""
        prose_at = [k for k, ln in enumerate(lines) if is_prose(ln)]
        if not prose_at:
            return "\n".join(lines).strip()
        after = lines[prose_at[-1] + 1:]
        if after:
            return "\n".join(after).strip()
        code_lines = [ln for ln in lines if not is_prose(ln)]
        return (code_lines[-1] if code_lines else lines[-1]).strip().strip("`").strip()
    except (ValueError, RecursionError, re.error):
        return ""
