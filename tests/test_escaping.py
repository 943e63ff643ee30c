"""Escaping by construction: hostile text through every macro, the one URL allow-list, ids that
would be paths, and the Content-Security-Policy on every built page.

Macro output is turned into HTML by Python-Markdown with the extensions mkdocs.yml lists, then
parsed with html.parser: a hostile value must come out as visible text, never as an element, an
attribute, a link or a script.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
import yaml
from jsonschema import Draft202012Validator

from evidence_site.aggregate import Count
from evidence_site.build import prepare
from evidence_site.csp import POLICY, csp_policy, script_hash
from evidence_site.render import TEMPLATE_DIR, doi_url, environment, render_pages, safe_url
from evidence_site.report import Reporter
from html_safety import Page, site_pages

ENV = environment()  # one Jinja environment for the module, as the plugin keeps one a build

ROOT = Path(__file__).resolve().parent.parent
MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"

# Everything a study or review file could try in one value.
H = ("<script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)> [x](javascript:alert(4)) "
     "![y](data:text/html;base64,PHNjcmlwdD4=) <https://evil.example> {{ 7*7 }} {% if 1 %}x{% endif %} "
     "\" onmouseover=\"alert(5)\" ' onfocus='alert(6)' {: onclick=alert(7) } <!-- ```")
HK = 'key" onclick="alert(8)'  # a codebook key: printed inside attributes and class names
SHOWN = " ".join(H.split())


def hostile_labels() -> dict:
    entry = {"key": HK, "label": H, "symbol": H, "definition": H}
    return {group: {HK: entry} for group in ("effects", "quality_ratings", "outcomes", "intervention_types",
                                             "quality_components")}


def hostile_study() -> dict:
    return {
        "id": "a-2020",  # ids are refused unless they match the schema: see test_unsafe_ids_* below
        "citation": {"authors": [H, H, H], "year": H, "year_note": H, "title": H, "journal": H, "volume": H,
                     "issue": H, "pages": H, "doi": "10.1234/" + H},
        "country": [H, H], "design": H, "comparator": H, "follow_up": H,
        "sample": {"size": H, "size_note": H, "population": H, "mean_age": H, "percent_female": H},
        "intervention": {"type": HK, "description": H, "platforms": [H, H], "duration": H},
        "outcomes": [{"domain": HK, "name": H, "instrument": H, "effect": HK, "effect_size": H, "note": H}],
        "outcomes_note": H, "overall_effect": HK, "overall_effect_note": H, "review_finding": H,
        "quality": {"global": HK, "components": {HK: HK}},
        "inferred": [{"field": H, "reason": H}], "sources": [H], "added": H, "updated": H,
    }


def hostile_row() -> dict:
    return {"key": HK, "label": H, "definition": H, "reported": {"studies": 3, HK: 1},
            "reported_favourable": Count(1, 3), "transcribed": 2, "transcribed_favourable": 1,
            "transcribed_share": Count(1, 2), "missing": 1, "studies": ["a-2020"]}


# For each macro: calls with hostile arguments, and whether the whole hostile text must show.
# Arguments that are always template constants (a link's base, a page name) stay ordinary.
CALLS = {
    "nr": [((H,), True), ((None, H), True), (([], H), True)],
    "count": [((Count(1, 3), H), False), ((None, H), True), ((Count(0, 0), H), False)],
    "effect": [((HK, hostile_labels()), True), ((None, hostile_labels()), False)],
    "quality": [((HK, hostile_labels()), True)],
    "study_name": [((hostile_study(),), False)],
    "study_link": [((hostile_study(),), False)],
    "doi_link": [(("10.1234/" + H,), False)],
    "study_reference": [((hostile_study()["citation"],), True)],
    "outcome_list": [((hostile_study(), hostile_labels()), True)],
    "study_row": [((hostile_study(), hostile_labels()), True)],
    # rows come already rendered by study_row; the caption is the hostile part (no rows: a fixed sentence)
    "study_rows_table": [((["<tr><td>a row</td></tr>"], H), True), (([], H), False)],
    "finding": [((HK, H, H, "findings/"), True)],
    "comparison_table": [(([hostile_row()], H, "type-", H, {"key": HK, "label": H}, H), True)],
    "pagination": [(({"label": H, "current": 2, "total": 3, "prev": H, "next": H},), False)],
    "report_link": [((Reporter("https://github.com/owner/name").finding(H, H), H), True), ((None, H), False)],
    # a mark with no data in it; a field listed under inferred (here by a hostile path) or not
    "worked_mark": [((), False)],
    "worked": [((hostile_study(), H), False), ((hostile_study(), "country"), False)],
    "other_classes": [((SimpleNamespace(overall=[SimpleNamespace(label=H, reported=Count(1, 3))] * 3),), True)],
}


def macro_names() -> list[str]:
    source = (TEMPLATE_DIR / "_macros.md.j2").read_text(encoding="utf-8")
    return re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", source)


def markdown_to_html(text: str) -> str:
    """Convert as MkDocs does, with the Markdown extensions mkdocs.yml configures."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV and the like
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names, configs = [], {}
    for item in config.get("markdown_extensions", []):
        name, options = (item, None) if isinstance(item, str) else next(iter(item.items()))
        names.append(name)
        if options:
            configs[name] = options
    return markdown.markdown(text, extensions=names, extension_configs=configs)


def call(macro: str, args: tuple) -> str:
    template = ENV.from_string('{% import "_macros.md.j2" as m %}{{ m.' + macro + "(*args) }}")
    return template.render(args=args)


def test_every_macro_has_hostile_calls():
    missing = sorted(set(macro_names()) - set(CALLS))
    assert missing == [], "give each macro in _macros.md.j2 hostile arguments in CALLS"


@pytest.mark.parametrize("macro", macro_names())
def test_macro_turns_hostile_text_into_text(macro):
    for args, shows_all in CALLS[macro]:
        html = markdown_to_html(call(macro, args))
        page = Page(text=html)
        assert page.dangers() == [], html
        assert page.scripts == []
        if shows_all:
            assert SHOWN in page.text or SHOWN.lower() in page.text, html
        assert "49" not in page.text  # {{ 7*7 }} printed, never evaluated


def test_macro_attributes_keep_hostile_keys_inside_their_quotes():
    class Rows(HTMLParser):
        rows: list = []

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append(dict(attrs))

    html = markdown_to_html(call("study_row", (hostile_study(), hostile_labels())))
    parser = Rows()
    parser.feed(html)
    assert parser.rows == [{"id": "a-2020", "data-type": HK, "data-outcomes": HK, "data-quality": HK,
                            "data-effect": HK}]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x",
    "https://example.org/\" onmouseover=\"alert(1)", "https://example.org/'x", "https://example.org/<b>",
    "http://", "mailto:a@example.org", "ftp://example.org/", "https:evil.example",
])
def test_safe_url_refuses_everything_but_http_links(url):
    assert safe_url(url) is None


def test_safe_url_and_doi_url_give_escaped_links():
    assert safe_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&amp;c=2"
    assert doi_url("10.1234/<script>alert(1)</script>") == "https://doi.org/10.1234/%3Cscript%3Ealert(1)%3C/script%3E"
    assert doi_url('10.1234/x" onmouseover="alert(1)') == "https://doi.org/10.1234/x%22%20onmouseover%3D%22alert(1)"
    for not_a_doi in ("javascript:alert(1)//10.1/x", "https://doi.org/10.1/x", "", None, 10.1):
        assert doi_url(not_a_doi) is None


UNSAFE_IDS = ["../evil-2020", "../../../../evil-2020", "/tmp/evil-2020", "evil/../../x-2020", "..\\evil-2020",
              "evil-2020/..", ".evil-2020", "evil 2020", "Evil-2020", "h\u043estile-2020", "evil-\uff12\uff10\uff12\uff10",
              "evil-2020\n", "evil-2020\r\n", "javascript:alert(1)//-2020", "%2e%2e-2020", "evil-2020.md", ""]


@pytest.mark.parametrize("study_id", UNSAFE_IDS)
def test_unsafe_ids_are_refused_by_the_schema(study_id):
    schema = json.loads((ROOT / "evidence_site" / "schema" / "study.schema.json").read_text(encoding="utf-8"))
    assert not Draft202012Validator(schema["properties"]["id"]).is_valid(study_id)


@pytest.mark.parametrize("study_id", UNSAFE_IDS)
def test_unsafe_ids_never_become_page_paths(study_id):
    """Even if validation were bypassed, render_pages refuses an id that is not a plain page name."""
    site = prepare(MADEUP)
    studies = [dict(s) for s in site.studies]
    studies[0]["id"] = study_id
    with pytest.raises(ValueError, match="cannot name a page"):
        render_pages(site.review, studies, site.summary)


def test_policy_allows_only_the_theme_scripts_it_is_given():
    policy = csp_policy("<p>x</p><script>var a=1</script>\n<script>var b=2</script><script src=x.js></script>")
    assert set(directives(policy)["script-src"]) == {"'self'", script_hash("var a=1"), script_hash("var b=2")}
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert csp_policy("") == POLICY.format(hashes="")


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_built_page_carries_the_policy_before_any_script(built_site):
    pages = site_pages(built_site)
    assert len(pages) > 10
    problems = []
    for path in pages:
        page = Page(path)
        rel = path.relative_to(built_site).as_posix()
        if len(page.csp) != 1:
            problems.append(f"{rel}: {len(page.csp)} Content-Security-Policy meta elements")
            continue
        policy, line = page.csp[0]
        if page.first_script_line is not None and line > page.first_script_line:
            problems.append(f"{rel}: the policy comes after the first script")
        found = directives(policy)
        expected = directives(POLICY.format(hashes=""))
        hashes = found.get("script-src", [])[1:]
        found["script-src"] = found.get("script-src", [])[:1]
        if found != expected:
            problems.append(f"{rel}: policy {policy!r}")
        if not all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", h) for h in hashes):
            problems.append(f"{rel}: script-src allows more than hashes: {hashes}")
        inline = [s for s in page.scripts if "src" not in s.attrs and "type" not in s.attrs]
        if sorted({script_hash(s.text) for s in inline}) != sorted(hashes):
            problems.append(f"{rel}: the hashes do not match the page's inline scripts exactly")
        problems += [f"{rel}: {danger}" for danger in page.dangers()]
    assert problems == []
