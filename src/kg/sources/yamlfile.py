"""Read YAML with the line of every mapping and key, so errors can name the line of a bad field.

Records come from people and from ``kg extract`` drafts, so the reader treats them as untrusted input
(docs/security.md, "Files a user hands to kg"): a file is at most ``MAX_YAML_BYTES``; aliases (``*name``) are
refused, because a few hundred bytes of nested aliases stand for billions of values and every walk over them
(ours stamps each mapping with its file) takes exponential time; nesting deeper than ``MAX_YAML_DEPTH`` is
refused; and every way PyYAML fails (a control character, a huge integer, deep recursion) becomes one
``SourceError`` naming the file and, when known, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from kg.errors import SourceError

_URL = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+", flags=re.IGNORECASE)


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the file, its own line and the line of each key (1-based)."""

    path: Path
    line: int
    key_lines: dict[str, int]


MAX_YAML_BYTES = 8 * 1024 * 1024  # the curated record of release No. 175 is 28 KB
MAX_YAML_DEPTH = 64  # records nest about 6 levels


def _check_tree(root: yaml.Node) -> None:
    """Refuse aliases and deep nesting before anything walks the tree (one pass, each node once).

    The composer hands an alias back as the very node its anchor names, so a node met twice is an alias.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "aliases (*name) are not accepted in records: write the value out",
                node.start_mark,
            )
        seen.add(id(node))
        if depth > MAX_YAML_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", node.start_mark
            )
        if isinstance(node, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            stack += [(part, depth + 1) for pair in node.value for part in pair]


def _construct_int(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.ScalarNode) -> int:
    try:
        return loader.construct_yaml_int(node)
    except ValueError as exc:  # Python refuses integers of more than 4300 digits
        raise yaml.constructor.ConstructorError(
            None, None, f"not a usable integer ({len(str(node.value))} characters)", node.start_mark
        ) from exc


class _LineLoader(yaml.SafeLoader):
    def construct_document(self, node: yaml.Node) -> Any:
        _check_tree(node)
        return super().construct_document(node)


def _construct_mapping(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if str(key) in mapping:
            # PyYAML keeps the last of two equal keys; a record must not lose a value silently.
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {str(key)!r}", key_node.start_mark
            )
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


# Dates and times stay strings: the record says exactly what it means, and we parse it ourselves.
_RESOLVERS = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LOADERS: tuple[type[yaml.SafeLoader] | type[yaml.CSafeLoader], ...] = (_LineLoader,)
if yaml.__with_libyaml__:  # PyYAML's wheels bundle libyaml; a build without it has no CSafeLoader

    class _FastLineLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser: a thousand records are read in 1 s instead of 12 s.

        Only the scanner and the parser are in C: the same Python constructors build the values, with the
        same lines and the same refusal of duplicate keys. ``_load`` reads a file that fails here again
        with ``_LineLoader``, so an error is worded as before, whichever parser found it.
        """

        def construct_document(self, node: yaml.Node) -> Any:
            _check_tree(node)
            return super().construct_document(node)

    _LOADERS = (_FastLineLoader, _LineLoader)

for _loader in _LOADERS:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _loader.yaml_implicit_resolvers = dict(_RESOLVERS)


def _set_path(value: Any, path: Path) -> None:
    if isinstance(value, Mapping):
        value.path = path
        for item in value.values():
            _set_path(item, path)
    elif isinstance(value, list):
        for item in value:
            _set_path(item, path)


def _load(text: str) -> Any:
    """Parse with the first loader that succeeds: libyaml when there is one, else (or on any error) Python."""
    first: yaml.YAMLError | None = None
    for loader in _LOADERS[:-1]:
        try:
            return yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            first = exc  # read again below: the error, if there is one, in the pure-Python loader's words
    try:
        return yaml.load(text, Loader=_LOADERS[-1])
    except RecursionError:
        # The Python composer recurses once per level; libyaml stops at 1000 levels with a marked error.
        if first is not None:
            raise first from None
        raise yaml.YAMLError("nested too deeply") from None


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            raise SourceError(f"larger than the {MAX_YAML_BYTES // 2**20} MB a YAML file may be", path=path)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read: {exc}", path=path) from exc


def load_yaml(path: Path) -> Mapping:
    """Parse a YAML file whose top level is a mapping; every error names the file (and the line if known)."""
    text = _read(path)
    try:
        data = _load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SourceError(f"YAML error: {exc.problem}", path=path, line=line) from exc
    except yaml.reader.ReaderError as exc:  # a control character (NUL, ESC, BEL ...), even in a comment
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(
            f"YAML error: character #x{exc.character:04x} is not allowed", path=path, line=line
        ) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML error: {exc}", path=path) from exc
    if not isinstance(data, Mapping):
        raise SourceError("expected a mapping at the top level", path=path, line=1)
    _set_path(data, path)
    return data


class Fields:
    """Typed access to one mapping's fields; every error names file, line and field."""

    def __init__(self, mapping: Mapping, where: str) -> None:
        self.mapping = mapping
        self.where = where
        self._used: set[str] = set()

    def error(self, message: str, key: str | None = None) -> SourceError:
        line = self.mapping.key_lines.get(key, self.mapping.line) if key else self.mapping.line
        field = f"{self.where}.{key}" if key else self.where
        return SourceError(f"{field}: {message}", path=self.mapping.path, line=line)

    def line_of(self, key: str) -> int:
        return self.mapping.key_lines.get(key, self.mapping.line)

    def has(self, key: str) -> bool:
        return key in self.mapping and self.mapping[key] is not None

    def raw(self, key: str) -> Any:
        self._used.add(key)
        if key not in self.mapping or self.mapping[key] is None:
            raise self.error("is required", key)
        return self.mapping[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            raise self.error(f"must be a non-empty text, got {value!r}", key)
        return str(value)

    def opt_text(self, key: str) -> str | None:
        if self.has(key):
            return self.text(key)
        self.skip(key)
        return None

    def url(self, key: str) -> str:
        """An absolute http(s) URL that is also an IRI (RFC 3987 §2.2: no space, control character or any
        of ``<>"{}|\\^```): it is written into every RDF syntax as it is."""
        value = self.text(key).strip()
        if not _URL.fullmatch(value):
            raise self.error(f"must be an absolute http(s) URL without spaces, got {value!r}", key)
        return value

    def opt_url(self, key: str) -> str | None:
        if self.has(key):
            return self.url(key)
        self.skip(key)
        return None

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(f"must be a whole number, got {value!r}", key)
        return value

    def decimal(self, key: str) -> Decimal:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(f"must be a number, got {value!r}", key)
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise self.error(f"must be a number, got {value!r}", key) from exc
        if not number.is_finite() or number < 0:
            raise self.error(f"must be a non-negative number, got {value!r}", key)
        return number

    def mapping_(self, key: str) -> Fields:
        value = self.raw(key)
        if not isinstance(value, Mapping):
            raise self.error("must be a mapping", key)
        return Fields(value, f"{self.where}.{key}")

    def opt_mapping(self, key: str) -> Fields | None:
        if self.has(key):
            return self.mapping_(key)
        self.skip(key)
        return None

    def items(self, key: str, *, required: bool = False) -> Iterator[Fields]:
        if not self.has(key):
            self.skip(key)
            if required:
                raise self.error("is required (a list)", key)
            return
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error("must be a list", key)
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.error(f"item {index + 1} must be a mapping", key)
            yield Fields(item, f"{self.where}.{key}[{index + 1}]")

    def texts(self, key: str) -> tuple[str, ...]:
        if not self.has(key):
            self.skip(key)
            return ()
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise self.error("must be a list of texts", key)
        return tuple(str(v) for v in value)

    def languages(self, key: str, *, required: tuple[str, ...] = ("en",)) -> dict[str, str]:
        """A ``{en: ..., fr: ...}`` mapping of language tags to texts."""
        value = self.raw(key)
        if not isinstance(value, Mapping):
            raise self.error("must map language tags (en, fr) to texts", key)
        for lang, text in value.items():
            # An unquoted comma in a flow mapping ({en: a, b}) leaves a key with no value: refuse it.
            if text is None or not isinstance(text, str) or not text.strip():
                raise self.error(f"{lang!r} has no text (quote texts that contain commas)", key)
        texts = {str(k): str(v) for k, v in value.items()}
        for lang in texts:
            if lang not in ("en", "fr", "es"):
                raise self.error(f"unknown language tag {lang!r} (use en, fr or es)", key)
        for lang in required:
            if lang not in texts:
                raise self.error(f"needs a text in {lang!r}", key)
        if not texts:
            raise self.error("needs a text in at least one language (en, fr)", key)
        return texts

    def done(self) -> None:
        """Refuse keys nobody read: a misspelt field must not vanish silently."""
        unknown = [k for k in self.mapping if k not in self._used]
        if unknown:
            raise self.error(f"unknown field {unknown[0]!r}", unknown[0])

    def skip(self, key: str) -> None:
        """Mark an absent optional field as read."""
        self._used.add(key)

    def opt_languages(self, key: str) -> dict[str, str] | None:
        if self.has(key):
            return self.languages(key)
        self.skip(key)
        return None
