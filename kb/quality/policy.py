"""The KB's rule policy from `kb.yaml` (`lint:`): which rules run, at what level, for which files.

Rules are named by code (`KB202`), name (`wall-of-text`), group (`clear`), code prefix (`KB2`)
or `ALL`. A name kb does not know is a `ConfigError` at its file and line with a did-you-mean:
a typo must never quietly turn a rule off.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kb import yaml12
from kb.config import Config, parse_yaml_file
from kb.errors import ConfigError, ConfigWarning
from kb.findings import Finding, Level
from kb.rules import ALL_RULES, Group

# An article kb cannot read must never vanish from a report, and suppressions must give reasons:
# these rules cannot be turned off (their level can still change).
ALWAYS_ON = frozenset(r.code for r in ALL_RULES if r.group is Group.SOURCE and r.code not in ("KB004", "KB005"))


def rule_codes(selector: str) -> set[str] | None:
    """The codes a selector names, or None when it names nothing."""
    wanted = selector.strip()
    lowered = wanted.lower()
    if lowered == "all":
        return {r.code for r in ALL_RULES}
    by_group = {r.code for r in ALL_RULES if r.group.value == lowered}
    if by_group:
        return by_group
    exact = {r.code for r in ALL_RULES if lowered in (r.code.lower(), r.name)}
    if exact:
        return exact
    if lowered.startswith("kb") and lowered[2:].isdigit():
        prefixed = {r.code for r in ALL_RULES if r.code.lower().startswith(lowered)}
        return prefixed or None
    return None


def _choices() -> list[str]:
    return [*(r.code for r in ALL_RULES), *(r.name for r in ALL_RULES), *(g.value for g in Group)]


@dataclass
class _Scope:
    patterns: list[str]
    select: set[str] | None
    ignore: set[str]
    levels: dict[str, Level]
    written_at: list[yaml12.Position] = field(default_factory=list)  # of each pattern, in kb.yaml

    def matches(self, path: str) -> bool:
        return any(_glob_matches(p, path) for p in self.patterns)


def _glob_matches(pattern: str, path: str) -> bool:
    return fnmatch.fnmatch(path, pattern) or PurePosixPath(path).match(pattern)


@dataclass
class Policy:
    """Decides, per rule and file, whether a finding is reported and at which level."""

    scopes: list[_Scope] = field(default_factory=list)  # the KB-wide scope first
    config_path: Path | None = None
    # (rule, path) -> (reported, configured level or None for the rule's own)
    _decisions: dict[tuple[str, str], tuple[bool, Level | None]] = field(default_factory=dict)

    def level(self, code: str, path: str, default: Level) -> Level | None:
        """The level to report `code` at in `path`, or None when the rule is off there."""
        key = (code, path)
        decided = self._decisions.get(key)
        if decided is None:
            enabled = True
            level: Level | None = None
            for scope in self.scopes:
                if scope.patterns and not scope.matches(path):
                    continue
                if scope.select is not None:
                    enabled = code in scope.select
                if code in scope.ignore:
                    enabled = False
                level = scope.levels.get(code, level)
            decided = (enabled or code in ALWAYS_ON, level)
            self._decisions[key] = decided
        enabled, level = decided
        if not enabled:
            return None
        return default if level is None else level

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """The findings the policy reports, with their levels set."""
        kept = []
        for finding in findings:
            level = self.level(finding.code, finding.location.path, finding.level)
            if level is None:
                continue
            kept.append(finding if level == finding.level else dataclasses.replace(finding, level=level))
        return kept

    def unmatched(self, relpaths: list[str]) -> list[ConfigWarning]:
        """A warning for each `per_path` glob that matches none of `relpaths` (every file of the
        KB): most often a path written from the articles folder instead of the KB root."""
        warnings = []
        for scope in self.scopes:
            for pattern, pos in zip(scope.patterns, scope.written_at, strict=True):
                if any(_glob_matches(pattern, relpath) for relpath in relpaths):
                    continue
                warnings.append(
                    ConfigWarning(
                        f"{pattern!r} in lint.per_path matches no article: its settings apply nowhere",
                        path=self.config_path, line=pos.line, col=pos.col,
                        hint="paths are relative to the KB root (articles/api/*.md)",
                    )
                )  # fmt: skip
        return warnings

    def enabled(self, code: str) -> bool:
        """Whether the rule runs for at least some files (rules that are off everywhere are skipped)."""
        for scope in self.scopes:
            if scope.patterns:
                if scope.select is None or code in scope.select:
                    return True  # a path scope may turn it on
                continue
            if (scope.select is not None and code not in scope.select) or code in scope.ignore:
                return code in ALWAYS_ON
        return True


def load_policy(config: Config) -> Policy:
    """The policy of `config`, with every rule name checked against the rules kb has."""
    lint = config.lint
    document, path = _document(config)

    def codes(selectors: list[str], where: yaml12.Path) -> set[str]:
        found: set[str] = set()
        for i, selector in enumerate(selectors):
            named = rule_codes(selector)
            if named is None:
                raise _unknown(selector, document, path, (*where, i))
            if where[-1] == "ignore" and named & ALWAYS_ON and len(named) == 1:
                raise _error(
                    f"{selector} cannot be ignored: kb always reports files it cannot read and suppressions "
                    "without a reason", document, path, (*where, i),
                )  # fmt: skip
            found |= named
        return found

    def levels(table: dict[str, Level], where: yaml12.Path) -> dict[str, Level]:
        result: dict[str, Level] = {}
        for selector, level in table.items():
            named = rule_codes(selector)
            if named is None:
                raise _unknown(selector, document, path, (*where, selector), key=True)
            for code in named:
                result[code] = level
        return result

    scopes = [
        _Scope(
            [],
            codes(lint.select, ("lint", "select")) if lint.select else None,
            codes(lint.ignore, ("lint", "ignore")),
            levels(lint.levels, ("lint", "levels")),
        )
    ]
    for i, override in enumerate(lint.per_path):
        where: yaml12.Path = ("lint", "per_path", i)
        if not override.paths:
            raise _error("a per_path entry needs paths: [glob, ...]", document, path, where)
        scopes.append(
            _Scope(
                list(override.paths),
                codes(override.select, (*where, "select")) if override.select else None,
                codes(override.ignore, (*where, "ignore")),
                levels(override.levels, (*where, "levels")),
                [document.position((*where, "paths", n)) for n in range(len(override.paths))],
            )
        )
    return Policy(scopes, config_path=path)


def _document(config: Config) -> tuple[yaml12.YamlDocument, Path | None]:
    if config.path is None or not config.path.is_file():
        return yaml12.YamlDocument(value={}), config.path
    return parse_yaml_file(config.path.read_text(encoding="utf-8"), config.path), config.path


def _error(
    message: str, document: yaml12.YamlDocument, path: Path | None, where: yaml12.Path, *, key: bool = False
) -> ConfigError:
    pos = document.position(where, key=key)
    return ConfigError(message, path=path, line=pos.line, col=pos.col, hint="kb rules lists every code and name")


def _unknown(
    selector: str, document: yaml12.YamlDocument, path: Path | None, where: yaml12.Path, *, key: bool = False
) -> ConfigError:
    # Codes misread as letters (KB2O1, KB2l0) first, then whatever is closest.
    as_code = selector.upper().replace("O", "0").replace("I", "1").replace("L", "1")
    exact = [as_code] if as_code.startswith("KB") and rule_codes(as_code) else []
    close = exact or difflib.get_close_matches(selector, _choices(), n=1, cutoff=0.6)
    pos = document.position(where, key=key)
    hint = f'did you mean "{close[0]}"?' if close else "kb rules lists every code and name"
    return ConfigError(f"no rule {selector!r}", path=path, line=pos.line, col=pos.col, hint=hint)
