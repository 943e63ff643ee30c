"""The YAML loader: plain data only, with the line and column of every value."""

from evidence_site.load import MAX_BYTES, load_bytes


def problems(text: bytes) -> list[str]:
    return [str(p) for p in load_bytes(text, "studies/x.yml").problems]


def test_positions_of_nested_values():
    doc = load_bytes(b"id: a-2020\noutcomes:\n  - domain: fomo\n    effect: improved\n", "studies/a-2020.yml")
    assert doc.problems == []
    assert doc.data == {"id": "a-2020", "outcomes": [{"domain": "fomo", "effect": "improved"}]}
    assert doc.where(("outcomes", 0, "effect")) == (4, 5)
    assert doc.where(("outcomes", 0)) == (3, 5)
    assert doc.where(("outcomes", 0, "missing")) == (3, 5)


def test_yaml_12_core_types_keep_norway_and_dates_as_text():
    doc = load_bytes(b"country: no\nadded: 2026-11-26\nok: true\nn: 12\nx: 1.5\nz: null\ns: 0x10\n", "f.yml")
    assert doc.data == {"country": "no", "added": "2026-11-26", "ok": True, "n": 12, "x": 1.5, "z": None, "s": "0x10"}


def test_duplicate_key():
    assert problems(b"id: a\nid: b\n") == [
        "studies/x.yml:2:1: id: duplicate key; 'id' is already given on line 1 [duplicate-key]"
    ]


def test_python_tag_is_refused():
    assert problems(b"id: !!python/object/apply:os.system [echo hi]\n") == [
        "studies/x.yml:1:5: id: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed; "
        "only plain values (text, numbers, true/false, null) [bad-tag]"
    ]


def test_alias_is_refused():
    assert problems(b"a: &x [1]\nb: *x\n") == [
        "studies/x.yml:1:4: b: anchors and aliases (& and *) are not allowed; write the value out in full [alias]"
    ]


def test_syntax_error_names_the_line_to_fix():
    assert problems(b"id: a\ntitle: [unclosed\n") == [
        "studies/x.yml:2:8: (file): YAML syntax error: the list that starts here is never closed with ']'; if the "
        "value is text, put the whole value in double quotes (the YAML parser says: did not find expected ',' or ']') "
        "[yaml-syntax]"
    ]


def test_empty_file():
    assert problems(b"# only a comment\n") == [
        "studies/x.yml:1:1: (file): file is empty; expected a mapping of fields [empty-file]"
    ]


def test_top_level_list():
    assert problems(b"- id: a\n") == [
        "studies/x.yml:1:1: (file): top level is a list; expected a mapping of fields (key: value lines) [not-a-mapping]"
    ]


def test_not_utf8_names_the_line():
    assert problems(b"id: a\ntitle: caf\xe9\n") == [
        "studies/x.yml:2:11: (file): is not valid UTF-8 text; save the file with UTF-8 encoding [not-utf8]"
    ]


def test_too_large_is_refused_before_parsing():
    assert problems(b"a: " + b"x" * MAX_BYTES + b"\n") == [
        f"studies/x.yml:1:1: (file): file is {MAX_BYTES + 4:,} bytes; the limit is {MAX_BYTES:,} bytes per file "
        "[file-too-large]"
    ]


def test_too_deep_is_refused_before_parsing():
    assert problems(b"a: " + b"[" * 50 + b"]" * 50 + b"\n") == [
        "studies/x.yml:1:1: (file): nested more than 12 levels deep; study files are flat records [too-deep]"
    ]


def test_non_finite_number():
    assert problems(b"mean_age: .inf\n") == ["studies/x.yml:1:11: mean_age: '.inf' is not a finite number [bad-number]"]


def test_byte_order_mark_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfid: a\n", "f.yml").data == {"id": "a"}
