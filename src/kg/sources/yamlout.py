"""Write a record as YAML in the layout of the curated records (``data/releases/*.yaml``).

Mappings and lists are written in block style, except a project's ``amount`` and a ``correction``
(one line, as the curated records write them) and lists of plain values (``themes: [a, b]``). A text is
written plain when YAML reads it back unchanged, otherwise in double quotes; invisible characters, such
as the non-breaking space, are always written as escapes (``\\u00a0``) so that a reader sees them.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import yaml

_FLOW_KEYS = frozenset({"amount", "correction"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> bool:
    return char == " " or unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn")


def _double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not _visible(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _plain_reads_back(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or not all(_visible(c) for c in text):
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    document = f"{{k: {text}}}" if flow else f"k: {text}"
    try:
        return bool(yaml.safe_load(document) == {"k": text})
    except yaml.YAMLError:
        return False


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value as YAML text."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return text if _plain_reads_back(text, flow) else _double_quoted(text)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _mapping(mapping: dict[str, Any], indent: int, lines: list[str], first_prefix: str = "") -> None:
    pad = " " * indent
    for index, (key, value) in enumerate(mapping.items()):
        prefix = first_prefix if index == 0 and first_prefix else pad
        if _is_scalar(value):
            lines.append(f"{prefix}{key}: {scalar(value)}")
        elif (key in _FLOW_KEYS and isinstance(value, dict)) or (
            isinstance(value, list) and all(_is_scalar(v) for v in value)
        ):
            lines.append(f"{prefix}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            _mapping(value, indent + 2, lines)
        else:
            lines.append(f"{prefix}{key}:")
            _sequence(value, indent + 2, lines)


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first_prefix=f"{pad}- ")
        elif isinstance(item, list):
            lines.append(f"{pad}- {_flow(item)}")
        else:
            lines.append(f"{pad}- {scalar(item)}")


def to_yaml(record: dict[str, Any], header: list[str]) -> str:
    """The record as YAML text, after a comment block (one ``# `` line per header line)."""
    lines = [f"# {line}".rstrip() for line in header]
    _mapping(record, 0, lines)
    return "\n".join(lines) + "\n"
