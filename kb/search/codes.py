"""Error codes in text: the shapes of code families, kept whole and matched case-insensitively.

Customers paste codes exactly as the product shows them (`0x8004DEF4`, `550 5.7.1`,
`Event ID 1000`, `AADSTS65005`, `DNS_PROBE_FINISHED_NXDOMAIN`); a word tokenizer would break
most of them apart. `find_codes` recognises each family by its shape and gives every match a
`key`: the lower-case form search matches on, plus `also`, the other keys the same text
answers to (`550 5.7.1` also answers to `5.7.1`, `HTTP 403` to `403`).

`error_codes` is the stricter question the importer asks of a title: which of these are error
codes worth registering? Registry hives (`HKEY_LOCAL_MACHINE`), registry types (`REG_DWORD`)
and product names in CamelCase (`SharePoint`) are code-shaped but are not errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kb.cjk import as_breaks

# Families, as the support team names them (the `kind` column of error-queries.detail.tsv).
HRESULT = "hresult"
NDR = "ndr"
EVENT_ID = "event-id"
STATUS = "status-code"
DASHED = "office-dash"
PREFIXED = "prefixed"
CONSTANT = "constant"
IDENTIFIER = "identifier"
NUMERIC = "numeric"


@dataclass(frozen=True)
class CodeMatch:
    """One code found in a text: its family, the text as written, and the keys it matches on."""

    kind: str
    text: str  # as written ("Event ID 1000", "0x8004DEF4")
    key: str  # lower case, single spaces: what search matches ("event id 1000")
    start: int
    end: int
    also: tuple[str, ...] = ()  # other keys this text answers to ("5.7.1" for "550 5.7.1")
    canonical: str = ""  # how to write it in `error_codes` when not as written ("Event ID 1000")

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.also)

    @property
    def display(self) -> str:
        """How to write the code in `error_codes`: its canonical form, or as written, spaces tidied."""
        return self.canonical or " ".join(self.text.split())


_EVENT = re.compile(
    r"\bevent(?P<ids>[ \t]+ids?)?[ \t]*[:#]?[ \t]*(?P<first>\d{1,6})"
    r"(?P<more>(?:[ \t]*,[ \t]*(?:and[ \t]+|or[ \t]+)?\d{1,6}|[ \t]+(?:and|or)[ \t]+\d{1,6})*)(?!\d)",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"\b(?P<proto>https?|sip)(?:/\d(?:\.\d)?)?[ \t]+(?:(?:status|error|response|server)[ \t]+)*"
    r"(?:code[ \t]+|error[ \t]+status[ \t]+)?\(?(?P<num>[1-6]\d\d)\)?(?![\w.])",
    re.IGNORECASE,
)
_NDR = re.compile(
    r"(?<![\w.])(?:(?P<basic>[245]\d\d)[ \t]*[- ][ \t]*#?)?(?P<enhanced>[245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)"
)
_HEX = re.compile(r"(?<![\w.])0x(?P<digits>[0-9a-f]{1,16})(?![\w])", re.IGNORECASE)
_DASHED = re.compile(r"(?<![\w.\-/])(?P<a>\d{3,6})-(?P<b>\d{1,5})(?![\w\-/]|\.\d)")
_PREFIX_DASH = re.compile(r"(?<![\w\-.])(?P<prefix>[A-Za-z]{1,12})-(?P<num>\d{2,8})(?![\w\-]|\.\d)")
_PREFIXED = re.compile(r"(?<![\w\-])(?P<prefix>[A-Z]{2,10})(?P<num>\d{2,10})(?![\w\-])")
_PREFIXED_ANY_CASE = re.compile(r"^[a-z]{2,10}\d{2,10}$", re.IGNORECASE)
_CONSTANT = re.compile(r"(?<![\w])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w])")
# Also inside dotted names: System.NullReferenceException, APPROVAL.InvalidExpiry.
_IDENTIFIER = re.compile(r"(?<![\w])[A-Z][a-z0-9]+(?:[A-Z]+[a-z0-9]*)+(?![\w])")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

# Code-shaped, but not errors: registry hives and value types, Windows message and privilege
# constants. A team can add its own with `search.not_codes` in kb.yaml.
NOT_ERRORS = (r"HKEY_\w+", r"HK(?:LM|CU|CR|U|CC)\b\w*", r"REG_\w+", r"WM_\w+", r"SE_\w+_NAME")
# Prefixes of code-shaped words that name things, not errors: knowledge-base and bulletin
# numbers, hash and protocol versions.
NOT_ERROR_PREFIXES = frozenset({"KB", "MS", "SHA", "MD", "TLS", "SSL", "IE", "IPV", "WIN", "UTF", "ISO", "RFC", "CVE"})
# An identifier is an error name when one of its words says something failed.
_ERROR_WORDS = re.compile(
    r"(?:Exception|Error|Errors|Fault|Failure|Failed|Fails|Denied|NotFound|Illegal|Invalid|Expired|Expiry"
    r"|Timeout|TimedOut|Mismatch|Unavailable|Corrupt|Refused|Rejected|Unauthorized|Forbidden)"
    r"(?=[A-Z0-9]|$)|^(?:Error|Invalid|Err)(?=[A-Z])"
)
# Bare numbers count as codes in a title only next to a word that says so.
_NUMBER_IN_CONTEXT = re.compile(
    r"\b(?:error|code|status|fault|exception|failure|result|return|number|no\.|#)(?:[ \t]+(?:code|number|no\.?))?"
    r"[ \t]*[:#(]?[ \t]*[\"'“]?(?P<num>\d{3,10})(?![\w.\-])",
    re.IGNORECASE,
)
_RUNTIME_ERROR = re.compile(r"\b(?:run-?time|setup)[ \t]+error[ \t]+(?P<num>\d{3,10})(?![\w.\-])", re.IGNORECASE)
# "403 Forbidden", "(404) Not Found": a status number followed by its reason phrase.
_STATUS_PHRASE = re.compile(
    r"(?<![\w.\-])\(?(?P<num>[1-5]\d\d)\)?[ \t:]+(?:forbidden|bad[ \t]+request|not[ \t]+found|unauthorized"
    r"|access[ \t]+denied|method[ \t]+not[ \t]+allowed|request[ \t]+timeout|gone|internal[ \t]+server|server"
    r"[ \t]+internal|service[ \t]+unavailable|gateway|precondition|conflict|too[ \t]+many)",
    re.IGNORECASE,
)


def find_codes(text: str) -> list[CodeMatch]:
    """Every code-shaped span of `text`, in order, longest first where two overlap."""
    text = as_breaks(text)  # a code may stand right beside Chinese or Japanese
    found: list[CodeMatch] = []
    for finder in _FINDERS:
        found.extend(finder(text))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[CodeMatch] = []
    end = -1
    for match in found:
        if match.start >= end:
            kept.append(match)
            end = match.end
    return kept


def _events(text: str) -> Iterator[CodeMatch]:
    for m in _EVENT.finditer(text):
        first = m.group("first")
        if not m.group("ids") and len(first) < 3:
            continue  # "event 2 of 3"; "Event ID 41" needs its "ID"
        yield CodeMatch(EVENT_ID, m.group(0)[: m.end("first") - m.start()], f"event id {int(first)}", m.start(),
                        m.end("first"), (first,), f"Event ID {int(first)}")  # fmt: skip
        offset = m.start("more")
        for more in re.finditer(r"\d{1,6}", m.group("more")):
            number = more.group(0)
            yield CodeMatch(EVENT_ID, number, f"event id {int(number)}", offset + more.start(), offset + more.end(),
                            (number,), f"Event ID {int(number)}")  # fmt: skip


def _statuses(text: str) -> Iterator[CodeMatch]:
    for m in _STATUS.finditer(text):
        proto = m.group("proto").lower().removesuffix("s")
        number = m.group("num")
        yield CodeMatch(
            STATUS, m.group(0), f"{proto} {number}", m.start(), m.end(), (number,), f"{proto.upper()} {number}"
        )


def _ndrs(text: str) -> Iterator[CodeMatch]:
    for m in _NDR.finditer(text):
        enhanced = m.group("enhanced")
        if m.group("basic"):
            key = f"{m.group('basic')} {enhanced}"
            yield CodeMatch(NDR, m.group(0), key, m.start(), m.end(), (enhanced,), key)
        else:
            yield CodeMatch(NDR, enhanced, enhanced, m.start(), m.end())


def _hexes(text: str) -> Iterator[CodeMatch]:
    for m in _HEX.finditer(text):
        digits = m.group("digits").lower()
        # HRESULTs are often written without 0x ("error 80048163"): the bare form finds them too.
        also = (digits,) if len(digits) >= 8 else ()
        yield CodeMatch(HRESULT, m.group(0), f"0x{digits}", m.start(), m.end(), also)


def _dashed(text: str) -> Iterator[CodeMatch]:
    for m in _DASHED.finditer(text):
        a, b = m.group("a"), m.group("b")
        if _YEAR.match(a) and (_YEAR.match(b) or len(b) == 2):
            continue  # a range of years or a year and month, not a code
        yield CodeMatch(DASHED, m.group(0), m.group(0), m.start(), m.end())


def _prefix_dashed(text: str) -> Iterator[CodeMatch]:
    for m in _PREFIX_DASH.finditer(text):
        yield CodeMatch(PREFIXED, m.group(0), m.group(0).lower(), m.start(), m.end())


def _prefixed(text: str) -> Iterator[CodeMatch]:
    for m in _PREFIXED.finditer(text):
        yield CodeMatch(PREFIXED, m.group(0), m.group(0).lower(), m.start(), m.end())


def _constants(text: str) -> Iterator[CodeMatch]:
    for m in _CONSTANT.finditer(text):
        if any(c.isalpha() for c in m.group(0)):
            yield CodeMatch(CONSTANT, m.group(0), m.group(0).lower(), m.start(), m.end())


def _identifiers(text: str) -> Iterator[CodeMatch]:
    for m in _IDENTIFIER.finditer(text):
        yield CodeMatch(IDENTIFIER, m.group(0), m.group(0).lower(), m.start(), m.end())


_FINDERS = (_events, _statuses, _ndrs, _hexes, _dashed, _prefix_dashed, _prefixed, _constants, _identifiers)


# -- the stricter question: which are errors ---------------------------------------------------


class ErrorCodeFilter:
    """Decides which code-shaped matches are error codes; extended by `search.not_codes`."""

    def __init__(self, not_codes: Iterable[str] = ()) -> None:
        self.not_errors = re.compile("|".join(f"(?:{p})" for p in (*NOT_ERRORS, *not_codes)), re.IGNORECASE)

    def is_error(self, match: CodeMatch) -> bool:
        if self.not_errors.fullmatch(match.text):
            return False
        if match.kind == IDENTIFIER:
            return bool(_ERROR_WORDS.search(match.text))
        if match.kind == PREFIXED:
            prefix = re.match(r"[A-Za-z]+", match.text)
            return bool(prefix) and prefix.group(0).isupper() and prefix.group(0).upper() not in NOT_ERROR_PREFIXES  # type: ignore[union-attr]
        return True

    def error_codes(self, text: str) -> list[CodeMatch]:
        """The error codes a title or heading names, in order, each once (by key)."""
        found = [m for m in find_codes(text) if self.is_error(m)]
        taken = [(m.start, m.end) for m in find_codes(text)]
        for pattern, kind in ((_NUMBER_IN_CONTEXT, NUMERIC), (_RUNTIME_ERROR, NUMERIC), (_STATUS_PHRASE, STATUS)):
            for m in pattern.finditer(text):
                start, end = m.span("num")
                if any(s < end and start < e for s, e in taken):
                    continue
                number = m.group("num")
                if _YEAR.match(number) and kind == NUMERIC and not m.group(0).lower().startswith(("error", "code")):
                    continue
                found.append(CodeMatch(kind, number, number, start, end))
                taken.append((start, end))
        # "Error 1401, 1402 or 1406": numbers listed after a number that counts.
        for m in re.finditer(
            r"(?<=\d)(?:[ \t]*,[ \t]*(?:or[ \t]+|and[ \t]+)?|[ \t]+(?:or|and)[ \t]+)(\d{3,10})\b", text
        ):
            start, end = m.span(1)
            if any(s < end and start < e for s, e in taken):
                continue
            if any(f.kind == NUMERIC and f.end <= m.start() and text[f.end : m.start()].strip(" ,orand\t") == ""
                   for f in found):  # fmt: skip
                found.append(CodeMatch(NUMERIC, m.group(1), m.group(1), start, end))
                taken.append((start, end))
        found.sort(key=lambda m: m.start)
        seen: set[str] = set()
        unique = []
        for match in found:
            if match.key not in seen:
                seen.add(match.key)
                unique.append(match)
        return unique


def code_keys(code: str) -> tuple[str, ...]:
    """The keys a declared code (from `error_codes`, or a `--code` filter) matches on."""
    text = " ".join(code.split())
    matches = find_codes(text)
    if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(text):
        return matches[0].keys
    return (text.lower(),)


def looks_like_code(word: str) -> bool:
    """Whether a single query word is code-shaped whatever its case (`aadsts65005`, `0x80070005`)."""
    if find_codes(word):
        return any(m.start == 0 and m.end == len(word) for m in find_codes(word))
    return bool(_PREFIXED_ANY_CASE.match(word)) or ("_" in word and any(c.isdigit() or c.isalpha() for c in word))
