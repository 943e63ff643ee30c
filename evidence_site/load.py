"""Read YAML data files safely, keeping the line and column of every value.

Only plain data is accepted: mappings, lists, text, whole numbers, decimals, true/false and null
(YAML 1.2 core rules, so `no` stays the text "no" and dates stay text). Tags such as
!!python/object, anchors and aliases, duplicate keys, files that are too large, too deep or not
UTF-8 are reported as Problems, never as tracebacks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, path_str
from .yaml_hints import explain

MAX_BYTES = 256 * 1024
MAX_DEPTH = 12

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~6x faster


class _Loader(_Base):
    """Safe loader whose implicit types follow the YAML 1.2 core schema."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
]:
    _Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)

_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_PLAIN_TAGS = _SCALAR_TAGS | {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class Document:
    """A loaded file: its data and where each value stands (path tuple -> (line, column))."""

    file: str
    data: object = None
    positions: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    def where(self, path: tuple) -> tuple[int, int]:
        """Line and column of the value at path, or of its nearest parent that has one."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: tuple, message: str, code: str) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, path_str(path), message, code)


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


class _Reject(Exception):
    def __init__(self, node, path, message, code):
        self.node, self.path, self.message, self.code = node, path, message, code


def load_file(path: Path, display_name: str) -> Document:
    doc = Document(display_name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.problems.append(Problem(display_name, 1, 1, "(file)", f"cannot be read: {exc.strerror}", "unreadable"))
        return doc
    return load_bytes(raw, display_name, doc)


def load_bytes(raw: bytes, display_name: str, doc: Document | None = None) -> Document:
    doc = doc or Document(display_name)
    if len(raw) > MAX_BYTES:
        doc.problems.append(
            Problem(display_name, 1, 1, "(file)",
                    f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes per file", "file-too-large")
        )
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.problems.append(
            Problem(display_name, line, col, "(file)",
                    "is not valid UTF-8 text; save the file with UTF-8 encoding", "not-utf8")
        )
        return doc
    if text.startswith("\ufeff"):
        text = text[1:]
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        doc.problems.append(
            Problem(display_name, line, 1, "(file)",
                    f"nested more than {MAX_DEPTH} levels deep; study files are flat records", "too-deep")
        )
        return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line, col, what = explain(exc, text)
        doc.problems.append(Problem(display_name, line, col, "(file)", f"YAML syntax error: {what}", "yaml-syntax"))
        return doc
    except yaml.reader.ReaderError as exc:  # a control character; position counts UTF-8 bytes
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        doc.problems.append(Problem(display_name, line, col, "(file)",
                                    f"YAML syntax error: control character U+{exc.character:04X} is not allowed; "
                                    "delete it", "yaml-syntax"))
        return doc
    except (yaml.YAMLError, RecursionError) as exc:
        what = " ".join(str(exc).split())[:200]
        doc.problems.append(Problem(display_name, 1, 1, "(file)", f"YAML error: {what}", "yaml-syntax"))
        return doc
    if node is None:
        doc.problems.append(Problem(display_name, 1, 1, "(file)", "file is empty; expected a mapping of fields", "empty-file"))
        return doc
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        doc.problems.append(
            Problem(display_name, node.start_mark.line + 1, node.start_mark.column + 1, "(file)",
                    f"top level is {kind}; expected a mapping of fields (key: value lines)", "not-a-mapping")
        )
        return doc
    try:
        doc.data = _construct(node, (), doc.positions, set(), 0)
    except _Reject as rej:
        doc.data = None
        mark = rej.node.start_mark
        doc.problems.append(
            Problem(display_name, mark.line + 1, mark.column + 1, path_str(rej.path), rej.message, rej.code)
        )
    return doc


def nesting_depth(text: str) -> tuple[int, int]:
    """How deeply a YAML text nests, and the line where it first goes deepest, checked before any
    value is built.

    Counted from the parser's event stream, which (unlike building the values, which recurses)
    needs no stack per level, and stopped as soon as the limit is passed: 100,000 nested brackets
    cost as little as 13. Brackets inside quoted text or comments are not nesting and are not
    counted. A syntax error ends the count; loading the file then reports it.
    """
    depth, worst, worst_line = 0, 0, 1
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > worst:
                    worst, worst_line = depth, event.start_mark.line + 1
                    if worst > MAX_DEPTH:
                        break
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return worst, worst_line


def _construct(node, path: tuple, positions: dict, seen: set, depth: int):
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if depth > MAX_DEPTH:
        raise _Reject(node, path, f"nested more than {MAX_DEPTH} levels deep; study files are flat records", "too-deep")
    if id(node) in seen:
        raise _Reject(node, path, "anchors and aliases (& and *) are not allowed; write the value out in full", "alias")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise _Reject(node, path, f"YAML tag {_shown(node.tag, 80)} is not allowed; only plain values (text, numbers, "
                      "true/false, null)", "bad-tag")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _Reject(key_node, path, "keys must be plain names", "bad-key")
            key = key_node.value
            if key == "<<":
                raise _Reject(key_node, path, "merge keys (<<) are not allowed; write the fields out in full", "alias")
            if key in out:
                first = positions[path + (key,)][0]
                raise _Reject(key_node, path + (key,),
                              f"duplicate key; '{_shown(key)}' is already given on line {first}", "duplicate-key")
            positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _construct(value_node, path + (key,), positions, seen, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), positions, seen, depth + 1) for i, item in enumerate(node.value)]
    value = node.value
    if node.tag == "tag:yaml.org,2002:null":
        return None
    if node.tag == "tag:yaml.org,2002:bool":
        if value.lower() not in ("true", "false"):
            raise _Reject(node, path, f"'{value}' is not true or false", "bad-bool")
        return value.lower() == "true"
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(value)
        except ValueError:
            raise _Reject(node, path, f"'{_shown(value)}' has {len(value.lstrip('+-')):,} digits; expected a whole "
                          "number of at most 4,300 digits", "bad-number") from None
    if node.tag == "tag:yaml.org,2002:float":
        try:
            number = float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:
            raise _Reject(node, path, f"'{_shown(value)}' is not a valid number", "bad-number") from None
        if not math.isfinite(number):
            raise _Reject(node, path, f"'{_shown(value)}' is not a finite number", "bad-number")
        return number
    bad = _CONTROL_CHAR.search(value)  # only escapes such as "\0" or "\e" can put one in a YAML text
    if bad:
        raise _Reject(node, path, f"contains the control character U+{ord(bad.group()):04X}; text may not contain "
                      "control characters, delete it", "bad-character")
    return value
