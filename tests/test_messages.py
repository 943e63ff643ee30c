"""Messages that fit the mistake: each common mistake, made in a real study file, and the exact
line a contributor reads. Driven through the real loader, validator and command line (in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_site.load import load_bytes

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
