"""Reading articles from web pages: main text, title, date and URL of an HTML page."""

from __future__ import annotations

from typing import Any

from index.errors import ArticleError
from index.models import Article
from index.readers import clean_title, normalise_date, title_from_name

# Dates only from the page's markup (meta tags, <time>, JSON-LD, the URL): the extensive search
# also guesses from free text such as "© 2019" in a footer, and a wrong date is worse than none.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
# When a page has no article, trafilatura falls back to whatever text is left, often a menu
# ("Home"); a page is taken only if one block reads like prose, a run of words.
_MIN_BLOCK_WORDS = 6


def read_html(html: str | bytes, *, url: str | None = None, name: str | None = None) -> Article:
    """The main text of a page, paragraphs separated by blank lines, with its title, date and URL.

    `url` is where the page was fetched from: it is the article's source and link, ahead of the
    page's own canonical link. `name` is the file name, the source when there is no `url`.
    """
    # trafilatura takes a while to import, and a folder of text files never needs it.
    import trafilatura

    label = url or name or "page"
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None:
        raise ArticleError(label, "no main text found in the page")
    title = clean_title(document.title or "")
    blocks = _blocks(document)
    # The page's own <h1> repeats the title; as a passage it would only ever quote the headline.
    if blocks and title and clean_title(blocks[0]).casefold() == title.casefold():
        blocks = blocks[1:]
    text = "\n\n".join(blocks)
    if not any(len(block.split()) >= _MIN_BLOCK_WORDS for block in blocks):
        raise ArticleError(label, "no main text found in the page")
    page_url = url or document.url or None
    return Article(
        title=title or (title_from_name(name) if name else None) or page_url or "Untitled page",
        source=url or name or page_url or label,
        text=text,
        url=page_url,
        published=normalise_date(document.date),
    )


def _blocks(document: Any) -> list[str]:
    """Each top-level element of the extracted body (paragraph, heading, list, quote, table) as text."""
    from trafilatura.xml import xmltotxt

    if document.body is None:
        return _paragraphs(document.text or "")
    blocks = [xmltotxt(element, False).strip() for element in document.body]
    blocks = [block for block in blocks if block]
    # Loose text directly in the body has no element of its own; the flat text still has it.
    return blocks or _paragraphs(document.text or "")


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]
