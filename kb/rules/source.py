"""Rules about the file itself and its front matter: what must hold before anything else is checked.

The loader (`kb.load`) reports these; they have no `check` of their own.
"""

from __future__ import annotations

from kb.rules.base import Group, Rule


class UnreadableFile(Rule):
    """## What it does
    Reports an article file that cannot be read at all: permissions, a broken link, something
    that is not a regular file (a named pipe, a device), a file over 10 MB (an article is a page
    or less; checking one that size takes about 80 times its size in memory), or a name that is
    not valid UTF-8 (shown with its bytes as `\\xNN`, since findings, pages and links need text).

    ## Why it matters
    An article nobody can read is an article nobody can check or publish. kb reads none of these:
    a named pipe would block the check forever, and a link to `/dev/zero` would fill memory.

    ## Example
    `articles/sso/login.md` is a symbolic link to a file that was deleted.

    ## Use instead
    Fix the file's permissions or link, or remove it.
    """

    code = "KB000"
    name = "unreadable-file"
    group = Group.SOURCE
    summary = "The file cannot be read."
    hint = "check the file's permissions, or remove the broken link"


class BinaryFile(Rule):
    """## What it does
    Reports an article file that contains NUL bytes, which text never does.

    ## Why it matters
    A binary file with a `.md` name (an image or a document saved under the wrong name) cannot
    be read as an article; every other check would be noise.

    ## Example
    `articles/sso/screenshot.md` that is really a PNG.

    ## Use instead
    Keep images under the article's folder with their real extension and link them with
    `![alt text](image.png)`.
    """

    code = "KB001"
    name = "binary-file"
    group = Group.SOURCE
    summary = "The file is binary, not text."
    hint = "rename the file to its real type, or save the article as UTF-8 text"


class NotUtf8(Rule):
    """## What it does
    Reports an article that is not valid UTF-8, at the first byte that does not decode, or that
    is UTF-16 (as some Windows tools save text).

    ## Why it matters
    kb reads, indexes and publishes articles as UTF-8. Guessing another encoding would turn
    accented names and symbols into garbage on the site without anyone noticing.

    ## Example
    An article saved as Windows-1252 where `é` is the single byte `0xE9`.

    ## Use instead
    Save the file as UTF-8 (every editor offers it; `iconv -f cp1252 -t utf-8` converts).
    """

    code = "KB002"
    name = "not-utf8"
    group = Group.SOURCE
    summary = "The file is not valid UTF-8."
    hint = "save the file as UTF-8 (for example: iconv -f cp1252 -t utf-8)"


class EmptyFile(Rule):
    """## What it does
    Reports an article file that is empty or holds only whitespace.

    ## Why it matters
    An empty file is usually an accident (a failed save, a stub never written) and publishes
    nothing useful.

    ## Example
    A zero-byte `articles/billing/refunds.md`.

    ## Use instead
    Write the article (`kb new` starts one from the type's template) or delete the file.
    """

    code = "KB003"
    name = "empty-file"
    group = Group.SOURCE
    summary = "The file is empty."
    hint = "write the article (kb new makes one from a template) or delete the file"


class ByteOrderMark(Rule):
    """## What it does
    Reports a UTF-8 byte order mark (BOM) at the start of the file.

    ## Why it matters
    The invisible BOM comes before the opening `---`, so many tools no longer see the front
    matter at all. kb reads past it, but other tools in your pipeline may not.

    ## Example
    A file saved by an editor set to "UTF-8 with BOM".

    ## Use instead
    Save as plain "UTF-8" (without BOM).
    """

    code = "KB004"
    name = "byte-order-mark"
    group = Group.SOURCE
    summary = "The file starts with a byte order mark."
    hint = "save the file as UTF-8 without BOM, or run: kb check --fix"


class CrlfLineEndings(Rule):
    """## What it does
    Reports Windows (CRLF) line endings, and the CR endings of classic Mac OS.

    ## Why it matters
    Mixed line endings make every line of a diff look changed and break the line numbers other
    tools report. kb reads the file as if it had LF endings.

    ## Example
    An article edited on Windows with `core.autocrlf=false`.

    ## Use instead
    Use LF endings; a `.gitattributes` line `*.md text eol=lf` keeps them that way.
    """

    code = "KB005"
    name = "crlf-line-endings"
    group = Group.SOURCE
    summary = "The file uses CRLF (or CR) line endings, not LF."
    hint = "run kb check --fix; add '*.md text eol=lf' to .gitattributes"


class NoFrontMatter(Rule):
    """## What it does
    Reports an article that does not start with a `---` line opening its front matter.

    ## Why it matters
    Without front matter an article has no id, type, audience or owner: it cannot be validated,
    found or published safely.

    ## Example
    ```markdown
    # Sign-in fails
    ```

    ## Use instead
    ```markdown
    ---
    id: KB-1042
    title: Sign-in fails with AUTH-401 after an SSO timeout
    ...
    ---
    ```
    """

    code = "KB006"
    name = "no-front-matter"
    group = Group.SOURCE
    summary = "The article has no front matter."
    hint = "start the file with a '---' line, the metadata, and a closing '---' line"


class UnclosedFrontMatter(Rule):
    """## What it does
    Reports front matter that is opened by `---` but never closed by a second `---` line.

    ## Why it matters
    Without the closing line the whole article would be read as metadata (or the metadata as
    text): nothing after it can be trusted.

    ## Example
    ```markdown
    ---
    id: KB-1042
    title: Sign-in fails
    ## Issue
    ```

    ## Use instead
    Close the front matter with a line holding only `---` before the first heading.
    """

    code = "KB007"
    name = "unclosed-front-matter"
    group = Group.SOURCE
    summary = "The front matter is never closed."
    hint = "add a line holding only '---' after the last metadata line"


class YamlSyntax(Rule):
    """## What it does
    Reports front matter that is not valid YAML, at the place the YAML parser stopped.

    ## Why it matters
    Invalid metadata means the article cannot be validated or published.

    ## Example
    ```yaml
    title: Error: sign-in fails
    ```

    ## Use instead
    Quote values that contain `: ` or start with a special character:
    ```yaml
    title: "Error: sign-in fails"
    ```
    """

    code = "KB008"
    name = "yaml-syntax"
    group = Group.SOURCE
    summary = "The front matter is not valid YAML."
    hint = "quote values that contain ': ' or start with a special character"


class TabIndentation(Rule):
    """## What it does
    Reports a tab character used for indentation in the front matter.

    ## Why it matters
    YAML forbids tabs in indentation. Parsers either fail with a confusing message or, worse,
    read a nested value at the wrong level.

    ## Example
    ```yaml
    environment:
    <TAB>product: Acme Cloud
    ```

    ## Use instead
    Indent with spaces (two per level).
    """

    code = "KB009"
    name = "tab-indentation"
    group = Group.SOURCE
    summary = "A tab is used for indentation in the front matter."
    hint = "indent with spaces"


class DuplicateKey(Rule):
    """## What it does
    Reports a key that appears twice in the same mapping of the front matter.

    ## Why it matters
    Most YAML loaders silently keep the last value, so the article says one thing in the file
    and another on the site. kb treats it as an error.

    ## Example
    ```yaml
    audience: internal
    ...
    audience: public
    ```

    ## Use instead
    Keep one of the two lines.
    """

    code = "KB010"
    name = "duplicate-key"
    group = Group.SOURCE
    summary = "A key appears twice in the front matter."
    hint = "keep one of the two lines"


class FrontMatterNotMapping(Rule):
    """## What it does
    Reports front matter that is not a mapping of `key: value` lines (a list, a bare string).

    ## Why it matters
    Every field of an article is looked up by name; anything else cannot be validated.

    ## Example
    ```yaml
    - KB-1042
    - Sign-in fails
    ```

    ## Use instead
    ```yaml
    id: KB-1042
    title: Sign-in fails
    ```
    """

    code = "KB011"
    name = "front-matter-not-mapping"
    group = Group.SOURCE
    summary = "The front matter is not a mapping of keys to values."
    hint = "write the metadata as 'key: value' lines"


class UnsupportedYaml(Rule):
    """## What it does
    Reports YAML features that have no place in article metadata: explicit tags
    (`!!python/object`, `!!binary`), keys that are not plain strings, and alias cycles.

    ## Why it matters
    Such constructs are either unsafe or mean something other than what the writer expects.

    ## Example
    ```yaml
    tags: !!set {sso: null}
    ```

    ## Use instead
    ```yaml
    tags: [sso]
    ```
    """

    code = "KB012"
    name = "unsupported-yaml"
    group = Group.SOURCE
    summary = "The front matter uses a YAML feature kb does not accept."
    hint = "use plain strings, numbers, dates, lists and mappings"


class InvalidDate(Rule):
    """## What it does
    Reports a date-shaped value that is not a real date (`2025-02-30`).

    ## Why it matters
    Review dates drive staleness; an impossible date would silently disable it.

    ## Example
    ```yaml
    reviewed: 2025-02-30
    ```

    ## Use instead
    ```yaml
    reviewed: 2025-02-28
    ```
    """

    code = "KB013"
    name = "invalid-date"
    group = Group.SOURCE
    summary = "A date in the front matter does not exist."
    hint = "write a real date as YYYY-MM-DD"


RULES: list[type[Rule]] = [
    UnreadableFile,
    BinaryFile,
    NotUtf8,
    EmptyFile,
    ByteOrderMark,
    CrlfLineEndings,
    NoFrontMatter,
    UnclosedFrontMatter,
    YamlSyntax,
    TabIndentation,
    DuplicateKey,
    FrontMatterNotMapping,
    UnsupportedYaml,
    InvalidDate,
]
