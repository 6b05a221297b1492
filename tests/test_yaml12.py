"""Library tests of `kb.yaml12`: YAML 1.2 core scalars, positions, and every problem as a `YamlProblem`."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from kb.yaml12 import MAX_REPEATED_VALUES, Position, YamlProblem, parse

# -- scalars: the YAML 1.2 core schema, not PyYAML's YAML 1.1 ----------------------------------


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("true", True),
        ("True", True),
        ("FALSE", False),
        # YAML 1.1 booleans are text in YAML 1.2
        ("yes", "yes"),
        ("NO", "NO"),
        ("on", "on"),
        ("Off", "Off"),
        ("y", "y"),
        ("n", "n"),
        ("null", None),
        ("~", None),
        ("", None),
        ("42", 42),
        ("-7", -7),
        ("+12", 12),
        ("0755", 755),  # not octal: YAML 1.2 writes octal 0o755
        ("0o755", 0o755),
        ("0x1F", 31),
        ("0b101", "0b101"),  # YAML 1.1 binary int
        ("1_000", "1_000"),  # YAML 1.1 digit separators
        ("12:30", "12:30"),  # YAML 1.1 base-60 number
        ("4.10", 4.1),
        ("1e3", 1000.0),
        ("-.inf", -math.inf),
        (".Inf", math.inf),
        ("2025-03-02", dt.date(2025, 3, 2)),
        ("2025-03-02 10:30:00", dt.datetime(2025, 3, 2, 10, 30)),
        ("2025-03-02T10:30:00Z", dt.datetime(2025, 3, 2, 10, 30, tzinfo=dt.UTC)),
        ("2025-3-2", "2025-3-2"),
        ("=", "="),  # YAML 1.1 value key
        ("KB-1042", "KB-1042"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(plain: str, value: Any) -> None:
    parsed = parse(f"key: {plain}").value["key"]

    assert parsed == value
    assert type(parsed) is type(value)


def test_nan_is_a_float() -> None:
    assert math.isnan(parse("key: .nan").value["key"])


@pytest.mark.parametrize("text", ['"yes"', "'NO'", '"4.10"', '"2025-03-02"', "!!str 4.10", '"true"', "'~'"])
def test_quoted_and_tagged_strings_stay_strings(text: str) -> None:
    value = parse(f"key: {text}").value["key"]

    assert isinstance(value, str)
    assert value == text.removeprefix("!!str ").strip("'\"")


def test_the_source_text_of_plain_scalars_is_kept() -> None:
    document = parse("version: 4.10\nquoted: '4.10'\nlist: [4.10, 0755]")

    assert document.raw[("version",)] == "4.10"
    assert ("quoted",) not in document.raw
    assert document.raw[("list", 0)] == "4.10"
    assert document.raw[("list", 1)] == "0755"


def test_keys_are_text() -> None:
    assert parse("1: a\ntrue: b\n2025-01-01: c").value == {"1": "a", "true": "b", "2025-01-01": "c"}


def test_an_empty_document_has_no_value() -> None:
    assert parse("").value is None
    assert parse("# only a comment\n").value is None


def test_an_alias_repeats_its_anchor() -> None:
    assert parse("a: &sections [Issue, Cause]\nb: *sections").value == {
        "a": ["Issue", "Cause"],
        "b": ["Issue", "Cause"],
    }


# -- positions --------------------------------------------------------------------------------


def test_every_value_and_key_keeps_its_line_and_column() -> None:
    document = parse('id: KB-1\nenvironment:\n  product: Acme\n  versions: ["4.2", 4.10]\ntags:\n  - sso\n')

    assert document.positions[()] == Position(1, 1)
    assert document.positions[("id",)] == Position(1, 5)
    assert document.key_positions[("id",)] == Position(1, 1)
    assert document.positions[("environment", "product")] == Position(3, 12)
    assert document.key_positions[("environment", "product")] == Position(3, 3)
    assert document.positions[("environment", "versions", 1)] == Position(4, 21)
    assert document.positions[("tags", 0)] == Position(6, 5)


def test_a_position_falls_back_to_the_nearest_parent() -> None:
    document = parse("environment:\n  product: Acme\n")

    assert document.position(("environment", "versions", 0)) == Position(2, 3)
    assert document.position(("nothing",)) == Position(1, 1)
    assert document.position(("environment",), key=True) == Position(1, 1)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_line_numbers(separator: str) -> None:
    # YAML 1.1 (and so PyYAML and libyaml) breaks lines at these; files and editors do not.
    text = f'title: "one{separator}two"\nowner: a\nowner: b\n'

    with pytest.raises(YamlProblem) as raised:
        parse(text)

    assert (raised.value.kind, raised.value.line, raised.value.col) == ("duplicate-key", 3, 1)
    assert raised.value.message == "the key 'owner' is already set on line 2"


# -- problems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "line", "col", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, "the key 'a' is already set on line 1"),
        ("env:\n  product: x\n  product: y\n", "duplicate-key", 3, 3, "the key 'product' is already set on line 2"),
        ("1: a\n'1': b\n", "duplicate-key", 2, 1, "the key '1' is already set on line 1"),
        ("env:\n\tproduct: x\n", "tab", 2, 1, "a tab is used for indentation (YAML allows only spaces)"),
        (
            "a: !!python/object:os.system {}\n",
            "unsupported",
            1,
            4,
            "the tag 'tag:yaml.org,2002:python/object:os.system'",
        ),
        ("a: !!binary aGVsbG8=\n", "unsupported", 1, 4, "the tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("a: !!set {x: null}\n", "unsupported", 1, 4, "the tag 'tag:yaml.org,2002:set' is not allowed"),
        ("a: !local x\n", "unsupported", 1, 4, "the tag '!local' is not allowed"),
        ("b: &x {q: 1}\na:\n  <<: *x\n", "unsupported", 3, 3, "merge keys ('<<') are not YAML 1.2"),
        ("? [a, b]\n: 1\n", "unsupported", 1, 3, "a key must be a plain name, not a list or mapping"),
        ("a: &x [*x]\n", "unsupported", 1, 4, "an alias refers to itself"),
        ("a: " + "9" * 5000 + "\n", "unsupported", 1, 4, "the number has too many digits"),
        ("title: Error: it fails\n", "syntax", 1, 13, "mapping values are not allowed in this context"),
        ('a: "unclosed\nb: 2\n', "syntax", 3, 1, "found unexpected end of stream"),
        ("a: [1, 2\nb: 3\n", "syntax", 1, 4, "this [ is never closed (did not find expected ',' or ']', found on line"),
        ("a: {x: 1\nb: 3\n", "syntax", 1, 4, "this { is never closed (did not find expected ',' or '}', found on"),
        ("a: *nowhere\n", "syntax", 1, 4, "found undefined alias"),
        ("a: b\x07c\n", "syntax", 1, 5, "unacceptable character #x0007: control characters are not allowed"),
        ("a: 1\n---\nb: 2\n", "syntax", 2, 1, "but found another document"),
        ("a: " + "[" * 1200 + "]" * 1200, "syntax", 1, 1003, "exceeded maximum nesting depth"),
        ("a: " + "[" * 900 + "]" * 900, "unsupported", 1, 1, "the YAML is nested too deeply"),
    ],
)
def test_every_problem_is_a_yaml_problem_with_its_place(
    text: str, kind: str, line: int, col: int, message: str
) -> None:
    with pytest.raises(YamlProblem) as raised:
        parse(text)

    problem = raised.value
    assert (problem.kind, problem.line, problem.col) == (kind, line, col)
    assert problem.message.startswith(message)
    assert str(problem) == f"{line}:{col}: {problem.message}"


@pytest.mark.parametrize("text", ["2025-02-30", "2025-02-03 25:00:00"])
def test_an_impossible_date_stays_text_for_the_schema_to_judge(text: str) -> None:
    # In a title it is what the writer meant; in a date field the schema stage reports KB013.
    assert parse(f"a: {text}\n").value == {"a": text}


def test_quoted_messages_name_lines_of_the_file_when_told_where_the_text_starts() -> None:
    with pytest.raises(YamlProblem) as raised:
        parse("a: 1\nb: 2\na: 3\n", line_offset=1)

    assert (raised.value.line, raised.value.message) == (3, "the key 'a' is already set on line 2")


def test_aliases_that_multiply_values_are_refused_quickly() -> None:
    # "Billion laughs": nine levels of ten aliases would build 10**9 values.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")

    with pytest.raises(YamlProblem) as raised:
        parse("\n".join(lines))

    assert raised.value.kind == "unsupported"
    assert raised.value.message == f"aliases repeat values more than {MAX_REPEATED_VALUES} times"


def test_a_few_repeated_aliases_are_fine() -> None:
    text = "sections: &s [Issue, Environment, Resolution]\n" + "".join(f"t{i}: *s\n" for i in range(100))

    assert len(parse(text).value) == 101
