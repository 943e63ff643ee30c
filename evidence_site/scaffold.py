"""Write a new study file from the JSON Schema: every field present, each explained by a comment."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from pathlib import Path

from . import schemas
from .validate import free_id, is_study_id

HEADER = "# yaml-language-server: $schema=../evidence_site/schema/study.schema.json\n"


def study_id(first_author: str, year: str) -> str:
    """smith 2021 -> smith-2021; Müller 2021b -> muller-2021b. Always an id that check accepts."""
    plain = unicodedata.normalize("NFKD", first_author).encode("ascii", "ignore").decode("ascii")
    surname = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    sid = f"{surname}-{year.lower()}"
    if not re.fullmatch(r"[0-9]{4}[a-z]?", year.lower()) or not is_study_id(sid):
        raise ValueError("give the first author's surname (starting with a letter) and a four-digit year, with a "
                         "letter after it for a second study by the same author that year: new brown 2020 or "
                         "new brown 2020b")
    return sid


def new_study(root: Path, first_author: str, year: str, today: str) -> Path:
    sid = study_id(first_author, year)
    path = root / "studies" / f"{sid}.yml"
    if path.exists():
        folder = root / "studies"
        free = free_id(sid, {p.name[:-4] for p in folder.iterdir() if p.name.endswith(".yml")})
        raise FileExistsError(f"studies/{sid}.yml already exists; edit it"
                              + (f", or add a letter for a second study (e.g. {free})" if free else ""))
    text = study_text(sid, int(year[:4]), today)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def study_text(sid: str, year: int, today: str, citation: dict | None = None) -> str:
    """The text `new` writes; with `citation` (a filled citation block) that block is pre-filled."""
    values = {"id": sid, "year": year, "added": today, "updated": None}
    if citation is not None:
        values["citation"] = citation
    return HEADER + "".join(_lines(schemas.schema("study"), values, 0))


def _comment(description: str | None, indent: int) -> list[str]:
    if not description:
        return []
    pad = " " * indent
    return [f"{pad}# {line}\n" for line in textwrap.wrap(description, 96 - indent)]


def _lines(node: dict, values: dict, indent: int) -> list[str]:
    node = schemas.resolve("study", node)
    out = []
    pad = " " * indent
    for name, prop in node.get("properties", {}).items():
        prop_resolved = schemas.resolve("study", prop)
        out += _comment(schemas.description("study", prop), indent)
        types = schemas.types(prop_resolved)
        if "object" in types and "properties" in prop_resolved:
            out.append(f"{pad}{name}:\n")
            sub = values.get(name)
            out += _lines(prop_resolved, sub if isinstance(sub, dict) else values, indent + 2)
        elif "array" in types and "properties" in schemas.resolve("study", prop_resolved.get("items", {})):
            item_lines = _lines(prop_resolved["items"], values, indent + 4)
            first = next(i for i, line in enumerate(item_lines) if not line.lstrip().startswith("#"))
            item_lines[first] = f"{pad}  - " + item_lines[first].lstrip()
            if "null" in types:  # a list of records that usually has entries: show one to fill in
                out.append(f"{pad}{name}:\n")
                out += item_lines
            else:  # often empty: an empty list, with the shape of an entry shown in comments
                out += [f"{pad}# Example entry:\n"] + [
                    f"{pad}#{line[len(pad):]}" if line.startswith(pad) else line for line in item_lines
                    if not line.lstrip().startswith("#")]
                out.append(f"{pad}{name}: []\n")
        else:
            value = values.get(name)
            shown = "[]" if (value is None and "array" in types and "null" not in types) else json.dumps(value, ensure_ascii=False)
            out.append(f"{pad}{name}: {shown}\n")
    return out
