"""Render the site's pages (Markdown with small HTML blocks) from Jinja templates.

Escaping is done in one place, `page_text`: every value a template prints passes through it
(Jinja's `finalize`), so text from a data file can never become Markdown, HTML or Jinja
syntax. Links to other sites pass one allow-list (`safe_url`).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import PACKAGE_DIR
from .charts import build_charts, svg_number

TEMPLATE_DIR = PACKAGE_DIR / "templates"
NOT_REPORTED = "not reported"

# Characters that mean something to Markdown, HTML or Jinja anywhere in a line. They become numeric
# character references, which browsers show as the character and Markdown passes through untouched.
_ESCAPE = set("&<>\"'`*_[](){}|!~^$=#+\\")
_LINE_START = re.compile(r"^(?:[-.:;,?%@/]|[0-9]+[.)])")  # list, heading or definition markers at line start
_SAFE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a study id names its page: no slash, dot or space
# Control and invisible direction characters are dropped; the joiners U+200C and U+200D stay (emoji and
# several scripts need them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _ref(char: str) -> str:
    return f"&#{ord(char)};"


def page_text(value) -> Markup:
    """Any value as safe page text: None -> 'not reported', whitespace folded, syntax as entities.

    This is the one place where data becomes page text: Jinja calls it for every printed value.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup(NOT_REPORTED)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = " ".join(_CONTROL.sub("", str(value)).split())
    start = _LINE_START.match(text)
    head = ""
    if start:
        head = start.group()[:-1] + _ref(start.group()[-1])
        text = text[start.end():]
    return Markup(head + "".join(_ref(c) if c in _ESCAPE else c for c in text))


def front_matter_title(value) -> Markup:
    """A page title for YAML front matter: characters that could form markup are dropped.

    MkDocs themes print page titles into <title> and navigation without escaping, so a title
    must not contain < > & " ' ` { } or backslashes at all; the JSON quoting keeps YAML happy.
    """
    text = " ".join(_CONTROL.sub("", str(value)).split())
    text = "".join(c for c in text if c not in "<>&\"'`{}\\")
    return Markup(json.dumps(text, ensure_ascii=True))


def safe_url(url: str | None) -> Markup | None:
    """The URL if it is http(s) with a host, else None (so it is never made a link)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in ' <>"\'`\\'):
        return None
    return Markup.escape(url.strip())


def doi_url(doi: str | None) -> Markup | None:
    if not isinstance(doi, str) or not doi.startswith("10."):
        return None
    return Markup.escape("https://doi.org/" + quote(doi, safe="/:;()._-"))


def join_list(values, empty: str = NOT_REPORTED) -> str | None:
    if not values:
        return None
    return ", ".join(str(v) for v in values)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        finalize=page_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # so Markdown heading ids such as {#overall} stay text
        comment_end_string="##}",
    )
    env.filters.update(doi_url=doi_url, safe_url=safe_url, join_list=join_list, front_matter_title=front_matter_title)
    env.filters["num"] = svg_number  # chart coordinates: a number, never text
    return env


_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()  # templates compile once per process
    return _ENV


def render_pages(review: dict, studies: list[dict], summary: dict) -> dict[str, str]:
    """Every generated page as {source path under docs/: Markdown text}."""
    env = _env()
    labels = {group: {c["key"]: c for c in items} for group, items in review["codebook"].items()}
    context = {"review": review, "studies": studies, "summary": summary, "labels": labels}
    context["charts"] = build_charts(review, studies, summary)  # every figure's data, computed once
    pages = {}
    for name in ("index", "findings", "limitations", "methods", "citation"):
        pages[f"{name}.md"] = env.get_template(f"{name}.md.j2").render(context)
    pages["studies/index.md"] = env.get_template("studies.md.j2").render(context)
    study_template = env.get_template("study.md.j2")
    for study in studies:
        if not _SAFE_ID.fullmatch(str(study["id"])):  # validation refuses such ids; an id never becomes a path
            raise ValueError(f"study id {study['id']!r} cannot name a page")
        pages[f"studies/{study['id']}.md"] = study_template.render(context, study=study)
    return pages
