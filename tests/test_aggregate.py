"""Figures and the consistency check, on the real data and on a made-up complete review."""

import shutil
from pathlib import Path

import pytest

from evidence_site.aggregate import Count, wilson
from evidence_site.build import prepare
from evidence_site.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"


@pytest.mark.parametrize("n, total, expected", [
    (5, 6, (44, 97)), (1, 5, (4, 62)), (3, 12, (9, 53)), (9, 23, (22, 59)), (7, 10, (40, 89)),
    (22, 23, (79, 99)), (0, 4, (0, 49)), (4, 4, (51, 100)),
])
def test_wilson_interval_known_values(n, total, expected):
    assert Count(n, total).interval == expected


def test_wilson_zero_total_does_not_crash():
    assert wilson(0, 0) == (None, None)
    assert Count(0, 0).interval is None and Count(0, 0).percent is None
    assert str(Count(0, 0)) == "0/0"


def test_count_text_and_rounding():
    assert str(Count(5, 6)) == "5/6 (83%; 95% CI 44-97%, calculated by this site)"
    assert str(Count(22, 23, estimate=False)) == "22/23 (96%)"
    assert Count(1, 8).percent == 13  # half rounds up, as journals print it
    assert Count(3, 4).small and not Count(5, 6).small


def test_real_data_summary():
    """Whatever the study files say: each transcribed count is counted from the files, and each
    reported figure is the one review.yml gives (exact figures are tested on the made-up review)."""
    site = prepare(ROOT)
    summary, studies, reported = site.summary, site.studies, site.review["reported"]
    assert (summary.transcribed.n, summary.transcribed.of) == (len(studies), reported["included_studies"])
    for row in summary.by_type:
        files = [s for s in studies if s["intervention"]["type"] == row.key]
        assert row.transcribed == len(files)
        assert row.missing == row.reported["studies"] - len(files) >= 0
        assert row.reported["studies"] == reported["by_intervention_type"][row.key]["studies"]
    for row in summary.overall:
        assert row.transcribed == sum(s["overall_effect"] == row.key for s in studies)
        assert (row.reported.n, row.reported.of) == (reported["overall"][row.key], reported["included_studies"])
    assert summary.overall_unknown == sum(s["overall_effect"] is None for s in studies)
    for row in summary.by_outcome:
        measured = [s for s in studies if any(o["domain"] == row.key for o in s["outcomes"] or [])]
        assert row.transcribed == len(measured)
        assert row.transcribed_favourable <= row.transcribed
    assert summary.quality_unrated == sum((s["quality"] or {}).get("global") is None for s in studies)


@pytest.fixture
def madeup(tmp_path: Path) -> Path:
    shutil.copytree(MADEUP, tmp_path / "madeup")
    return tmp_path / "madeup"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        prepare(root)
    return [f"{p.file}: {p.path}: {p.message}" for p in caught.value.problems]


def test_complete_and_consistent(madeup):
    site = prepare(madeup)
    assert site.summary.transcribed.n == 4


def test_partial_data_may_have_lower_counts(madeup):
    (madeup / "studies" / "alpha-2020.yml").unlink()
    assert prepare(madeup).summary.transcribed.n == 3


def test_more_files_than_included_studies(madeup):
    text = (madeup / "studies" / "delta-2023.yml").read_text().replace("delta-2023", "epsilon-2023")
    (madeup / "studies" / "epsilon-2023.yml").write_text(text)
    assert "review.yml: reported.included_studies: included studies: the study files give 5, more than the 4 the " \
        "review reports; check the files counted, newest first: studies/delta-2023.yml:3, studies/epsilon-2023.yml:3, " \
        "studies/gamma-2022.yml:3, studies/beta-2021.yml:3, studies/alpha-2020.yml:3" in problems(madeup)


def test_more_in_an_intervention_type_than_reported(madeup):
    edit(madeup / "studies" / "delta-2023.yml", "type: limiting-use", "type: abstinence")
    assert problems(madeup) == [
        "review.yml: reported.by_intervention_type.limiting-use.studies: intervention type 'limiting-use', studies: "
        "the study files give 1, fewer than the 2 the review reports (every study in this group is transcribed, so "
        "they must match)",
        "studies/delta-2023.yml: intervention.type: intervention type 'abstinence', studies: the study files give 1, "
        "more than the 0 the review reports at review.yml:86 (reported.by_intervention_type.abstinence.studies); "
        "check the files counted, newest first: studies/delta-2023.yml:23",
    ]


def test_more_in_a_verdict_class_than_reported_partial(madeup):
    (madeup / "studies" / "alpha-2020.yml").unlink()
    (madeup / "studies" / "gamma-2022.yml").unlink()
    edit(madeup / "studies" / "beta-2021.yml", "overall_effect: mixed", "overall_effect: no-effect")
    assert problems(madeup) == [
        "studies/delta-2023.yml: overall_effect: studies classed 'no-effect' overall: the study files give 2, more "
        "than the 1 the review reports at review.yml:82 (reported.overall.no-effect); check the files counted, "
        "newest first: studies/delta-2023.yml:30, studies/beta-2021.yml:34",
    ]


def test_more_improved_on_an_outcome_than_reported(madeup):
    (madeup / "studies" / "delta-2023.yml").unlink()
    edit(madeup / "studies" / "beta-2021.yml", "effect: no-effect", "effect: improved")
    assert problems(madeup) == [
        "studies/beta-2021.yml: outcomes[0].effect: outcome 'depression', studies classed 'improved' on it: the "
        "study files give 2, more than the 1 the review reports at review.yml:88 (reported.by_outcome.depression."
        "improved); check the files counted, newest first: studies/beta-2021.yml:33, studies/alpha-2020.yml:33",
    ]


def test_more_with_a_quality_rating_than_reported(madeup):
    (madeup / "studies" / "alpha-2020.yml").unlink()
    edit(madeup / "studies" / "beta-2021.yml", "global: weak", "global: moderate")
    assert problems(madeup) == [
        "studies/delta-2023.yml: quality.global: studies rated 'moderate': the study files give 2, more than the 1 "
        "the review reports at review.yml:92 (reported.quality.moderate); check the files counted, newest first: "
        "studies/delta-2023.yml:32, studies/beta-2021.yml:36",
    ]


def test_complete_data_must_match_every_count(madeup):
    edit(madeup / "studies" / "gamma-2022.yml", "overall_effect: improved", "overall_effect: mixed")
    assert problems(madeup) == [
        "review.yml: reported.overall.improved: studies classed 'improved' overall: the study files give 1, fewer "
        "than the 2 the review reports (every study in this group is transcribed, so they must match)",
        "review.yml: reported.by_intervention_type.limiting-use.improved: intervention type 'limiting-use', studies "
        "classed 'improved': the study files give 0, fewer than the 1 the review reports (every study in this group "
        "is transcribed, so they must match)",
        "studies/gamma-2022.yml: overall_effect: studies classed 'mixed' overall: the study files give 2, more than "
        "the 1 the review reports at review.yml:81 (reported.overall.mixed); check the files counted, newest first: "
        "studies/gamma-2022.yml:34, studies/beta-2021.yml:34",
    ]


def test_complete_type_must_match_even_when_review_is_partial(madeup):
    (madeup / "studies" / "gamma-2022.yml").unlink()
    edit(madeup / "studies" / "beta-2021.yml", "overall_effect: mixed", "overall_effect: improved")
    assert problems(madeup) == [
        "studies/beta-2021.yml: overall_effect: intervention type 'therapy-based', studies classed 'improved': the "
        "study files give 2, more than the 1 the review reports at review.yml:84 (reported.by_intervention_type."
        "therapy-based.improved); check the files counted, newest first: studies/beta-2021.yml:34, "
        "studies/alpha-2020.yml:34",
    ]


def test_review_file_arithmetic_is_checked(madeup):
    edit(madeup / "review.yml", "    mixed: 1\n", "    mixed: 3\n")
    assert problems(madeup) == [
        "review.yml: reported.overall: the studies in the overall effect classes add up to 6, but "
        "reported.included_studies is 4",
    ]


def test_a_count_too_high_points_at_the_newest_file_counted(madeup):
    (madeup / "studies" / "alpha-2020.yml").unlink()
    edit(madeup / "studies" / "beta-2021.yml", "global: weak", "global: moderate")
    with pytest.raises(InputError) as caught:
        prepare(madeup)
    (problem,) = caught.value.problems
    line = next(i for i, t in enumerate((madeup / "studies" / "delta-2023.yml").read_text().splitlines(), 1)
                if "global: moderate" in t)
    assert (problem.file, problem.line, problem.code) == ("studies/delta-2023.yml", line, "contradicts-review")
