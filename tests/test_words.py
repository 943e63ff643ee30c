"""Every sentence says whose figure it is, in the right words (issue 13; issue 12 items 5 and 6).

The made-up review (tests/fixtures/madeup-review) has its own quality tool (QUACK), subject, outcome
and small-group setting, a `missing:` map with both reasons, and an effect class without a symbol:
exact words are checked there. Checks on the real build hold for any valid data.
"""

from __future__ import annotations

import copy
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml

from evidence_site.aggregate import (NOT_YET_TRANSCRIBED, Count, Missing, codebook_labels,
                                     present_review, present_study)
from evidence_site.build import build, prepare
from evidence_site.pages import page_info
from evidence_site.render import environment as _env, render_pages

from conftest import ROOT, copy_project

MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"
# Words of the real review that must never be written into a template: the made-up review's pages
# must not contain any of them.
SITE_NAME = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\n", 3)[2])["site_name"]
REAL_WORDS = ["EPHPP", "social media", "experimental studies", "well-being improved", "fewer than 5 ", "in adults"]


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r"\( ", "(", re.sub(r" ([.,;:)])", r"\1", text))


@pytest.fixture(scope="module")
def madeup():
    return prepare(MADEUP)


@pytest.fixture(scope="module")
def madeup_pages(madeup):
    return render_pages(madeup.review, madeup.studies, madeup.summary)


@pytest.fixture(scope="module")
def madeup_site(tmp_path_factory) -> Path:
    """The made-up review built with the real MkDocs build (strict)."""
    root = copy_project(tmp_path_factory.mktemp("madeup") / "project", studies=False)
    shutil.copy2(MADEUP / "review.yml", root / "review.yml")
    for study in (MADEUP / "studies").glob("*.yml"):
        shutil.copy2(study, root / "studies" / study.name)
    from evidence_site.pages import PAGES

    # the made-up review publishes its registry pages (its own anchors differ from the real review's)
    (root / "published-urls.txt").write_text("".join(f"{p.url}\n" for p in PAGES if p.published), encoding="utf-8")
    return build(root, root / "site")


# --- 12.5: review-specific words come from review.yml ------------------------------------------------

def test_madeup_pages_golden(madeup_pages, golden):
    for name in ("index.md", "findings.md", "press.md", "limitations.md", "methods.md", "studies/index.md"):
        golden(f"pages/{name.replace('/', '-')}", madeup_pages[name])


def test_madeup_review_words_on_every_page(madeup_site):
    pages = sorted(madeup_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        if path.name == "404.html":
            continue
        url = "/" + path.relative_to(madeup_site).parent.as_posix()
        if url.startswith("/contribute") or url == "/.":  # contribute documents the real schema's words
            continue
        # the site name comes from mkdocs.yml (the engine's config), not from a template
        text = text_of(path.read_text(encoding="utf-8")).replace(SITE_NAME, "")
        for word in REAL_WORDS:
            at = text.find(word)
            assert at < 0, f"{url}: '{word}' is the real review's word, written into a template: {text[at - 80:at + 40]!r}"
    for url in ("", "findings", "press"):
        text = text_of((madeup_site / url / "index.html").read_text(encoding="utf-8"))
        assert "made-up calm" in text and "made-up habit programmes" in text or url == "findings", url
    for url in ("limitations", "methods", "studies", "studies/alpha-2020"):
        assert "QUACK" in text_of((madeup_site / url / "index.html").read_text(encoding="utf-8")), url
    home = text_of((madeup_site / "index.html").read_text(encoding="utf-8"))
    assert "The review rated 3 of the 4 studies weak quality on the QUACK tool." in home
    assert "systematic review of 4 made-up trials" in home


def test_small_group_threshold_comes_from_review_yml(madeup):
    assert madeup.summary.small_group_below == 3
    html = _env().from_string('{% import "_macros.md.j2" as m %}{{ m.count(c) }}').render(
        c=madeup.summary.by_type[0].reported_favourable)
    assert "fewer than 3 studies: read with care" in html


# --- 12.6: one symbol fallback ----------------------------------------------------------------------

def test_effect_without_symbol_prints_its_first_letter(madeup, madeup_pages):
    labels = codebook_labels(madeup.review)
    assert labels["effects"]["no-effect"]["symbol"] == "N"
    badge = _env().from_string('{% import "_macros.md.j2" as m %}{{ m.effect("no-effect", labels) }}').render(
        labels=labels)
    assert '<span class="effect__symbol" aria-hidden="true">N</span> No effect' in badge
    for page in madeup_pages.values():
        assert 'aria-hidden="true">not reported<' not in page


def test_study_template_has_no_dead_guards():
    text = (ROOT / "evidence_site" / "templates" / "study.md.j2").read_text(encoding="utf-8")
    assert "is defined" not in text


# --- 13.2: missing values carry their reason -----------------------------------------------------

def test_missing_reasons_come_from_the_data(madeup, madeup_pages):
    view = present_review(madeup.review)
    assert str(view["reported"]["by_outcome"]["anxiety"]) == "not yet transcribed"
    assert str(view["citation"]["license"]) == "not yet transcribed"  # a null with no reason given
    assert view["site"]["repository"] is None  # a setting not set, not a missing fact
    assert not Missing(NOT_YET_TRANSCRIBED)  # false in tests, like null
    findings = text_of(madeup_pages["findings.md"])
    assert "The review's count for anxiety is not yet transcribed." in findings
    assert "The review's count for loneliness is not reported." in findings  # listed as not-reported
    from evidence_site.charts import prisma

    stages = {b.key: str(b.value) for b in prisma(madeup.review).boxes}
    assert stages["records_screened"] == "not reported" and stages["records_identified"] == "100"
    assert "Records screened by title and abstract: not reported" in madeup_pages["methods.md"]


def test_a_null_in_a_study_file_is_not_yet_transcribed_unless_missing_says_why():
    """A null never says the source left the value out: that takes an entry under `missing`."""
    study = {"overall_effect": None, "review_finding": None, "country": None, "design": "Trial",
             "quality": {"global": None, "components": None}, "sample": {"size": None, "size_note": None},
             "outcomes": [{"domain": "d", "instrument": None, "effect_size": None, "note": None}],
             "overall_effect_note": None, "updated": None,
             "missing": [{"field": "sample.size", "status": "sources-disagree"},
                         {"field": "outcomes[0].effect_size", "status": "not-reported"}]}
    view = present_study(study)
    for path in ("overall_effect", "review_finding", "country"):
        assert str(view[path]) == "not yet transcribed", path
    assert str(view["quality"]["global"]) == "not yet transcribed"
    assert str(view["outcomes"][0]["instrument"]) == "not yet transcribed"
    assert str(view["sample"]["size"]) == "the sources disagree"
    assert str(view["outcomes"][0]["effect_size"]) == "not reported"
    assert view["design"] == "Trial"
    # notes and the date of the last change say only that there is nothing to add
    assert view["sample"]["size_note"] is None and view["outcomes"][0]["note"] is None
    assert view["overall_effect_note"] is None and view["updated"] is None


def test_a_study_page_shows_each_missing_value_with_its_reason(madeup):
    study = copy.deepcopy(madeup.studies[0])
    study["sample"].update(size=None, mean_age=None)
    study.update(overall_effect=None, outcomes=None)
    study["quality"] = {"global": None, "components": None}
    study["missing"] = [{"field": "sample.size", "status": "sources-disagree"},
                        {"field": "sample.mean_age", "status": "not-reported"},
                        {"field": "overall_effect", "status": "not-reported"},
                        {"field": "outcomes", "status": "not-reported"},
                        {"field": "quality.global", "status": "sources-disagree"}]
    pages = render_pages(madeup.review, [study, *madeup.studies[1:]], madeup.summary)
    page = pages[f"studies/{study['id']}.md"]
    facts = dict(re.findall(r"<dt>(.*?)</dt> <dd>(.*?)</dd>", page))
    assert text_of(facts["Participants"]) == "the sources disagree"
    assert text_of(facts["Mean age"]) == "not reported"
    assert text_of(facts["Review's overall classification"]) == "not reported"
    assert text_of(facts[next(k for k in facts if k.startswith("Quality"))]) == "the sources disagree"
    assert "The review's classification of it is not reported." in text_of(page)
    assert "Not reported." in text_of(page.split("{#outcomes}", 1)[1])
    row = text_of(pages["studies/index.md"].split(f'<tr id="{study["id"]}"', 1)[1].split("</tr>", 1)[0])
    assert "the sources disagree" in row and "not reported" in row  # its quality and outcomes in the table
    assert text_of(facts["Women"]) == ("not yet transcribed" if study["sample"]["percent_female"] is None
                                       else f"{study['sample']['percent_female']}%")


def test_effect_size_note_shows_under_a_table_that_gives_an_effect_size(madeup, built_site):
    """methods.effect_size_note (review.yml) explains the effect sizes, only where a study page shows one."""
    note = madeup.review["methods"]["effect_size_note"]
    study = copy.deepcopy(madeup.studies[0])
    pages = render_pages(madeup.review, [study, *madeup.studies[1:]], madeup.summary)
    assert note not in pages[f"studies/{study['id']}.md"]  # no effect size given, no note
    study["outcomes"][0]["effect_size"] = "z=1.5"
    pages = render_pages(madeup.review, [study, *madeup.studies[1:]], madeup.summary)
    page = pages[f"studies/{study['id']}.md"]
    assert page.index("</table>") < page.index(f'<p class="note">{note}</p>') < page.index("{#provenance}")
    # the real review says what d is, on the pages of studies with an effect size and on no other
    real = " ".join(yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))["methods"]["effect_size_note"].split())
    assert "Cohen's d" in real
    for path in (ROOT / "studies").glob("*.yml"):
        outcomes = yaml.safe_load(path.read_text(encoding="utf-8")).get("outcomes") or []
        text = unescape(text_of((built_site / "studies" / path.stem / "index.html").read_text(encoding="utf-8")))
        assert (real in text) == any(o.get("effect_size") for o in outcomes), path.stem


def test_real_study_pages_say_not_reported_only_where_the_file_says_so(built_site):
    """On every study page, "not reported" and "the sources disagree" appear only for fields the
    study file lists under `missing` with that status; every other null is "not yet transcribed"."""
    for path in (ROOT / "studies").glob("*.yml"):
        study = yaml.safe_load(path.read_text(encoding="utf-8"))
        statuses = {entry["status"] for entry in study.get("missing") or []}
        text = text_of((built_site / "studies" / study["id"] / "index.html").read_text(encoding="utf-8"))
        facts = text.split("Review's overall classification", 1)[-1].split("How sure is this record?", 1)[0]
        assert ("not reported" in facts) <= ("not-reported" in statuses), path.name
        assert ("the sources disagree" in facts) <= ("sources-disagree" in statuses), path.name


def _nulls(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nulls(item, f"{path}.{key}" if path else key)
    elif value is None:
        yield path


def test_real_site_never_says_not_reported_for_what_the_review_gives(built_site):
    """A review value listed as not yet transcribed never shows as 'not reported', on any page about the
    review; and on study pages, the review's own data never shows as 'not reported'."""
    review = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))
    reasons = review.get("missing") or {}
    unexplained = [p for p in _nulls({k: review[k] for k in ("citation", "methods", "prisma", "reported")})
                   if reasons.get(p, "not-reported") == "not-reported"]
    for url in ("", "press", "limitations", "citation"):
        text = text_of((built_site / url / "index.html").read_text(encoding="utf-8"))
        if not unexplained:
            assert "not reported" not in text.lower(), url
    methods = text_of((built_site / "methods" / "index.html").read_text(encoding="utf-8"))
    body = methods.split("does not give.", 1)[-1]
    assert ("not reported" in body) == bool(unexplained)
    review_labels = ("Review's overall classification", "Review's main finding", "global rating")
    for study in (ROOT / "studies").glob("*.yml"):
        html = (built_site / "studies" / study.stem / "index.html").read_text(encoding="utf-8")
        for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S):
            if any(label in unescape(dt) for label in review_labels):
                assert "not reported" not in dd, f"{study.stem}: {dt} says not reported"


# --- 13.1: provenance; intervals are this site's, and only on estimates --------------------------------

def test_every_interval_is_labelled_as_calculated_here(built_site):
    for path in built_site.rglob("*.html"):
        text = text_of(path.read_text(encoding="utf-8"))
        for match in re.finditer(r"95% (?:CI|interval) \d+–\d+%", text):
            after = text[match.end():match.end() + 60]
            before = text[max(0, match.start() - 80):match.start()]
            assert "calculated by this site" in after or "Calculated by this site" in before, \
                f"{path}: {text[match.start() - 60:match.end() + 60]!r}"
        assert "review's own, with its 95%" not in text
    for path in (built_site / "data").iterdir():
        assert "95% CI" not in path.read_text(encoding="utf-8"), path  # downloads hold counts only


def test_whose_percentages_comes_from_review_yml(built_site, madeup_pages):
    """reported.percentages_printed: the real review prints its percentages, so the pages credit them to
    it; the made-up review leaves the field out, so its pages say this site calculated them. The
    intervals are this site's either way."""
    home = text_of((built_site / "index.html").read_text(encoding="utf-8"))
    assert "The counts and percentages below are the review's." in home
    press = text_of((built_site / "press" / "index.html").read_text(encoding="utf-8"))
    assert "39%, the review reports. 95% interval 22–59%, calculated by this site from the review's counts." in press
    for url in ("", "press", "findings", "limitations"):
        text = text_of((built_site / url / "index.html").read_text(encoding="utf-8"))
        assert "not by the review" not in text and "The percentage is rounded, and calculated by this site" not in text, url
    made_up = text_of(madeup_pages["index.md"])
    assert "The percentages, and the 95% intervals beside them, are calculated by this site" in made_up
    assert "Calculated by this site from the review's counts: 50%" in text_of(madeup_pages["press.md"])


def test_limits_of_the_evidence_say_what_the_review_says(built_site):
    """Selection bias is the most common weakness the review names, not the cause of the weak ratings;
    the student samples are convenience samples (not 'volunteers'), worded one way on every page."""
    student_limit = "convenience samples of university students, which limits how far the results apply to other groups"
    for url in ("", "press", "limitations"):
        text = text_of((built_site / url / "index.html").read_text(encoding="utf-8"))
        assert student_limit in text, url
        for wrong in ("mostly because of", "most often because of", "volunteer", "older adults", "worth knowing"):
            assert wrong not in text, (url, wrong)
    limitations = text_of((built_site / "limitations" / "index.html").read_text(encoding="utf-8"))
    assert "22/23 (96%), the review reports" in limitations and "16/23 (70%), the review reports" in limitations


def test_plain_facts_about_the_included_studies_have_no_interval(built_site):
    summary = prepare(ROOT).summary
    facts = [q.reported for q in summary.quality if q.reported] + [summary.students]
    for url in ("", "limitations", "findings", "press"):
        text = text_of((built_site / url / "index.html").read_text(encoding="utf-8"))
        for c in filter(None, facts):
            assert f"{c.n}/{c.of} ({c.percent}%;" not in text, url
    assert all(c.interval is None for c in filter(None, facts))
    for t in summary.by_type:
        assert t.transcribed_share is None or t.transcribed_share.interval is None  # a tally of files


def test_cards_name_their_source_and_follow_one_rule():
    site = prepare(ROOT)
    info = page_info(site.review, site.studies, site.summary, site_url="https://evidence.example.org/review/")
    c = site.review["citation"]
    cards = {path: page["card"] for path, page in info.items() if page["card"]}
    assert cards
    for path, (figure, caption) in cards.items():
        assert figure and "not reported" not in figure and "not yet transcribed" not in figure, path
        assert caption.count("Source:") == 1 and caption.endswith(
            f"{c['journal_abbrev'] or c['journal']} {c['year']}; evidence.example.org/review."), path
        assert "CI" not in caption and "%" not in figure, path  # no interval on a card, so none unlabelled
        assert "review" in caption, path  # whose figure it is
    for study in site.studies:
        if study["overall_effect"] is None:  # no card is built from a missing value
            assert info[f"studies/{study['id']}.md"]["card"] is None
            assert "not yet transcribed" in info[f"studies/{study['id']}.md"]["description"]


def test_madeup_cards_give_exact_sentences(madeup):
    info = page_info(madeup.review, madeup.studies, madeup.summary, site_url="")
    figure, caption = info["index.md"]["card"]
    assert figure == "2 of 4"
    assert caption == ("studies found that made-up calm improved, the review reports. The review rated 3 of the 4 "
                       "studies weak quality. Source: Fixture, Journal of Test Fixtures 2024.")
    figure, caption = info["studies/alpha-2020.md"]["card"]
    assert (figure, caption.split(" Source:")[0]) == (
        "Improved", "is the review's classification of this study of a therapy-based intervention (10 participants), "
                    "one of 4. The review rated 3 of the 4 studies weak quality.")


# --- 13.3 / 13.4: home page shape and quotable press sentences ---------------------------------------

def test_home_page_has_the_plain_language_summary_headings(madeup_pages):
    headings = re.findall(r"^## (.+?) \{#", madeup_pages["index.md"], re.M)
    assert headings[:6] == ["Key messages", "What did the review want to find out?", "What did the review do?",
                            "What did the review find?", "What are the limitations of the evidence?",
                            "How up to date is this evidence?"]
    home = text_of(madeup_pages["index.md"])
    assert ("Made-up calm improved in 2 of the 4 studies, the review reports; it classed 1 as mixed and 1 as no "
            "effect.") in home
    assert "Made-up conclusion, the review's authors conclude." in home
    assert "The review's search ran up to 31 December 2023." in home
    assert "Studies published after the search ended are not in it" in home and "since then" not in home


def test_press_sentences_are_complete_and_carry_copy_targets(madeup_pages):
    press = madeup_pages["press.md"]
    quotes = [text_of(q) for q in re.findall(r'<p class="press-quote">(.*?)</p>', press, re.S)]
    assert "In 1 of the 2 studies of therapy-based interventions, made-up calm improved, the review reports." in quotes
    assert "Depression improved in 1 of the 2 studies that measured it, the review reports." in quotes
    assert "Made-up conclusion, the review's authors conclude." in quotes
    # every quotable sentence names its source (the review, or its authors)
    assert all("review" in q for q in quotes), [q for q in quotes if "review" not in q]
    assert any(q.startswith("The review rated 3 of the 4 studies weak quality") for q in quotes)
    assert all(q.endswith(".") and q[0].isupper() for q in quotes)
    links = re.findall(r'data-copy-link="([^"]+)"', press)
    assert len(links) == len(quotes) and "<button" not in press  # buttons come from copy.js only


def test_press_permalinks_land_on_a_heading_or_sentence_that_says_whose_figure(built_site):
    press = (built_site / "press" / "index.html").read_text(encoding="utf-8")
    findings = (built_site / "findings" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'href="\.\./findings/#([a-z0-9-]+)"', press)) - {"intervals"}
    assert anchors
    for anchor in anchors:
        match = re.search(rf'<(h2|h3|li)\b[^>]*id="{anchor}"', findings)
        assert match, f"#{anchor} is not on a heading or a sentence"
        assert "<tr" not in findings[match.start():match.start() + 300]
        after = text_of(findings[match.start():match.start() + 1500])
        assert "the review reports" in after or "The review reports" in after, anchor


# --- 13.7 / 13.8: plurals, empty lists, the studies not yet transcribed --------------------------------

def test_plurals_and_empty_listings(madeup_pages):
    abstinence = madeup_pages["studies/type/abstinence/index.md"]
    assert "The review included no studies of abstinence interventions." in abstinence and "<table" not in abstinence
    assert "in this list yet" not in abstinence  # no study of the type to wait for
    anxiety = madeup_pages["studies/outcome/anxiety/index.md"]
    assert ("1 transcribed study measured it; the outcomes of 1 other study file are not yet transcribed, so that "
            "file may have measured it too.") in anxiety
    assert re.search(r": 1 study\b", anxiety) and "1 studies" not in anxiety
    for page in madeup_pages.values():
        assert not re.search(r"\b1 (studies|study files)\b", text_of(page))


def test_type_pages_say_what_the_review_reports_for_the_type(built_site, madeup_pages):
    """A type's page with no study file still says how many studies of the type the review included and
    how many it reports improved, and links to how complete the study data is."""
    summary = prepare(ROOT).summary
    for t in summary.by_type:
        html = (built_site / "studies" / "type" / t.key / "index.html").read_text(encoding="utf-8")
        text = text_of(html)
        if t.reported and t.reported["studies"]:
            assert f"The review included {t.reported['studies']} studies of {t.label.lower()} interventions" in text
            if t.reported_favourable:
                assert f"reports that mental well-being improved in {t.reported_favourable.n} of them." in text
            assert 'href="../../#completeness"' in html
            assert ("None of them is transcribed here yet" in text) == (not t.transcribed), t.key
        assert "0 transcribed studies" not in text
    made_up = text_of(madeup_pages["studies/type/therapy-based/index.md"])
    assert ("The review included 2 studies of therapy-based interventions, and reports that made-up calm improved in "
            "1 of them. All of them are transcribed here") in made_up


def test_studies_page_lists_what_is_not_yet_transcribed():
    site = prepare(ROOT)
    page = text_of(render_pages(site.review, site.studies, site.summary)["studies/index.md"])
    gaps = [t for t in site.summary.by_type if t.missing]
    for t in gaps:
        assert f"{t.missing} stud" in page and t.label.lower() in page
    assert (f"Not yet transcribed ({sum(t.missing for t in gaps)} stud" in page) == bool(gaps)


def test_madeup_legends_list_only_what_is_drawn(madeup):
    from evidence_site.charts import build_charts

    charts = build_charts(madeup.review, madeup.studies, madeup.summary)
    legend = [item.label for item in charts.effect_direction.legend]
    shown = {mk.effect.key for g in charts.effect_direction.groups for r in g.rows for c in r.cells
             for mk in c.marks}
    assert ("the review's classification is not yet transcribed" in legend) == ("unknown" in shown)
    rated = {s["quality"]["global"] for s in madeup.studies}
    for item in charts.effect_direction.legend:
        if item.kind == "quality":
            assert item.rating.key in rated
    # a type holding every study file has no plot of its own (it would repeat the overall one)
    one_type = copy.deepcopy(madeup.studies)
    for s in one_type:
        s["intervention"]["type"] = "abstinence"
    assert all(0 < t.transcribed < len(madeup.studies) for t in madeup.summary.by_type
               if t.key in charts.effect_direction_by_type)


# --- 13.9: search shows a summary, not tables -------------------------------------------------------

def test_search_index_holds_summaries_not_tables(built_site):
    import json

    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    for location in ("", "findings/", "press/", "studies/"):
        assert location in docs, location
    for doc in index["docs"]:
        assert "<table" not in doc["text"] and "<svg" not in doc["text"], doc["location"]
    for study in (ROOT / "studies").glob("*.yml"):
        texts = [d["text"] for loc, d in docs.items() if loc.startswith(f"studies/{study.stem}/")]
        assert any("A study of" in t and "One of the" in t for t in texts), study.stem
        assert not any("Outcomes measured" in t for t in texts), study.stem  # the tables stay out
    for summary_page in ("", "findings/", "press/"):
        texts = [d["text"] for loc, d in docs.items() if loc.split("#")[0] == summary_page]
        assert any("search-summary" not in t and len(t) > 40 for t in texts), summary_page


def test_study_lead_sentence_reads_well_and_leaves_out_an_inferred_country():
    from evidence_site.render import country_in_text, study_summary

    assert [country_in_text(c) for c in ("United Kingdom", "Bulgaria", "Netherlands", "Czech Republic")] == \
        ["the United Kingdom", "Bulgaria", "the Netherlands", "the Czech Republic"]
    site = prepare(ROOT)
    labels = codebook_labels(site.review)
    for study in site.studies:
        lead = study_summary(study, labels, site.summary.included)
        kind = labels["intervention_types"][study["intervention"]["type"]]["label"].lower()
        assert re.match(rf"A study of an? {re.escape(kind)} intervention\b", lead), lead
        assert " interventions " not in lead and ", , " not in lead
        inferred = {i["field"] for i in study.get("inferred") or []}
        for country in study.get("country") or []:
            assert (country in lead) == ("country" not in inferred), (study["id"], lead)
        domains = list(dict.fromkeys(o["domain"] for o in study["outcomes"] or []))
        if len(domains) > 1:  # "measuring a, b and c"
            last = labels["outcomes"][domains[-1]]["label"].lower()
            assert f" and {last}. " in lead, lead
    alpha = next(s for s in prepare(MADEUP).studies if s["id"] == "alpha-2020")
    made_up = study_summary({**alpha, "country": ["United States"], "inferred": []},
                            codebook_labels(prepare(MADEUP).review), 4)
    assert made_up.startswith("A study of a therapy-based intervention") and " in the United States" in made_up


def test_sentences_read_as_plain_english(built_site, madeup_pages):
    home = text_of((built_site / "index.html").read_text(encoding="utf-8"))
    assert "? The review looked at" in home and "? It looked at" not in home
    # the review gives the dates of its search, not a range of publication dates (as /methods/ says)
    assert "searched 3 databases for experimental studies (search period: 1 January 2004 to 31 July 2022)." in home
    assert "published from" not in home
    assert "calculated by this site from the review's counts (see what the intervals mean)." in home
    assert "Outcomes: aspects of mental well-being, such as depression" in home  # not "outcomes: ... outcomes"
    # the quality figure once, with its owner and tool; its published anchor (/#quality-weak) stays
    assert home.count("The review rated 22 of the 23 studies weak quality") == 1
    assert "The review rated 22 of the 23 studies weak quality on the EPHPP tool and names selection bias" in home
    assert 'id="quality-weak"' in (built_site / "index.html").read_text(encoding="utf-8")
    press = text_of((built_site / "press" / "index.html").read_text(encoding="utf-8"))
    assert "published in the Journal of Medical Internet Research" in press
    # the first key finding keeps the other classes with it, as the home page does
    assert ("In 9 of the 23 studies, mental well-being improved, according to a systematic review of social media "
            "use interventions; the review classed 7 as mixed and 7 as no effect.") in press
    # a caveat that is this site's own, not the review's, says so
    assert "This site's note, not the review's: the review covers experimental studies in adults;" in press
    findings = text_of((built_site / "findings" / "index.html").read_text(encoding="utf-8"))
    assert "classes and counted them" in findings and "limiting use interventions" not in findings
    assert "not yet transcribed, because that part of the review could not be read" in findings
    # the class definitions all rest on the review's own wording (a statistically significant difference or
    # none); "improved" covers a comparison group or the same people's earlier scores (Brown 2020)
    assert ("Improved The review reports a statistically significant improvement with the intervention, measured "
            "against a comparison group or against the same people's earlier scores.") in findings
    assert "intervention group did better" not in findings
    methods = text_of((built_site / "methods" / "index.html").read_text(encoding="utf-8"))
    assert "Search period 1 January 2004 to 31 July 2022. The preprint" in methods
    for study in ("hall-2019", "lambert-2022", "mitev-2021"):
        text = text_of((built_site / "studies" / study / "index.html").read_text(encoding="utf-8"))
        assert "(well-being)" not in text and "(well-being (composite))" not in text, study
    for path in (ROOT / "studies").glob("*.yml"):  # an unread class is followed by its note, as a sentence
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["overall_effect"] is None and data["overall_effect_note"]:
            page = text_of((built_site / "studies" / path.stem / "index.html").read_text(encoding="utf-8"))
            assert f"not yet transcribed. {data['overall_effect_note'][:30]}" in page, path.name
    # the made-up review lists the outcomes it gives no count for as not reported: not unread
    made_up = text_of(madeup_pages["findings.md"])
    assert "The review's counts for 1 of the 9 outcomes are not yet transcribed" in made_up
    assert "The review does not report counts for 7 of the 9 outcomes." in made_up


def test_count_text():
    assert str(Count(5, 6)) == "5/6 (83%; 95% CI 44-97%, calculated by this site)"
    assert str(Count(22, 23, estimate=False)) == "22/23 (96%)" and Count(22, 23, estimate=False).interval is None
    assert Count(2, 4, small_below=3).small is False and Count(2, 2, small_below=3).small is True


def test_every_review_schema_property_is_described():
    import json

    schema = json.loads((ROOT / "evidence_site" / "schema" / "review.schema.json").read_text(encoding="utf-8"))
    missing = []

    def walk(node, path):
        for name, prop in (node.get("properties") or {}).items():
            if not prop.get("description"):
                missing.append(path + name)
            walk(prop, f"{path}{name}.")
            if isinstance(prop.get("items"), dict):
                walk(prop["items"], f"{path}{name}[].")
    walk(schema, "")
    assert missing == []
    site = schema["properties"]["site"]["properties"]
    assert {"subject", "outcome", "study_kind", "population", "small_group_below"} <= set(site)
    assert "missing" in schema["properties"]


def test_outcome_pages_say_what_the_review_reports_for_the_outcome(built_site, madeup_pages):
    """Each outcome's list page gives the review's own count for the outcome, or why it has none,
    whatever the study files hold."""
    summary = prepare(ROOT).summary
    for o in summary.by_outcome:
        text = text_of((built_site / "studies" / "outcome" / o.key / "index.html").read_text(encoding="utf-8"))
        if o.reported_favourable:
            c = o.reported_favourable
            assert (f"The review reports that {c.of} {'study' if c.of == 1 else 'studies'} measured {o.label.lower()}, "
                    f"and that it {summary.favourable.label.lower()} in {c.n} of them.") in text, o.key
        else:
            assert f"The review's count of studies that measured {o.label.lower()} is {o.reported_favourable}." in text
    made_up = text_of(madeup_pages["studies/outcome/depression/index.md"])
    assert "The review reports that 2 studies measured depression, and that it improved in 1 of them." in made_up
    assert "The review's count of studies that measured loneliness is not reported." in text_of(
        madeup_pages["studies/outcome/loneliness/index.md"])
