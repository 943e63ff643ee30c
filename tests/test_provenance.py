"""Values a study file says this site worked out (evidence_site/provenance.py): named in plain words on
the study page, never by their path in the file, and found by the figures that mark them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidence_site.aggregate import codebook_labels
from evidence_site.build import prepare
from evidence_site.fields import study_fields
from evidence_site.provenance import FIELD_LABELS, field_label, is_inferred
from evidence_site.render import render_pages

ROOT = Path(__file__).resolve().parent.parent
MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"
LABELS = {"outcomes": {"mental-well-being": {"label": "Mental well-being"}, "fomo": {"label": "FOMO"},
                       "depression": {"label": "Depression"}}}
STUDY = {"outcomes": [{"domain": "fomo", "name": "fear of missing out"},
                      {"domain": "mental-well-being", "name": "well-being"},
                      {"domain": "mental-well-being", "name": "life satisfaction"},
                      {"domain": "depression", "name": "depression"}],
         "inferred": [{"field": "outcomes[3].effect", "reason": "r"}, {"field": "country", "reason": "r"}]}


def test_every_field_of_the_schema_has_plain_words():
    assert {f["path"] for f in study_fields()} <= set(FIELD_LABELS)
    for label in FIELD_LABELS.values():
        assert "_" not in label and "." not in label and label[:1].isupper(), label


@pytest.mark.parametrize("field, words", [
    ("citation.volume", "Volume"),
    ("overall_effect_note", "What is known about the overall classification"),
    ("sample.size", "Number of participants"),
    ("outcomes", "List of outcomes"),
    ("outcomes[0].instrument", "Measure of FOMO"),  # an acronym keeps its capitals
    ("outcomes[3].effect", "Classification on depression"),
    ("outcomes[1].effect_size", "Effect size for mental well-being (well-being)"),  # two outcomes share a label
    ("outcomes[2]", "The outcome mental well-being (life satisfaction)"),
    ("outcomes[9].effect", "Classification on outcome 10"),  # no such outcome: still words
    ("country[1]", "Country"),
    ("quality.components.blinding", "Quality (parts of the rating), blinding"),  # a key the table cannot list
])
def test_fields_are_named_as_the_page_names_them(field, words):
    assert field_label(field, STUDY, LABELS) == words


def test_a_value_is_inferred_when_it_or_what_it_belongs_to_is_listed():
    assert is_inferred(STUDY, "outcomes[3].effect") and is_inferred(STUDY, "country")
    assert not is_inferred(STUDY, "outcomes[2].effect") and not is_inferred(STUDY, "overall_effect")
    whole_list = {**STUDY, "inferred": [{"field": "outcomes", "reason": "r"}]}
    assert is_inferred(whole_list, "outcomes[0].effect")
    one_outcome = {**STUDY, "inferred": [{"field": "outcomes[1]", "reason": "r"}]}
    assert is_inferred(one_outcome, "outcomes[1].effect") and not is_inferred(one_outcome, "outcomes[0].effect")
    assert not is_inferred({"inferred": []}, "overall_effect")


def test_study_pages_print_no_field_paths():
    """Every real study page says which values were worked out in the page's own words."""
    site = prepare(ROOT)
    pages = render_pages(site.review, site.studies, site.summary)
    labels = codebook_labels(site.review)
    listed = 0
    for study in site.studies:
        page = pages[f"studies/{study['id']}.md"]
        section = page[page.index("{#provenance}"):page.index("{#citation}")]
        assert "<code>" not in section
        assert not re.search(r"[a-z]_[a-z]|\[[0-9]+\]|\b(citation|sample|outcomes|intervention)\.[a-z]", section), \
            study["id"]
        for item in study["inferred"]:
            assert f"<strong>{field_label(item['field'], study, labels)}:</strong>" in section
            listed += 1
    assert listed


def test_a_made_up_inferred_outcome_is_named_by_its_outcome(tmp_path):
    site = prepare(MADEUP)
    study = next(s for s in site.studies if s["outcomes"])
    first = study["outcomes"][0]
    study["inferred"] = [{"field": "outcomes[0].effect", "reason": "Worked out from made-up text."}]
    page = render_pages(site.review, site.studies, site.summary)[f"studies/{study['id']}.md"]
    label = codebook_labels(site.review)["outcomes"][first["domain"]]["label"]
    assert re.search(r"<strong>Classification on " + re.escape(label[0].lower() + label[1:]) + r"[^<]*:</strong> "
                     r"Worked out from made-up text\.", page)


def test_a_worked_out_class_is_marked_in_the_study_pages_outcome_table():
    """On every real study page, an outcome's classification is marked as this site's exactly when
    the study file lists it (or what it belongs to) under inferred; the note under the table says so."""
    site = prepare(ROOT)
    pages = render_pages(site.review, site.studies, site.summary)
    for study in site.studies:
        page = pages[f"studies/{study['id']}.md"]
        rows = re.findall(r"<tr id=\"outcome-.*?</tr>", page, re.S)
        assert len(rows) == len(study["outcomes"] or [])
        classes = [re.findall(r"<td>(.*?)</td>", row, re.S)[1] for row in rows]  # measured with, class, size
        marked = [i for i, cell in enumerate(classes) if "(worked out by this site)" in cell]
        assert marked == [i for i in range(len(rows)) if is_inferred(study, f"outcomes[{i}].effect")], study["id"]
        assert ("A classification marked so was worked out by this site" in page) == bool(marked), study["id"]
