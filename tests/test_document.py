"""The document model: entries, links, sections, and exact spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from listlint.document import parse_document
from listlint.source import Source, read_source

LIST = """\
# Papers

## Contents
- [Serving](#serving)

## Serving
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Throughput | OSDI' 25, UW
  - [Code](https://github.com/efeslab/Nanoflow) - the artifact
- [Full Title Of A Paper](https://arxiv.org/abs/2401.00001) | NeurIPS 2023
- [Oobleck:](https://arxiv.org/abs/2309.08125) Resilient Training | SOSP 23
- Enabling Parallelism Hot Switching | SOSP' 24
- Systems for ML | (Stanford)[https://cs229s.stanford.edu/fall2023/]
> - [Quoted](https://quoted.example/a): inside a blockquote

<details>
<summary><b>2024</b></summary>
- [Hidden](https://hidden.example/x): inside an HTML block
<a href="https://html.example/page">HTML link</a>
</details>

| Date | Paper |
| --- | --- |
| 2017 | [Attention Is All You Need](https://arxiv.org/pdf/1706.03762.pdf) |

## Serving
<!-- listlint-disable-next-line LL201 -->
- [Ref][nf] and <https://auto.example/>

[nf]: https://arxiv.org/abs/2408.12757
"""


@pytest.fixture(scope="module")
def document():  # type: ignore[no-untyped-def]
    return parse_document(Source(path="README.md", text=LIST))


def at(text: str, span) -> str:  # type: ignore[no-untyped-def]
    return text[span.start : span.end]


def test_sections_have_paths_and_github_anchors(document) -> None:  # type: ignore[no-untyped-def]
    assert [s.path_text for s in document.sections] == [
        "Papers",
        "Papers > Contents",
        "Papers > Serving",
        "Papers > Serving",
    ]
    assert [s.anchor for s in document.sections] == ["papers", "contents", "serving", "serving-1"]
    assert document.sections[2].line == 6


def test_entry_fields(document) -> None:  # type: ignore[no-untyped-def]
    nanoflow = next(e for e in document.entries if e.name == "NanoFlow")
    assert nanoflow.line == 7 and nanoflow.depth == 1
    assert nanoflow.section is not None and nanoflow.section.title == "Serving"
    assert nanoflow.title == "NanoFlow: Towards Optimal Throughput"
    assert nanoflow.description == "Towards Optimal Throughput"
    assert nanoflow.tags == ("OSDI' 25", "UW")
    assert at(LIST, nanoflow.tags_span) == "OSDI' 25, UW"
    assert at(LIST, nanoflow.separator_span) == ": "
    # A generic link text ([Code]) is never the title, and a code link never the primary link.
    code = next(e for e in document.entries if e.line == 8)
    assert code.depth == 2 and code.title == "the artifact" and code.title_link is None
    assert code.primary_link is None and code.roles == ("code",)
    full = next(e for e in document.entries if e.name.startswith("Full Title"))
    assert full.title == "Full Title Of A Paper" and full.tags == ("NeurIPS 2023",)
    oobleck = next(e for e in document.entries if e.name == "Oobleck:")
    assert oobleck.title == "Oobleck: Resilient Training"
    linkless = next(e for e in document.entries if e.line == 11)
    assert linkless.links == () and linkless.title == "Enabling Parallelism Hot Switching"
    assert linkless.tags == ("SOSP' 24",)


def test_link_spans_point_at_the_source(document) -> None:  # type: ignore[no-untyped-def]
    for link in document.links:
        if link.kind in ("inline", "image", "reversed", "broken", "autolink", "html"):
            assert at(LIST, link.url_span) == link.url, link
    nanoflow = next(link for link in document.links if link.text == "NanoFlow")
    assert at(LIST, nanoflow.span) == "[NanoFlow](https://arxiv.org/abs/2408.12757)"
    assert at(LIST, nanoflow.text_span) == "NanoFlow"


def test_links_are_found_everywhere(document) -> None:  # type: ignore[no-untyped-def]
    kinds = {(link.kind, link.url) for link in document.links}
    assert ("reversed", "https://cs229s.stanford.edu/fall2023/") in kinds
    assert ("inline", "https://quoted.example/a") in kinds
    assert ("inline", "https://hidden.example/x") in kinds  # Markdown line inside <details>
    assert ("html", "https://html.example/page") in kinds
    assert ("inline", "https://arxiv.org/pdf/1706.03762.pdf") in kinds  # table cell
    assert ("reference", "https://arxiv.org/abs/2408.12757") in kinds
    assert ("autolink", "https://auto.example/") in kinds
    assert ("inline", "#serving") in kinds


def test_entries_inside_blockquotes_html_blocks_and_tables(document) -> None:  # type: ignore[no-untyped-def]
    names = {(e.kind, e.name) for e in document.entries}
    assert ("item", "Quoted") in names
    assert ("item", "Hidden") in names
    assert ("row", "Attention Is All You Need") in names
    hidden = next(e for e in document.entries if e.name == "Hidden")
    assert hidden.line == 17 and hidden.description == "inside an HTML block"


def test_comments_are_collected(document) -> None:  # type: ignore[no-untyped-def]
    assert [(c.text, c.line) for c in document.comments] == [("listlint-disable-next-line LL201", 26)]


def test_crlf_and_bom_keep_positions() -> None:
    text = "# T\r\n\r\n- [A](https://a.example/x): first\r\n- [B](https://b.example/y): second\r\n"
    document = parse_document(Source(path="x.md", text=text))
    second = document.entries[1]
    assert second.line == 4
    link = second.links[0]
    assert text[link.url_span.start : link.url_span.end] == "https://b.example/y"
    assert document.source.position(link.url_span.start) == (4, 7)


@pytest.mark.realworld
@pytest.mark.parametrize("name", ["seed.md", "llmsys-paperlist.md", "awesome-llm.md", "awesome-go.md"])
def test_every_span_in_real_lists_matches_the_source(corpora: Path, name: str) -> None:
    source = read_source(corpora / name)
    document = parse_document(source)
    assert len(document.entries) > 100
    checked = 0
    for link in document.links:
        if link.kind in ("inline", "image", "reversed", "autolink"):
            assert source.text[link.url_span.start : link.url_span.end] == link.url, link
            line, column = source.position(link.url_span.start)
            assert source.line_text(line)[column - 1 :].startswith(link.url)
            checked += 1
        if link.kind == "inline":
            raw = source.text[link.span.start : link.span.end]
            assert raw.startswith("[") and raw.endswith(")"), raw
    assert checked > 100
    for entry in document.entries:
        assert source.text[entry.span.start : entry.span.end] == entry.raw
        assert entry.line == source.position(entry.span.start)[0]


def links_both_ways(text: str) -> list[tuple[object, object]]:
    """Each link that ``plain_link`` reads, with what ``markdown_link`` makes of it."""
    from listlint.document.inline import InlineMap
    from listlint.document.parse import label_text, markdown_link, markdown_parser, plain_link

    source = Source(path="README.md", text=text)
    pairs = []
    for token in markdown_parser().parse(text):
        if token.type != "inline" or not token.map:
            continue
        imap = InlineMap(token.content, source, token.map[0] + 1)
        children = token.children or []
        for index, child in enumerate(children):
            if child.type != "link_open" or "start" not in child.meta:
                continue
            start, end = child.meta["start"], child.meta["end"]
            fast = plain_link(token.content, imap, children, index, start, end)
            if fast is not None:
                pairs.append(
                    (
                        fast,
                        markdown_link(
                            token.content,
                            imap,
                            start,
                            end,
                            "inline",
                            label_text(children, index),
                            href=str(child.attrs.get("href", "")),
                        ),
                    )
                )
    return pairs


@pytest.mark.parametrize(
    "text",
    [
        "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards | UW\n",
        '  * [a](x) [b](<y z>) [c](u "t") [d\\]](e) [f](g\\(h) [**i**](j) [k &amp; l](m) [`n`](o)\n',
        "> [quoted](https://q.example/)\n> [second line](https://s.example/)\n",
    ],
)
def test_plain_links_get_the_spans_the_general_reader_gives(text: str) -> None:
    pairs = links_both_ways(text)
    assert pairs
    for fast, general in pairs:
        assert fast == general


@pytest.mark.realworld
def test_plain_links_match_the_general_reader_on_real_lists(corpora: Path) -> None:
    pairs = [
        pair
        for path in sorted(corpora.glob("*.md"))
        for pair in links_both_ways(path.read_text(encoding="utf-8"))
    ]
    assert len(pairs) > 4000
    for fast, general in pairs:
        assert fast == general
