"""What a built page can run: its scripts, event-handler attributes, URLs and Content-Security-Policy.

Pages are parsed with html.parser (never grepped), so an attribute or a script counts only if a
browser would see it as one. Used by test_hostile.py and test_escaping.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# Attributes whose value a browser loads or follows as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "background", "data",
                  "cite", "ping", "manifest", "codebase", "longdesc", "lowsrc", "dynsrc", "archive", "usemap"}
SAFE_SCHEMES = {"", "http", "https"}
# Elements no page of this site has, and none may get from data.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "math",
                      "template", "portal", "noscript"}
BLOCKS = {"p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "caption",
          "pre", "title", "ul", "ol", "dl", "table", "section", "article", "nav", "header", "footer", "label",
          "option", "select", "form", "fieldset", "legend", "main", "aside"}
CSP_META = "content-security-policy"


def url_scheme(value: str) -> str:
    """The scheme a browser would use for an attribute value ('' for a relative URL)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).lower()  # browsers ignore these inside a scheme
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


def script_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@dataclass
class Script:
    attrs: dict
    text: str = ""
    line: int = 0


class Page(HTMLParser):
    """One built page: its scripts, handler attributes, URL attributes, links, CSP and visible text."""

    def __init__(self, path: Path | None = None, text: str | None = None):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.scripts: list[Script] = []
        self.handlers: list = []  # (tag, attribute, value, line)
        self.urls: list = []  # (tag, attribute, value, line)
        self.forbidden: list = []  # (tag, line)
        self.styled: list = []  # (tag, line) of elements with a style attribute
        self.links: list = []  # (href, rel) of every <a>
        self.csp: list = []  # (policy, line) of every CSP meta element
        self.first_script_line: int | None = None
        self.chunks: list[str] = []
        self._script: Script | None = None
        self.feed(path.read_text(encoding="utf-8") if text is None else text)
        self.close()
        self.text = " ".join("".join(self.chunks).split())

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = {}
        for name, value in attrs:
            value = value or ""
            values[name] = value
            if name.startswith("on"):
                self.handlers.append((tag, name, value, line))
            if name in URL_ATTRIBUTES:
                self.urls.append((tag, name, value, line))
            if name == "style":
                self.styled.append((tag, line))
        if tag in FORBIDDEN_ELEMENTS:
            self.forbidden.append((tag, line))
        if tag == "meta" and values.get("http-equiv", "").lower() == CSP_META:
            self.csp.append((values.get("content", ""), line))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.forbidden.append(("meta http-equiv=refresh", line))
        if tag == "a":
            self.links.append((values.get("href"), values.get("rel")))
        if tag == "script":
            self._script = Script(values, line=line)
            if self.first_script_line is None:
                self.first_script_line = line
        if tag in BLOCKS:
            self.chunks.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None
        if tag in BLOCKS:
            self.chunks.append(" ")

    def handle_data(self, data):
        if self._script is not None:
            self._script.text += data
        else:
            self.chunks.append(data)

    # What the page is allowed to run ------------------------------------------------------------

    def csp_directives(self) -> dict[str, list[str]]:
        if not self.csp:
            return {}
        directives = {}
        for part in self.csp[0][0].split(";"):
            words = part.split()
            if words:
                directives[words[0].lower()] = words[1:]
        return directives

    def dangers(self) -> list[str]:
        """Everything on the page that could run code or load from elsewhere that is not the site's own."""
        found = [f"{tag} has event handler {name}={value!r} (line {line})" for tag, name, value, line in self.handlers]
        found += [f"{tag} {name}={value!r} uses the {url_scheme(value)}: scheme (line {line})"
                  for tag, name, value, line in self.urls if url_scheme(value) not in SAFE_SCHEMES]
        found += [f"<{tag}> element (line {line})" for tag, line in self.forbidden]
        found += [f"{tag} has a style attribute (line {line})" for tag, line in self.styled]
        allowed = set(self.csp_directives().get("script-src", []))
        for script in self.scripts:
            src, kind = script.attrs.get("src"), script.attrs.get("type", "").lower()
            if src is not None:
                if url_scheme(src) or src.startswith("//") or src.startswith("\\"):
                    found.append(f"script loads {src!r} from another site (line {script.line})")
            elif kind in ("application/json", "application/ld+json"):  # data blocks, never run
                try:
                    json.loads(script.text)
                except ValueError:  # cut short by a "</script" inside it: the rest would be markup
                    found.append(f"data block that is not JSON (line {script.line}): {script.text[:80]!r}")
            elif f"'{script_hash(script.text)}'" not in allowed:
                found.append(f"inline script not allowed by the page's policy (line {script.line}): "
                             f"{script.text[:80]!r}")
        for href, rel in self.links:
            if href and url_scheme(href) in ("http", "https") and "noopener" not in (rel or "").split():
                found.append(f"external link {href!r} without rel=noopener")
        return found


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))
