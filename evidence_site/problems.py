"""Problems found in input files, and how they are printed.

Validators never raise on bad data: they return Problems, which carry the file, line, column
and field path, so the command line can report every problem in every file at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that would act on a terminal or reorder the line (escape sequences, bell, newlines,
# bidirectional overrides) when a problem quotes a hostile value or file name: shown as escapes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return _visible(f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message} [{self.code}]")


class InputError(Exception):
    """Raised by the pipeline when input files have problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: list[Problem]) -> str:
    files = {p.file for p in problems}
    lines = [str(p) for p in sorted(problems)]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"Found {len(problems)} {noun} in {len(files)} file{'s' if len(files) != 1 else ''}.")
    return "\n".join(lines)


def path_str(path: tuple) -> str:
    """('outcomes', 1, 'instrument') -> 'outcomes[1].instrument'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"
