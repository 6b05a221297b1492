"""What rules read in an article's body (`kb.rules.text.ArticleText`): links, images and anchors."""

from __future__ import annotations

from pathlib import Path

from kb.load import load_bytes
from kb.rules.text import ArticleText


def text_of(body: str) -> ArticleText:
    data = f"---\ntitle: Links\n---\n{body}".encode()
    article = load_bytes(data, Path("/kb/articles/links.md"), "articles/links.md").article
    assert article is not None
    return ArticleText(article)


def links_of(body: str) -> list[tuple[str, str, int, bool]]:
    """(href or src, text or alt, body line, image) of every link the rules see."""
    return [(link.href, link.text, link.line, link.image) for link in text_of(body).links]


def test_an_img_tag_is_read_as_the_site_reads_it_a_quoted_source_with_spaces_whole() -> None:
    body = (
        '<img src="images/my screen.png" alt="The settings page">\n'
        "\n"
        "Then <img data-src=lazy.png src='images/b c.png' alt=Dialog> and <IMG SRC=d.png>.\n"
    )
    assert links_of(body) == [
        ("images/my screen.png", "The settings page", 0, True),
        ("images/b c.png", "Dialog", 2, True),
        ("d.png", "", 2, True),
    ]


def test_an_a_tag_is_a_link_by_its_href_not_by_an_attribute_ending_in_href() -> None:
    body = 'See <a data-href="x.md" href="setup.md">the setup</a>, not <a data-href="y.md">this</a>.\n'
    assert links_of(body) == [("setup.md", "the setup", 0, False)]


def test_anchors_are_headings_and_html_ids_and_names_but_not_data_attributes() -> None:
    body = (
        "## Sign-in fails\n"
        "\n"
        '<div id=steps data-id="lookalike"><a name="old-name" data-name="other">x</a></div>\n'
        "\n"
        'Text <span id="inline">here</span> and <span data-id="inline-lookalike">there</span>.\n'
    )
    assert text_of(body).anchors == {"sign-in-fails", "steps", "old-name", "inline"}
