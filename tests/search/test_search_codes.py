"""Code families: found whole in any text, keyed case-insensitively, and told apart from non-errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.search.analysis import prose_terms
from kb.search.codes import ErrorCodeFilter, code_keys, find_codes
from tests.search.search_fixtures import read_table


@pytest.mark.parametrize(("text", "expected"), read_table("code-shapes.tsv"))
def test_find_codes_keeps_each_family_whole(text: str, expected: str) -> None:
    found = "|".join(",".join(match.keys) for match in find_codes(text))
    assert found == expected


@pytest.mark.parametrize(("title", "expected"), read_table("error-codes.tsv"))
def test_error_codes_of_a_title(title: str, expected: str) -> None:
    found = "|".join(match.display for match in ErrorCodeFilter().error_codes(title))
    assert found == expected


def test_registry_hives_and_value_types_are_not_errors() -> None:
    codes = ErrorCodeFilter()
    assert codes.error_codes("HKEY_LOCAL_MACHINE REG_DWORD HKLM REG_SZ") == []
    assert [m.display for m in codes.error_codes("ERR_INVALID_RESPONSE")] == ["ERR_INVALID_RESPONSE"]


def test_a_team_can_declare_more_non_errors() -> None:
    codes = ErrorCodeFilter(not_codes=[r"ACME_\w+"])
    assert codes.error_codes("ACME_FEATURE_FLAG is set") == []


@pytest.mark.parametrize(
    ("code", "keys"),
    [
        ("550 5.7.1", ("550 5.7.1", "5.7.1")),
        ("Event ID 1000", ("event id 1000", "1000")),
        ("event  id 1000", ("event id 1000", "1000")),
        ("HTTP 403", ("http 403", "403")),
        ("0x8004DEF4", ("0x8004def4", "8004def4")),
        ("AUTH-401", ("auth-401",)),
        ("Something odd", ("something odd",)),
    ],
)
def test_declared_codes_match_on_their_keys(code: str, keys: tuple[str, ...]) -> None:
    assert code_keys(code) == keys


_FAMILY_CODES = st.one_of(
    st.integers(0, 2**32 - 1).map(lambda n: f"0x{n:08X}"),
    st.tuples(st.sampled_from("245"), st.integers(0, 9), st.integers(0, 299)).map(lambda t: f"{t[0]}.{t[1]}.{t[2]}"),
    st.integers(10000, 99999).map(lambda n: f"AADSTS{n}"),
    st.integers(100, 99999).map(lambda n: f"Event ID {n}"),
    st.integers(100, 599).map(lambda n: f"HTTP {n}"),
    st.tuples(st.integers(10000, 39999), st.integers(1, 9999)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.sampled_from(["MigrationPermanentException", "DNS_PROBE_FINISHED_NXDOMAIN", "StoragePermanentException"]),
)
_PROSE = st.text(alphabet=st.sampled_from("abcdefghij klmnop,;()\n"), max_size=40)


@given(before=_PROSE, code=_FAMILY_CODES, after=_PROSE, upper=st.booleans())
def test_a_code_in_any_prose_is_found_whatever_its_case(before: str, code: str, after: str, upper: bool) -> None:
    text = f"{before} {code.upper() if upper else code.lower()} {after}"
    indexed = set(prose_terms(text))
    for query in (code, code.lower(), code.upper()):
        assert set(prose_terms(query)) & indexed
    (key, *_) = code_keys(code)
    if "_" in code or not code.isalpha():  # identifiers are matched by their stem when written in one case
        assert key in indexed


@given(st.text(max_size=300))
def test_analysis_never_fails_and_terms_are_lower_case(text: str) -> None:
    for term in prose_terms(text):
        assert term == term.lower()
        assert term.strip() == term
        assert term
