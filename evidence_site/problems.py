"""Problems found in input files, and how they are printed.

Validators never raise on bad data: they return Problems, which carry the file, line, column
and field path, so the command line can report every problem in every file at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message} [{self.code}]"


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
