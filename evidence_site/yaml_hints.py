"""Plain words for a YAML syntax error, with its likely cause read from the lines around it.

The parser says where it gave up ("mapping values are not allowed in this context"), which is
often a line after the mistake. The usual mistakes show in the text: a line that does not line
up with the line above, a value that contains ': ' or starts with a character YAML reserves, a
quote or a bracket left open, a colon or a dash without its space. `explain` names the line to
fix and what to do; the parser's own words follow in brackets, for the rare wrong guess.
"""

from __future__ import annotations

import re

import yaml

BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what the YAML parser counts as a line break
_KEY_LINE = re.compile(r"^( *)(- +)?([A-Za-z0-9_][\w.-]*) *:(?: +(.*))?$")
_GLUED = re.compile(r"^ *(- +)?([A-Za-z_][\w-]*):(?!//)(\S.*)$")  # key:value, but not a URL's https://
_BLOCK_VALUES = {"", "|", ">", "|-", ">-", "|+", ">+"}
_STARTS = {"[": "a list", "{": "a mapping", '"': "quoted text", "'": "quoted text"}
_NEVER_FIRST = set("@`%*&!|>,")  # characters that cannot start text written without quotes
_NO_FIELD = "this line has no ': ' after a field name{so}; write the field name, a colon and a space, then the value"


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Line, column (1-based) and message for a syntax error in text."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    said = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
    if mark and text[mark.index: mark.index + 1] == "\t":
        return line, col, "a tab character; indent with spaces, never tabs"
    cause = _likely_cause(exc, BREAK.split(text), line - 1, col, said) if mark else None
    context = " ".join((exc.context or "").split())
    needs_context = context and (said.startswith("but ") or said.endswith("end of stream"))
    if cause:
        return cause[0], cause[1], f"{cause[2]} (the YAML parser says: {context + ', ' if needs_context else ''}{said})"
    if needs_context:
        start = exc.context_mark
        where = f" (from line {start.line + 1})" if start and start.line != mark.line else ""
        said = f"{context}{where}, {said}"
    return line, col, said


def _likely_cause(exc, lines: list[str], here: int, col: int, said: str) -> tuple[int, int, str] | None:
    text = lines[here] if here < len(lines) else ""
    above = _before(lines, here)
    for i in (above, here):
        if i is None or i >= len(lines):
            continue
        if re.match(r"^ *-[A-Za-z_]", lines[i]):
            dash = _indent(lines[i])
            return i + 1, dash + 1, (f"'-' needs a space after it to start a list entry: write "
                                     f"'- {lines[i][dash + 1:].strip()}'")
        glued = _GLUED.match(lines[i])
        if glued:
            return i + 1, _indent(lines[i]) + 1, (f"a field name needs a space after its colon: write "
                                                 f"'{glued.group(2)}: {glued.group(3).strip()}'")
    if said == "could not find expected ':'" and above is not None and _no_field(lines[above]):
        return above + 1, _indent(lines[above]) + 1, _NO_FIELD.format(so="")
    start = exc.context_mark
    if start and exc.context == "while scanning a quoted scalar":
        return start.line + 1, start.column + 1, ("this quoted value is never closed; end it with the same quote "
                                                  "mark it starts with")
    if start and exc.context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        what, close = ("list", "]") if "sequence" in exc.context else ("mapping", "}")
        return start.line + 1, start.column + 1, (f"the {what} that starts here is never closed with '{close}'; if "
                                                  "the value is text, put the whole value in double quotes")
    if exc.context == "expected a single document in the stream":
        return here + 1, col, ("a second document starts here ('---'); a study file holds one record, so delete "
                               "this line and everything after it")
    open_quote = _open_quote(lines, here)
    if open_quote:
        return open_quote
    key = _KEY_LINE.match(text)
    value = key.group(4).rstrip() if key and key.group(4) else None
    if value:
        value_col, name = key.start(4) + 1, key.group(3)
        first = "a quote mark" if value[0] in "\"'" else f"'{value[0]}'"
        if value[0] in _STARTS and col > value_col:
            return here + 1, value_col, (f"the value of '{name}' starts with {first}, so it is read as "
                                         f"{_STARTS[value[0]]} that ends before the rest of the line; to write it "
                                         f"as text, {_quote_it(value)}")
        if (value[0] in _NEVER_FIRST or value[:2] in ("- ", "? ")) and col >= value_col:
            return here + 1, value_col, f"a value cannot start with {first} unless it is in quotes; {_quote_it(value)}"
        if said.startswith("mapping values") and col > value_col and ": " in value:
            return here + 1, col, (f"the value of '{name}' contains ': ' (a colon and a space), which starts a new "
                                   f"field; {_quote_it(value)}")
    cause = _indentation(lines, here, above)
    own_colon = key and said.startswith("mapping values") and col == key.end(3) + 1
    if not cause and own_colon and above is not None and _no_field(lines[above]):
        return above + 1, _indent(lines[above]) + 1, _NO_FIELD.format(so=", so the next line is read as part of it")
    return cause


def _open_quote(lines: list[str], here: int) -> tuple[int, int, str] | None:
    """A value on an earlier line that opens a quote and does not close it on its line."""
    for i in range(here - 1, max(here - 50, 0) - 1, -1):
        key = _KEY_LINE.match(lines[i])
        value = key.group(4) if key else None
        if value and value[0] in "\"'":
            if value.replace("\\\\", "").replace('\\"', "").count(value[0]) % 2:
                return i + 1, key.start(4) + 1, (f"the value of '{key.group(3)}' starts with a quote mark that is "
                                                 "not closed on its line, so the lines after it are read as part "
                                                 "of it; close the quote")
            return None
    return None


def _indentation(lines: list[str], here: int, above: int | None) -> tuple[int, int, str] | None:
    """The error line, or the line above it, does not line up with its neighbours."""
    if above is None or here >= len(lines):
        return None
    text, prev = lines[here], lines[above]
    key = _KEY_LINE.match(text)
    if not key and not text.lstrip().startswith("- "):
        return None
    name = f"'{key.group(3)}'" if key and not key.group(2) else "this list entry"
    n = _indent(text)
    sibling = _inner(prev) if key and not key.group(2) else _indent(prev)
    if n > sibling and not _opens(prev):
        outer_i, after_i = _before(lines, above), _after(lines, here)
        outer = lines[outer_i] if outer_i is not None else None
        if outer is not None and (_indent(prev) <= _indent(outer) < n if _opens(outer)
                                  else _indent(prev) < _inner(outer) == n):
            return above + 1, _indent(prev) + 1, (
                f"{_name(prev)} is indented {_spaces(_indent(prev))}, so the more deeply indented line after it is "
                f"read as part of its value; it looks de-indented: indent it {_spaces(n)} like the line after it")
        if outer is not None and _opens(outer) and _indent(outer) < _indent(prev) < n \
                and after_i is not None and _indent(lines[after_i]) == n:
            return above + 1, _indent(prev) + 1, (
                f"{_name(prev)} is indented {_spaces(_indent(prev))}, but the lines after it {n}; the first line of "
                f"a group sets its indentation, so indent it {_spaces(n)} like them")
        return here + 1, n + 1, (f"{name} is indented {_spaces(n)}, more than the line above ({sibling}); lines of "
                                 f"the same group must line up, so indent it {_spaces(sibling)} like the line above")
    levels: dict[int, int] = {}  # each indentation this line could line up with -> the line that has it
    lowest = None
    for i in range(above, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#") and (lowest is None or _indent(lines[i]) <= lowest):
            lowest = _indent(lines[i])
            levels.setdefault(_inner(lines[i]), i)
            levels.setdefault(lowest, i)
    if n < sibling and n not in levels:
        outer = max((m for m in levels if m < n), default=None)
        also = f", or {_spaces(outer)} like line {levels[outer] + 1}" if outer is not None and outer != sibling else ""
        return here + 1, n + 1, (f"{name} is indented {_spaces(n)}, which lines up with no line above it; indent "
                                 f"it {_spaces(sibling)} like the line above{also}")
    owner = levels.get(n)
    if key and not key.group(2) and owner is not None and lines[owner].lstrip().startswith("- ") \
            and _indent(lines[owner]) == n:
        return here + 1, n + 1, (f"{name} lines up with the '-' of the list entry on line {owner + 1}, so it is in "
                                 f"no entry; indent it {_spaces(_inner(lines[owner]))} to put it in that entry")
    return None


def _quote_it(value: str) -> str:
    if '"' not in value:
        return "put the whole value in double quotes"
    if "'" not in value:
        return "put the whole value in single quotes"
    return 'put the whole value in double quotes, writing \\" for each double quote inside it'


def _content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _before(lines: list[str], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if _content(lines[i])), None)


def _after(lines: list[str], index: int) -> int | None:
    return next((i for i in range(index + 1, len(lines)) if _content(lines[i])), None)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _inner(line: str) -> int:
    """The column where a line's field names start: after a list entry's '- '."""
    return re.match(r" *(- +)?", line).end()


def _opens(line: str) -> bool:
    """A line after which a deeper line is expected: `key:` with its value below, or a bare `-`."""
    key = _KEY_LINE.match(line)
    value = (key.group(4) or "").strip() if key else None
    return line.strip() == "-" or (value is not None and (value in _BLOCK_VALUES or value.startswith("#")))


def _no_field(line: str) -> bool:
    body = re.sub(r"^ *(- +)?", "", line)
    return bool(body) and ": " not in body and not body.rstrip().endswith(":")


def _name(line: str) -> str:
    key = _KEY_LINE.match(line)
    return f"'{key.group(3)}'" if key else "this line"


def _spaces(n: int) -> str:
    return f"{n} space{'' if n == 1 else 's'}"
