"""What a change does to the evidence: the working tree's studies and figures against a git ref's,
as Markdown for a pull request's reviewer.

Both sides go through the same pipeline (build.prepare). The ref's review.yml and studies/ are
unpacked from `git archive` into a temporary folder; the working tree and checkout are only read.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .aggregate import Count, Missing, study_name
from .build import Site, prepare
from .problems import InputError, _visible, path_str


class DiffError(Exception):
    """The comparison cannot be made: not a repository, a bad ref, or invalid files on one side."""


def figures(site: Site) -> dict[str, str]:
    """Every figure the site shows, by name, as text: the summary's fields that `diff` compares."""
    s = site.summary
    fav = s.favourable.key
    out = {
        "Headline: included studies (review)": str(s.included),
        "Headline: study files": str(s.transcribed.n),
        "Headline: student convenience samples (review)": _count(s.students),
    }
    for row in s.overall:
        out[f"Headline: {row.key} overall (review)"] = _count(row.reported)
        out[f"Headline: {row.key} overall (study files)"] = str(row.transcribed)
    out["Headline: no overall effect given (study files)"] = str(s.overall_unknown)
    for row in s.by_type:
        out[f"By intervention type: {row.key}, {fav} (review)"] = _count(row.reported_favourable)
        out[f"By intervention type: {row.key}, {fav} (study files)"] = _count(row.transcribed_share, "no study files")
    for row in s.by_outcome:
        out[f"By outcome: {row.key}, {fav} (review)"] = _count(row.reported_favourable)
        out[f"By outcome: {row.key}, {fav} (study files)"] = _count(row.transcribed_share, "no study files")
    for row in s.quality:
        out[f"Quality: {row.key} (review)"] = _count(row.reported)
        out[f"Quality: {row.key} (study files)"] = str(row.transcribed)
    out["Quality: not rated (study files)"] = str(s.quality_unrated)
    out["Completeness: included studies"] = _of(s.transcribed.n, s.included)
    exact = []
    for group, rows in (("intervention type", s.by_type), ("outcome", s.by_outcome)):
        for row in rows:
            reported = row.reported["studies"] if row.reported else None
            out[f"Completeness: {group} {row.key}"] = _of(row.transcribed, reported)
            if group == "intervention type" and reported is not None and row.transcribed == reported:
                exact.append(row.key)
    if s.transcribed.n == s.included:
        verdict = "complete: every count the review reports matches the study files"
    else:
        verdict = "partial: no count from the study files exceeds the review's"
    out["Consistency: verdict"] = verdict
    out["Consistency: intervention types whose counts must match"] = ", ".join(exact) or "none"
    return out


def _count(count: Count | Missing | None, none: str = "not yet transcribed") -> str:
    if count is None:
        return none
    if isinstance(count, Missing):  # the review's figure is absent: say why, in the data's own words
        return str(count)
    return f"{count.n} of {count.of}" + (f" ({count.percent}%)" if count.of else "")


def _of(transcribed: int, reported: int | None) -> str:
    if reported is None:
        return f"{transcribed} transcribed; the review's count is not yet transcribed"
    return f"{transcribed} of {reported} transcribed, {reported - transcribed} missing"


def report(root: Path, ref: str) -> str:
    """The Markdown report of what the working tree at root changes against ref."""
    commit = _resolve(root, ref)
    errors, after = [], None
    try:
        after = prepare(root)
    except InputError as error:
        errors.append(f"the files in the working tree (after) fail check:\n{error}")
    with tempfile.TemporaryDirectory(prefix="evidence-diff-") as folder:
        _unpack(root, commit, ref, Path(folder))
        try:
            before = prepare(Path(folder))
        except InputError as error:
            errors.insert(0, f"the files at {_visible(ref)} (before) fail check:\n{error}")
    if errors:
        raise DiffError("\nError: ".join(errors))
    return markdown(before, after, ref if commit.startswith(ref.lower()) else f"{ref} at {commit[:7]}")


def markdown(before: Site, after: Site, label: str) -> str:
    lines = ["## What this changes in the evidence", "", f"Before: {_cell(label)}. After: the working tree.", ""]
    old, new = {s["id"]: s for s in before.studies}, {s["id"]: s for s in after.studies}
    added, removed = sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())
    changed = [(i, path, a, b) for i in sorted(old.keys() & new.keys()) for path, a, b in _fields(old[i], new[i])]
    moved = [(name, a, b) for name, a, b in _pairs(figures(before), figures(after)) if a != b]
    if not (added or removed or changed or moved):
        return "\n".join(lines + ["No change to the evidence.", ""])
    for title, ids, studies in (("added", added, new), ("removed", removed, old)):
        if ids:
            lines += [f"### Studies {title} ({len(ids)})", ""]
            lines += [f"- `{i}`: {_cell(study_name(studies[i]))}, {_cell(studies[i]['citation']['title'])}" for i in ids]
            lines.append("")
    if changed:
        lines += [f"### Studies changed ({len({c[0] for c in changed})})", "",
                  "| Study | Field | Before | After |", "| --- | --- | --- | --- |"]
        lines += [f"| `{i}` | `{path}` | {_cell(a)} | {_cell(b)} |" for i, path, a, b in changed]
        lines.append("")
    if moved:
        lines += [f"### Figures that move ({len(moved)})", "", "| Figure | Before | After |", "| --- | --- | --- |"]
        lines += [f"| {_cell(name)} | {_cell(a)} | {_cell(b)} |" for name, a, b in moved]
        lines.append("")
    return "\n".join(lines)


_ABSENT = "(absent)"


def _fields(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(field path, before, after) for every leaf value that differs."""
    return [(path, a, b) for path, a, b in _pairs(_flatten(old), _flatten(new)) if a != b]


def _pairs(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """Every name of either mapping, in the new one's order, then names only the old one has."""
    names = list(new) + [n for n in old if n not in new]
    return [(n, old.get(n, _ABSENT), new.get(n, _ABSENT)) for n in names]


def _flatten(value, path: tuple = ()) -> dict[str, str]:
    if isinstance(value, dict) and value:
        return {k: v for key, item in value.items() for k, v in _flatten(item, path + (key,)).items()}
    if isinstance(value, list) and value:
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, path + (i,)).items()}
    return {path_str(path): _text(value)}


def _text(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")


def _cell(value) -> str:
    """Text for a Markdown table cell or list item: one line (line breaks shown as \\n), no markup,
    no terminal control characters."""
    return _MARKDOWN.sub(r"\\\1", html.escape(_visible(str(value)), quote=False))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=300)
    except FileNotFoundError:
        raise DiffError("git is not installed or not on PATH; diff compares with a git ref") from None


def _resolve(root: Path, ref: str) -> str:
    """The commit ref names, or a DiffError saying why not."""
    if _git(root, "rev-parse", "--show-toplevel").returncode:
        raise DiffError(f"{root} is not in a git repository; diff compares the working tree with a git ref")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if ref.startswith("-") or found.returncode:
        raise DiffError(f"'{_visible(ref)}' is not a commit, branch or tag in this repository; "
                        "expected a git ref such as main, origin/main or HEAD~1 (for a remote branch, "
                        "run git fetch first)")
    return found.stdout.decode().strip()


def _unpack(root: Path, commit: str, ref: str, dest: Path) -> None:
    """review.yml and studies/ of the project folder as they were at commit, written into dest."""
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    archive = _git(root, "archive", "--format=tar", f"{commit}:{prefix}" if prefix else commit)
    if archive.returncode:
        raise DiffError(f"the project folder could not be read at {_visible(ref)}: "
                        f"{_visible(archive.stderr.decode(errors='replace').strip())}")
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            wanted = [m for m in tar.getmembers() if m.name == "review.yml" or m.name.startswith("studies/")]
            tar.extractall(dest, members=wanted, filter="data")
    except tarfile.TarError as error:
        raise DiffError(f"the files at {_visible(ref)} could not be unpacked: {_visible(str(error))}") from None
