"""Messages that fit the mistake: each common mistake, made in a real study file, and the exact
line a contributor reads. Driven through the real loader, validator and command line (in-process)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidence_site.load import load_bytes
from conftest import next_free_id

ROOT = Path(__file__).resolve().parent.parent
BROWN = (ROOT / "studies" / "brown-2020.yml").read_text(encoding="utf-8")
TITLE = ('  title: "Fear of Missing Out, Mental Wellbeing, and Social Connectedness: A Seven-Day Social Media '
         'Abstinence Trial"')


def edited(old: str, new: str, text: str = BROWN) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def loaded(text: str) -> list[str]:
    return [str(p) for p in load_bytes(text.encode("utf-8"), "studies/brown-2020.yml").problems]


# YAML syntax errors: plain words, the line to fix and the likely cause --------------------------------

PARSER = " (the YAML parser says: {}) [yaml-syntax]"


@pytest.mark.parametrize("old, new, expected", [
    ("  journal: ", "   journal: ",  # one space too far, after a quoted value
     "{journal}:4: (file): YAML syntax error: 'journal' is indented 3 spaces, more than the line above (2); lines of "
     "the same group must line up, so indent it 2 spaces like the line above" + PARSER.format("did not find expected key")),
    ("  volume: ", "   volume: ",  # one space too far, after a plain value: the parser blames a colon
     "{volume}:4: (file): YAML syntax error: 'volume' is indented 3 spaces, more than the line above (2); lines of "
     "the same group must line up, so indent it 2 spaces like the line above"
     + PARSER.format("mapping values are not allowed in this context")),
    ("  duration: 7 days", " duration: 7 days",
     "{duration}:2: (file): YAML syntax error: 'duration' is indented 1 space, which lines up with no line above it; "
     "indent it 2 spaces like the line above, or 0 spaces like line {intervention}"
     + PARSER.format("did not find expected key")),
    ("  journal: ", "journal: ",  # de-indented in the middle of a group: the parser blames the next line
     "{journal}:1: (file): YAML syntax error: 'journal' is indented 0 spaces, so the more deeply indented line after "
     "it is read as part of its value; it looks de-indented: indent it 2 spaces like the line after it"
     + PARSER.format("mapping values are not allowed in this context")),
    ("intervention:\n  type: abstinence", "intervention:\n type: abstinence",
     "{type}:2: (file): YAML syntax error: 'type' is indented 1 space, but the lines after it 2; the first line of a "
     "group sets its indentation, so indent it 2 spaces like them"
     + PARSER.format("mapping values are not allowed in this context")),
    ("    name: fear", "  name: fear",
     "{name}:3: (file): YAML syntax error: 'name' lines up with the '-' of the list entry on line {domain}, so it is "
     "in no entry; indent it 4 spaces to put it in that entry" + PARSER.format("did not find expected '-' indicator")),
    (TITLE, "  title: Fear of Missing Out: A Seven-Day Social Media Abstinence Trial",
     "{title}:29: (file): YAML syntax error: the value of 'title' contains ': ' (a colon and a space), which starts a "
     "new field; put the whole value in double quotes" + PARSER.format("mapping values are not allowed in this context")),
    ("  journal: International", "  journal: @International",
     "{journal}:12: (file): YAML syntax error: a value cannot start with '@' unless it is in quotes; put the whole "
     "value in double quotes" + PARSER.format("found character that cannot start any token")),
    ("  journal: International", "  journal: *International",
     "{journal}:12: (file): YAML syntax error: a value cannot start with '*' unless it is in quotes; put the whole "
     "value in double quotes" + PARSER.format("found undefined alias")),
    ("  journal: International", "  journal: [Pilot] International",
     "{journal}:12: (file): YAML syntax error: the value of 'journal' starts with '[', so it is read as a list that "
     "ends before the rest of the line; to write it as text, put the whole value in double quotes"
     + PARSER.format("did not find expected key")),
    ("  journal: International", '  journal: "Pilot" International',
     "{journal}:12: (file): YAML syntax error: the value of 'journal' starts with a quote mark, so it is read as "
     "quoted text that ends before the rest of the line; to write it as text, put the whole value in single quotes"
     + PARSER.format("did not find expected key")),
    ('Abstinence Trial"', "Abstinence Trial",
     "{title}:10: (file): YAML syntax error: the value of 'title' starts with a quote mark that is not closed on its "
     "line, so the lines after it are read as part of it; close the quote" + PARSER.format("did not find expected key")),
    ("  authors: [Lorna Brown, Daria J. Kuss]", "  authors: [Lorna Brown, Daria J. Kuss",
     "{authors}:12: (file): YAML syntax error: the list that starts here is never closed with ']'; if the value is "
     "text, put the whole value in double quotes" + PARSER.format("did not find expected ',' or ']'")),
    ("  year: 2020", "  year:2020",
     "{year}:3: (file): YAML syntax error: a field name needs a space after its colon: write 'year: 2020'"
     + PARSER.format("could not find expected ':'")),
    ("  - domain: fomo", "  -domain: fomo",
     "{domain}:3: (file): YAML syntax error: '-' needs a space after it to start a list entry: write '- domain: fomo'"
     + PARSER.format("mapping values are not allowed in this context")),
    ("comparator: The same", "comparator The same",
     "{comparator}:1: (file): YAML syntax error: this line has no ': ' after a field name; write the field name, a "
     "colon and a space, then the value" + PARSER.format("could not find expected ':'")),
])
def test_yaml_syntax_error_names_the_likely_cause(old, new, expected):
    lines = {key: line_of(BROWN, f"{key}:") for key in
             ("journal", "volume", "duration", "intervention", "type", "title", "authors", "year", "comparator")}
    lines["name"] = line_of(BROWN, "    name: fear")
    lines["domain"] = line_of(BROWN, "  - domain: fomo")
    assert loaded(edited(old, new)) == ["studies/brown-2020.yml:" + expected.format(**lines)]


def test_tab_indentation_is_named():
    assert loaded(edited("  year: 2020", "\tyear: 2020")) == [
        f"studies/brown-2020.yml:{line_of(BROWN, 'year:')}:1: (file): YAML syntax error: a tab character; indent "
        "with spaces, never tabs [yaml-syntax]"
    ]


# The validator: one message per mistake, each naming what to do ------------------------------------

def problems_after(project: Path, files: dict[str, str]) -> list[str]:
    from evidence_site.build import prepare
    from evidence_site.problems import InputError

    for name, text in files.items():
        (project / "studies" / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        prepare(project)
    return [str(p) for p in caught.value.problems]


def test_a_field_de_indented_to_the_top_level_is_called_mis_indented(project):
    text = edited("  duration: 7 days", "duration: 7 days")
    assert problems_after(project, {"brown-2020.yml": text}) == [  # and not also "intervention.duration is missing"
        f"studies/brown-2020.yml:{line_of(text, 'duration:')}:1: duration: looks mis-indented: duration belongs under "
        f"intervention (line {line_of(text, 'intervention:')}), not at the top level; indent it like the other fields "
        "of intervention [mis-indented]"
    ]


def test_a_top_level_field_indented_into_a_group_is_called_mis_indented(project):
    text = edited("country: [United Kingdom]", "  country: [United Kingdom]")
    assert problems_after(project, {"brown-2020.yml": text}) == [  # nor "inferred names 'country', not a field"
        f"studies/brown-2020.yml:{line_of(text, 'country:')}:3: citation.country: looks mis-indented: country is a "
        "top-level field, not one under citation; remove its indentation [mis-indented]"
    ]


def test_an_unknown_field_that_belongs_nowhere_is_unknown(project):
    text = edited("follow_up: null", "folow_up: null\nfollow_up: null")
    (problem,) = problems_after(project, {"brown-2020.yml": text})
    assert problem.startswith(f"studies/brown-2020.yml:{line_of(text, 'folow_up')}:1: folow_up: unknown field (did "
                              "you mean 'follow_up'?); allowed here: id, review_reference, citation, country,")
    assert problem.endswith("added, updated [unknown-field]")


@pytest.mark.parametrize("field, old, expected", [
    ("citation.authors", "  authors: [Lorna Brown, Daria J. Kuss]\n",
     "required field is missing; add it; expected: Every author in the order printed, as given names then surname "
     "(for example Lorna Brown)."),
    ("inferred", None, "required field is missing; add it (write [] if there are none); expected: Values that were "
     "derived rather than read in a source: each names the field and says how it was derived."),
    ("sources", None, "required field is missing; add it (write [] if there are none); expected: Where the "
     "transcribed facts were found (provenance for maintainers; not shown as citations)."),
    ("added", "added: 2026-11-26\n", "required field is missing; add it; expected: Date the study file was added, as "
     "YYYY-MM-DD."),
    ("comparator", "comparator: The same participants' scores before the week without social media\n",
     "required field is missing; add it (write null if the source does not report it)"),
])
def test_a_missing_field_suggests_null_only_where_null_is_allowed(project, field, old, expected):
    if old is None:  # a whole list: the field and its entries
        start = BROWN.index(f"\n{field}:") + 1
        end = BROWN.index("\n", BROWN.index("\n  - ", start) + 1)
        while BROWN.startswith(("  - ", "    "), end + 1):
            end = BROWN.index("\n", end + 1)
        old = BROWN[start:end + 1]
    text = edited(old, "")
    parent = "citation:" if "." in field else "id:"
    assert problems_after(project, {"brown-2020.yml": text}) == [
        f"studies/brown-2020.yml:{line_of(text, parent)}:{1}: {field}: {expected} [missing-field]"
    ]


def test_a_category_outside_the_codebook_gets_one_message(project):
    text = edited("    effect: improved\n    effect_size: d=0.55", "    effect: no effect\n    effect_size: d=0.55")
    assert problems_after(project, {"brown-2020.yml": text}) == [  # not also [bad-format] for the space
        f"studies/brown-2020.yml:{line_of(text, 'no effect')}:5: outcomes[0].effect: 'no effect' is not a known "
        "effect class (did you mean 'no-effect'?); expected one of: improved, mixed, no-effect (codebook.effects in "
        "review.yml) [not-in-codebook]"
    ]


def test_an_inferred_path_of_the_wrong_form_gets_one_message(project):
    text = edited("  - field: country\n", "  - field: outcomes[first].effect\n")
    (problem,) = problems_after(project, {"brown-2020.yml": text})  # and never a crash on the index
    assert problem.startswith(f"studies/brown-2020.yml:{line_of(text, 'outcomes[first]')}:5: inferred[0].field: "
                              "text 'outcomes[first].effect' is not in the expected form;")
    assert problem.endswith("[bad-format]")


def test_a_malformed_id_gets_only_the_format_error(project):
    text = edited("id: brown-2020", "id: Bad-2020")
    (problem,) = problems_after(project, {"brown-2020.yml": text})  # no "rename the file to Bad-2020.yml"
    assert problem.startswith(f"studies/brown-2020.yml:2:1: id: text 'Bad-2020' is not in the expected form; "
                              "expected: First author's surname and year")
    assert problem.endswith("[bad-format]")


def test_a_file_name_that_is_no_id_is_not_offered_as_one(project):
    (project / "studies" / "brown-2020.yml").unlink()
    assert problems_after(project, {"brown 2020.yml": BROWN}) == [
        "studies/brown 2020.yml:2:1: id: id 'brown-2020' does not match the file name; rename the file to "
        "brown-2020.yml [id-mismatch]"
    ]


def test_a_mismatched_id_is_offered_the_file_name(project):
    (project / "studies" / "brown-2020.yml").unlink()
    assert problems_after(project, {"brown-2021.yml": BROWN}) == [
        "studies/brown-2021.yml:2:1: id: id 'brown-2020' does not match the file name; rename the file to "
        "brown-2020.yml or set id: brown-2021 [id-mismatch]"
    ]


def test_a_copied_file_is_offered_a_free_id(project):
    other = edited("  doi: 10.3390/ijerph17124566", "  doi: 10.1234/another")
    assert problems_after(project, {"brown 2020.yml": other, "brown-2020b.yml": edited(
        "id: brown-2020", "id: brown-2020b", edited("  doi: 10.3390/ijerph17124566", "  doi: 10.1234/third"))}) == [
        "studies/brown 2020.yml:2:1: id: id 'brown-2020' does not match the file name, and studies/brown-2020.yml:2 "
        "already has it; give it its own id (for example brown-2020c) and name the file brown-2020c.yml [duplicate-id]"
    ]


def test_a_duplicate_doi_names_the_other_file(project):
    text = edited("id: brown-2020", "id: brown-2020b")
    assert problems_after(project, {"brown-2020b.yml": text}) == [
        f"studies/brown-2020b.yml:{line_of(text, 'doi:')}:3: citation.doi: DOI 10.3390/ijerph17124566 is already "
        f"given by studies/brown-2020.yml:{line_of(BROWN, 'doi:')}; each study has one file [duplicate-doi]"
    ]


# Dates: checked before anything uses them ------------------------------------------------------------

@pytest.mark.parametrize("old, new, expected", [
    ("added: 2026-11-26", "added: 2999-01-01",
     "added: 2999-01-01 is in the future (today is {today}); expected: Date the study file was added, as YYYY-MM-DD. "
     "[future-date]"),
    ("added: 2026-11-26", "added: 2026-02-30",
     "added: 2026-02-30 is not a day of the calendar; expected: Date the study file was added, as YYYY-MM-DD. "
     "[bad-date]"),
    ("updated: null", "updated: 2026-13-01",
     "updated: 2026-13-01 is not a day of the calendar; expected: Date the study file was last changed in substance, "
     "as YYYY-MM-DD, or null. [bad-date]"),
    ("updated: null", "updated: 2026-01-05",
     "updated: 2026-01-05 is before added (2026-11-26, line {added}); expected the date of the last change, or null "
     "[date-order]"),
    ("added: 2026-11-26", "added: 1960-01-01",
     "added: 1960-01-01 is before the review was published (2023-08-11, review.yml dates.published); a study file is "
     "transcribed from the review, so it cannot be older [date-order]"),
])
def test_impossible_and_future_dates_are_refused(project, old, new, expected):
    from evidence_site.validate import today

    # the mistakes are made in Brown's file as it was added, before any correction set its updated date
    never_updated = re.sub(r"^updated: .*$", "updated: null", BROWN, count=1, flags=re.M)
    text = edited(old, new, never_updated)
    field = new.split(":")[0]
    assert problems_after(project, {"brown-2020.yml": text}) == [
        f"studies/brown-2020.yml:{line_of(text, field + ':')}:1: "
        + expected.format(today=today().isoformat(), added=line_of(text, "added:"))
    ]


def test_a_review_date_in_the_future_is_refused(project):
    from evidence_site.validate import today

    review = (project / "review.yml").read_text(encoding="utf-8")
    (project / "review.yml").write_text(review.replace("  published: 2023-08-11", "  published: 2999-08-11"))
    from evidence_site.build import prepare
    from evidence_site.problems import InputError

    with pytest.raises(InputError) as caught:
        prepare(project)
    assert [str(p) for p in caught.value.problems] == [
        f"review.yml:{line_of(review, 'published:')}:3: dates.published: 2999-08-11 is in the future (today is "
        f"{today().isoformat()}); expected: The date the review was published (YYYY-MM-DD), or null. [future-date]"
    ]


# A count above the review's: the place to look is the study files counted ------------------------

MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"


@pytest.fixture
def madeup(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(MADEUP, tmp_path / "madeup")
    return tmp_path / "madeup"


def run(capsys, *argv) -> tuple[int, str, str]:
    from evidence_site.cli import main

    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_new_study_above_a_reported_count_is_named_with_every_file_counted(madeup, capsys):
    for name in ("beta-2021.yml", "delta-2023.yml"):
        (madeup / "studies" / name).unlink()
    alpha = (madeup / "studies" / "alpha-2020.yml").read_text(encoding="utf-8")
    new = alpha.replace("alpha-2020", "epsilon-2024").replace("added: 2024-01-01", "added: 2024-02-01")
    (madeup / "studies" / "epsilon-2024.yml").write_text(new, encoding="utf-8")
    review = (madeup / "review.yml").read_text(encoding="utf-8")
    effect, overall = line_of(new, "    effect: improved"), line_of(new, "overall_effect:")
    assert run(capsys, "--root", madeup, "check") == (1, "", "\n".join([
        f"studies/epsilon-2024.yml:{effect}:5: outcomes[0].effect: outcome 'depression', studies classed 'improved' "
        f"on it: the study files give 2, more than the 1 the review reports at review.yml:"
        f"{line_of(review, 'depression: {')} (reported.by_outcome.depression.improved); check the files counted, "
        f"newest first: studies/epsilon-2024.yml:{effect}, studies/alpha-2020.yml:{effect} [contradicts-review]",
        f"studies/epsilon-2024.yml:{overall}:1: overall_effect: intervention type 'therapy-based', studies classed "
        f"'improved': the study files give 2, more than the 1 the review reports at review.yml:"
        f"{line_of(review, 'therapy-based: {')} (reported.by_intervention_type.therapy-based.improved); check the "
        f"files counted, newest first: studies/epsilon-2024.yml:{overall}, studies/alpha-2020.yml:{overall} "
        "[contradicts-review]",
        f"studies/epsilon-2024.yml:{overall}:1: overall_effect: studies classed 'improved' overall: the study files "
        f"give 3, more than the 2 the review reports at review.yml:{line_of(review, '    improved: 2')} "
        f"(reported.overall.improved); check the files counted, newest first: studies/epsilon-2024.yml:{overall}, "
        f"studies/gamma-2022.yml:{overall}, studies/alpha-2020.yml:{overall} [contradicts-review]",
        "Found 3 problems in 1 file.", ""]))


# The command line, in-process -------------------------------------------------------------------

def test_check_notes_the_studies_without_a_doi(madeup, capsys):
    for name in ("alpha-2020.yml", "gamma-2022.yml"):
        path = madeup / "studies" / name
        path.write_text(edited(f"  doi: 10.9999/made-up.{name[:-4]}", "  doi: null", path.read_text()))
    assert run(capsys, "--root", madeup, "check") == (0, (
        "OK: review.yml and 4 study files are valid and consistent with the review's reported results.\n"
        "Note: 2 studies have no DOI (citation.doi: null); add one if it can be found: studies/alpha-2020.yml, "
        "studies/gamma-2022.yml\n"), "")


def test_check_says_nothing_more_when_every_study_has_a_doi(madeup, capsys):
    assert run(capsys, "--root", madeup, "check") == (0, (
        "OK: review.yml and 4 study files are valid and consistent with the review's reported results.\n"), "")


@pytest.mark.parametrize("argv", [["--verbose", "check"], ["check", "--verbose"]])
def test_verbose_is_accepted_before_or_after_the_command(madeup, capsys, argv):
    status, out, err = run(capsys, "--root", madeup, *argv)
    assert (status, err) == (0, "") and out.startswith("OK: review.yml and 4 study files")


@pytest.mark.parametrize("command, kept", [(["check"], ""), (["build"], " The previous site/ is unchanged.")])
def test_only_a_build_says_the_previous_site_is_unchanged(madeup, capsys, monkeypatch, command, kept):
    from evidence_site import build

    def fails(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(build, "prepare", fails)
    monkeypatch.setattr(build, "build", fails)
    assert run(capsys, "--root", madeup, *command) == (1, "", (
        f"Error: unexpected failure (RuntimeError: a bug).{kept} Run again with --verbose for details.\n"))
    with pytest.raises(RuntimeError):
        run(capsys, "--root", madeup, *command, "--verbose")


def test_a_missing_package_says_to_use_the_virtual_environment(madeup):
    import subprocess
    import sys

    (madeup / "build_site.py").write_text((ROOT / "build_site.py").read_text())
    import shutil

    shutil.copytree(ROOT / "evidence_site", madeup / "evidence_site", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-S", "build_site.py", "check"], cwd=madeup, capture_output=True,
                            text=True, timeout=120)  # -S: no site-packages, as with a Python lacking the packages
    python = subprocess.run([sys.executable, "-S", "-c", "import sys; print(sys.executable)"], capture_output=True,
                            text=True).stdout.strip()
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: this Python ({python}) cannot import 'yaml', which the project needs; set up the project's virtual "
        "environment with the set-up command in README.md (Two commands for a fresh machine), then run: "
        ".venv/bin/python build_site.py check\n")


def test_new_accepts_a_letter_after_the_year(project, capsys):
    status, out, err = run(capsys, "--root", project, "new", "Smith", "2021b")
    assert (status, out, err) == (0, "Wrote studies/smith-2021b.yml. Fill in every value the sources report, then "
                                     "run: python build_site.py check\n", "")
    text = (project / "studies" / "smith-2021b.yml").read_text()
    assert 'id: "smith-2021b"' in text and "  year: 2021\n" in text


def test_new_suggests_the_next_free_letter(project, capsys):
    free = next_free_id(project, "brown-2020")  # brown-2020b, unless a later study took it
    assert run(capsys, "--root", project, "new", "brown", "2020") == (2, "", (
        "Error: studies/brown-2020.yml already exists; edit it, or add a letter for a second study (e.g. "
        f"{free})\n"))
    assert run(capsys, "--root", project, "new", "brown", free.removeprefix("brown-"))[0] == 0
    assert run(capsys, "--root", project, "new", "brown", free.removeprefix("brown-")) == (2, "", (
        f"Error: studies/{free}.yml already exists; edit it, or add a letter for a second study (e.g. "
        f"{next_free_id(project, 'brown-2020')})\n"))


@pytest.mark.parametrize("author, year", [("smith", "21"), ("smith", "2021bb"), ("2pac", "2021"), ("!!", "2021")])
def test_new_refuses_what_would_not_be_an_id(project, capsys, author, year):
    assert run(capsys, "--root", project, "new", author, year) == (2, "", (
        "Error: give the first author's surname (starting with a letter) and a four-digit year, with a letter after "
        "it for a second study by the same author that year: new brown 2020 or new brown 2020b\n"))


def test_new_writes_an_accented_surname_as_a_valid_id(project, capsys):
    assert run(capsys, "--root", project, "new", "Müller", "2021")[0] == 0
    assert (project / "studies" / "muller-2021.yml").exists()


# One exact-text test for each remaining problem code ---------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (b"a: 1\n" + b"#" * 300_000 + b"\n",
     "studies/x.yml:1:1: (file): file is 300,006 bytes; the limit is 262,144 bytes per file [file-too-large]"),
    (b"id: a\ntitle: caf\xe9\n",
     "studies/x.yml:2:11: (file): is not valid UTF-8 text; save the file with UTF-8 encoding [not-utf8]"),
    (b"a: " + b"[" * 13 + b"]" * 13 + b"\n",
     "studies/x.yml:1:1: (file): nested more than 12 levels deep; study files are flat records [too-deep]"),
    (b"# nothing but a comment\n", "studies/x.yml:1:1: (file): file is empty; expected a mapping of fields [empty-file]"),
    (b"just some text\n",
     "studies/x.yml:1:1: (file): top level is a single value; expected a mapping of fields (key: value lines) "
     "[not-a-mapping]"),
    (b"a: &x [1]\nb: *x\n",
     "studies/x.yml:1:4: b: anchors and aliases (& and *) are not allowed; write the value out in full [alias]"),
    (b"a: !!python/name:os.system x\n",
     "studies/x.yml:1:4: a: YAML tag tag:yaml.org,2002:python/name:os.system is not allowed; only plain values (text, "
     "numbers, true/false, null) [bad-tag]"),
    (b"2020: x\n", "studies/x.yml:1:1: (file): keys must be plain names [bad-key]"),
    (b"id: a\nid: b\n", "studies/x.yml:2:1: id: duplicate key; 'id' is already given on line 1 [duplicate-key]"),
    (b"a: !!bool yes\n", "studies/x.yml:1:4: a: 'yes' is not true or false [bad-bool]"),
    (b"mean_age: .nan\n", "studies/x.yml:1:11: mean_age: '.nan' is not a finite number [bad-number]"),
    (b'title: "a\\0b"\n',
     "studies/x.yml:1:8: title: contains the control character U+0000; text may not contain control characters, "
     "delete it [bad-character]"),
])
def test_loader_problem_codes(raw, expected):
    assert [str(p) for p in load_bytes(raw, "studies/x.yml").problems] == [expected]


def test_unreadable_file(tmp_path):
    from evidence_site.load import load_file

    assert [str(p) for p in load_file(tmp_path / "gone.yml", "studies/gone.yml").problems] == [
        "studies/gone.yml:1:1: (file): cannot be read: No such file or directory [unreadable]"
    ]


def test_a_symbolic_link_and_a_wrong_suffix_are_refused(project):
    from evidence_site.build import prepare
    from evidence_site.problems import InputError

    (project / "studies" / "link-2020.yml").symlink_to(project / "review.yml")
    (project / "studies" / "notes.yaml").write_text("id: x\n")
    with pytest.raises(InputError) as caught:
        prepare(project)
    assert [str(p) for p in caught.value.problems] == [
        "studies/link-2020.yml:1:1: (file): is a symbolic link; a study file must be an ordinary file in studies/ "
        "[not-a-file]",
        "studies/notes.yaml:1:1: (file): study files must end in .yml; rename it to <id>.yml [bad-file-name]",
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("  size: 61", "  size: sixty-one",
     "sample.size: expected a whole number, or null if not known, got text 'sixty-one'; expected: Number of "
     "participants the study reports (whole number), or null if not known or unclear. [wrong-type]"),
    ("  size: 61", "  size: 0",
     "sample.size: a number (0) is too small; the smallest allowed is 1; expected: Number of participants the study "
     "reports (whole number), or null if not known or unclear. [out-of-range]"),
    ("  year: 2020", "  year: 2030",
     "citation.year: a number (2030) is too large; the largest allowed is {year} (this year); expected: Year of "
     "publication as the review lists it. [out-of-range]"),
    ("  journal: International Journal of Environmental Research and Public Health", '  journal: ""',
     "citation.journal: is empty; write the value, or null if it is not known [empty]"),
    ("  duration: 7 days", "  duration: " + "x" * 301,
     "intervention.duration: is 301 characters long; at most 300 are allowed [too-long]"),
    ("  - field: country\n", "  - field: countyr\n",
     "inferred[0].field: names 'countyr', which is not a field of this file; use a path such as country or "
     "outcomes[0].effect [unknown-path]"),
])
def test_validator_problem_codes(project, old, new, expected):
    from evidence_site.validate import today

    text = edited(old, new)
    line = line_of(text, new.strip().split("\n")[0][:20])
    col = len(new) - len(new.lstrip(" -")) + 1
    assert problems_after(project, {"brown-2020.yml": text}) == [
        f"studies/brown-2020.yml:{line}:{col}: " + expected.format(year=today().year)
    ]


@pytest.mark.parametrize("entries, expected", [
    ("  - field: sample.mean_age\n    status: not-reported\n  - field: sample.mean_age\n    status: not-reported\n",
     "missing[1].field: names 'sample.mean_age' again; it is already listed as missing[0]; keep one "
     "[duplicate-entry]"),
    ("  - field: sample.size\n    status: not-reported\n",
     "missing[0].field: names 'sample.size', which has a value here; list only fields that are null [not-null]"),
    ("  - field: sample.age\n    status: not-reported\n",
     "missing[0].field: names 'sample.age', which is not a field of this file; use a path such as sample.mean_age "
     "[unknown-path]"),
])
def test_missing_entries_name_null_fields_once(project, entries, expected):
    text = edited("sources:\n", "missing:\n" + entries + "sources:\n")
    problem_line = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith("  - field:")][-1]
    assert problems_after(project, {"brown-2020.yml": text}) == [f"studies/brown-2020.yml:{problem_line}:5: {expected}"]


def test_review_arithmetic_problem(madeup):
    from evidence_site.build import prepare
    from evidence_site.problems import InputError

    review = (madeup / "review.yml").read_text(encoding="utf-8")
    (madeup / "review.yml").write_text(edited("    mixed: 1\n", "    mixed: 3\n", review))
    with pytest.raises(InputError) as caught:
        prepare(madeup)
    assert [str(p) for p in caught.value.problems] == [
        f"review.yml:{line_of(review, '  overall:')}:3: reported.overall: the studies in the overall effect classes add "
        "up to 6, but reported.included_studies is 4 [inconsistent-review]"
    ]


def test_a_published_address_the_site_no_longer_serves(tmp_path):
    from evidence_site.urls import broken

    (tmp_path / "methods").mkdir()
    (tmp_path / "methods" / "index.html").write_text('<h2 id="search">Search</h2>')
    assert [str(p) for p in broken(tmp_path, [(3, "/findings/"), (4, "/methods/#quality")])] == [
        "published-urls.txt:3:1: /findings/: the page is gone; restore it, or redirect 'findings/index.md' to its new "
        "page in mkdocs.yml (plugins: redirects: redirect_maps) [url-dropped]",
        "published-urls.txt:4:1: /methods/#quality: no element has id 'quality' any more; anchors come from data keys, "
        "so restore the key, or redirect the page [url-dropped]",
    ]
