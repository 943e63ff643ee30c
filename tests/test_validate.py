"""Study files through the real loader and validator: one test per kind of problem, exact text."""

from pathlib import Path

import pytest

from evidence_site.build import prepare
from evidence_site.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
BROWN = (ROOT / "studies" / "brown-2020.yml").read_text(encoding="utf-8")


def problems_after(project: Path, name: str, text: str) -> list[str]:
    (project / "studies" / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        prepare(project)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_real_data_is_valid():
    site = prepare(ROOT)
    assert len(site.studies) == len(list((ROOT / "studies").glob("*.yml")))


def test_missing_required_field(project):
    text = BROWN.replace("comparator: The same participants' scores before the week without social media\n", "")
    assert problems_after(project, "brown-2020.yml", text) == [
        "studies/brown-2020.yml:2:1: comparator: required field is missing; add it (write null if the source "
        "does not report it) [missing-field]"
    ]


def test_missing_nested_field_points_at_parent(project):
    text = BROWN.replace("  journal: International Journal of Environmental Research and Public Health\n", "")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'citation:')}:1: citation.journal: required field is missing; "
        "add it; expected: Journal name in full. [missing-field]"
    ]


def test_unknown_field_suggests_the_right_one(project):
    text = BROWN.replace("follow_up: null", "folow_up: null\nfollow_up: null")
    problems = problems_after(project, "brown-2020.yml", text)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"studies/brown-2020.yml:{line_of(text, 'folow_up')}:1: folow_up: unknown field (did you mean 'follow_up'?); "
        "allowed here: id, review_reference, citation,"
    )
    assert problems[0].endswith("[unknown-field]")


def test_wrong_type(project):
    text = BROWN.replace("  size: 61", "  size: sixty-one")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'size: sixty')}:3: sample.size: expected a whole number, or null "
        "if not known, got text 'sixty-one'; expected: Number of participants the study reports (whole number), "
        "or null if not known or unclear. [wrong-type]"
    ]


def test_number_given_as_text_is_wrong_type(project):
    text = BROWN.replace("  year: 2020", '  year: "2020"')
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'year:')}:3: citation.year: expected a whole number, got text "
        "'2020'; expected: Year of publication as the review lists it. [wrong-type]"
    ]


def test_out_of_range(project):
    text = BROWN.replace("  size: 61", "  size: -5")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'size: -5')}:3: sample.size: a number (-5) is too small; the "
        "smallest allowed is 1; expected: Number of participants the study reports (whole number), or null if not "
        "known or unclear. [out-of-range]"
    ]


def test_bad_format_doi(project):
    text = BROWN.replace("  doi: 10.3390/ijerph17124566", "  doi: ijerph17124566")
    problems = problems_after(project, "brown-2020.yml", text)
    assert problems == [
        f"studies/brown-2020.yml:{line_of(text, 'doi:')}:3: citation.doi: text 'ijerph17124566' is not in the "
        "expected form; expected: The article's DOI without the https://doi.org/ prefix (for example "
        "10.1089/cyber.2016.0259), or null if not found. [bad-format]"
    ]


def test_empty_text(project):
    text = BROWN.replace('comparator: The same participants\' scores before the week without social media', 'comparator: ""')
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'comparator:')}:1: comparator: is empty; write the value, or null "
        "if it is not known [empty]"
    ]


def test_category_not_in_codebook_suggests(project):
    text = BROWN.replace("    effect: improved\n    effect_size: d=0.55", "    effect: improvd\n    effect_size: d=0.55")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'improvd')}:5: outcomes[0].effect: 'improvd' is not a known effect "
        "class (did you mean 'improved'?); expected one of: improved, mixed, no-effect (codebook.effects in "
        "review.yml) [not-in-codebook]"
    ]


def test_intervention_type_not_in_codebook(project):
    text = BROWN.replace("  type: abstinence", "  type: quitting")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'type: quitting')}:3: intervention.type: 'quitting' is not a known "
        "intervention type; expected one of: therapy-based, limiting-use, abstinence (codebook.intervention_types "
        "in review.yml) [not-in-codebook]"
    ]


def test_id_must_match_file_name(project):
    problems = problems_after(project, "smith-2020.yml", BROWN.replace("10.3390/ijerph17124566", "10.1234/other"))
    assert problems == [  # one mistake, one message; and no rename to a name that is taken
        "studies/smith-2020.yml:2:1: id: id 'brown-2020' does not match the file name, and studies/brown-2020.yml:2 "
        "already has it; set id: smith-2020 [duplicate-id]",
    ]


def test_duplicate_doi_names_both_files(project):
    text = BROWN.replace("id: brown-2020", "id: brown-2020b")
    assert problems_after(project, "brown-2020b.yml", text) == [
        f"studies/brown-2020b.yml:{line_of(text, 'doi:')}:3: citation.doi: DOI 10.3390/ijerph17124566 is already "
        f"given by studies/brown-2020.yml:{line_of(BROWN, 'doi:')}; each study has one file [duplicate-doi]"
    ]


def test_inferred_must_name_a_real_field(project):
    text = BROWN.replace("  - field: country\n", "  - field: countyr\n")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'countyr')}:5: inferred[0].field: names 'countyr', which is not a "
        "field of this file; use a path such as country or outcomes[0].effect [unknown-path]"
    ]


def test_wrong_extension(project):
    (project / "studies" / "notes.yaml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        prepare(project)
    assert [str(p) for p in caught.value.problems] == [
        "studies/notes.yaml:1:1: (file): study files must end in .yml; rename it to <id>.yml [bad-file-name]"
    ]


def test_every_problem_in_every_file_is_reported_at_once(project):
    (project / "studies" / "hall-2019.yml").write_text(
        (project / "studies" / "hall-2019.yml").read_text().replace("  year: 2019", "  year: 1800"), encoding="utf-8")
    (project / "studies" / "turel-2018.yml").write_text("id: [\n", encoding="utf-8")
    text = BROWN.replace("  type: abstinence", "  type: quitting").replace("  size: 61", "  size: 0")
    problems = problems_after(project, "brown-2020.yml", text)
    assert [p.split(": ")[0].rsplit(":", 2)[0] + " " + p.rsplit("[", 1)[1] for p in problems] == [
        "studies/brown-2020.yml out-of-range]",
        "studies/brown-2020.yml not-in-codebook]",
        "studies/hall-2019.yml out-of-range]",
        "studies/turel-2018.yml yaml-syntax]",
    ]


def test_empty_list_offers_null_only_where_null_is_allowed(project):
    text = BROWN.replace("  authors: [Lorna Brown, Daria J. Kuss]", "  authors: []").replace(
        "country: [United Kingdom]", "country: []")
    assert problems_after(project, "brown-2020.yml", text) == [
        f"studies/brown-2020.yml:{line_of(text, 'authors: []')}:3: citation.authors: is an empty list; give at least "
        "one item [empty]",
        f"studies/brown-2020.yml:{line_of(text, 'country: []')}:1: country: is an empty list; give at least one item, "
        "or null if not known [empty]",
    ]
