"""The fields of an entry that are read from its shape, not its syntax.

The parser knows where every link is; this module decides what the links
and the text around them *are*: the markers before the title (a task box,
an emoji, ``**[NEW]**``, a date), each link's role (paper, code, project,
badge, other), whether a link text is generic (``[paper]``, ``[[Code]]``,
``[Star]``), and the places that hold a venue and year (after ``|``, in
parentheses, in bold, at the end of the text, in a shields badge).

Everything here is decided once per entry in the document stage; rules read
the results from :class:`~listlint.document.model.Entry`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from listlint.document.model import Link, LinkRole, Span, Tag, TagPlace, TaskState
from listlint.urls import split_web_url

__all__ = [
    "GENERIC_TEXTS",
    "is_generic_text",
    "is_generic_title",
    "words_of",
    "is_badge_label",
    "link_role",
    "marker_end",
    "badge_tag",
    "find_tag_places",
]

# A word of a link text, lower case, without brackets, emoji and punctuation.
WORDS_RE = re.compile(r"[^\W_]+")
PAPER_TEXTS = frozenset(
    {
        "paper",
        "papers",
        "pdf",
        "arxiv",
        "abs",
        "abstract",
        "openreview",
        "preprint",
        "full paper",
        "paper link",
        "publication",
        "proceedings",
        "report",
        "technical report",
        "tech report",
        "acl",
        "doi",
        "journal",
        "article",
        "ssrn",
        "biorxiv",
        "medrxiv",
        "hf paper",
        "paper page",
    }
)
CODE_TEXTS = frozenset(
    {
        "code",
        "github",
        "gitlab",
        "repo",
        "repository",
        "source",
        "source code",
        "official code",
        "unofficial code",
        "implementation",
        "official implementation",
        "pytorch",
        "tensorflow",
        "jax",
        "official",
        "src",
        "git",
        "code link",
    }
)
PROJECT_TEXTS = frozenset(
    {
        "project",
        "project page",
        "projectpage",
        "website",
        "homepage",
        "home page",
        "home",
        "page",
        "site",
        "webpage",
        "demo",
        "blog",
        "post",
        "blog post",
        "web",
    }
)
BADGE_TEXTS = frozenset({"star", "stars", "github stars", "github star", "stargazers", "badge"})
OTHER_GENERIC = frozenset(
    {
        "link",
        "here",
        "link here",
        "video",
        "videos",
        "slides",
        "slide",
        "talk",
        "docs",
        "doc",
        "documentation",
        "html",
        "dataset",
        "data",
        "model",
        "models",
        "weights",
        "checkpoint",
        "checkpoints",
        "bibtex",
        "citation",
        "cite",
        "benchmark",
        "leaderboard",
        "colab",
        "notebook",
        "twitter",
        "tweet",
        "x",
        "news",
        "poster",
        "supplementary",
        "appendix",
        "hf",
        "huggingface",
        "hugging face",
        "youtube",
        "zhihu",
        "media",
        "coming soon",
        "tbd",
        "more",
        "details",
        "download",
        "api",
        "app",
        "playground",
        "review",
        "summary",
        "survey",
        "tutorial",
        "book",
        "course",
    }
)
GENERIC_TEXTS: frozenset[str] = PAPER_TEXTS | CODE_TEXTS | PROJECT_TEXTS | BADGE_TEXTS | OTHER_GENERIC
NEVER_TITLES = frozenset(
    {
        "paper",
        "papers",
        "pdf",
        "abs",
        "abstract",
        "arxiv",
        "paper link",
        "full paper",
        "code",
        "code link",
        "official code",
        "source code",
        "src",
        "repo",
        "link",
        "here",
        "link here",
        "project",
        "project page",
        "website",
        "homepage",
        "home page",
        "page",
        "site",
        "webpage",
        "star",
        "stars",
        "github stars",
        "blog",
        "post",
        "blog post",
        "video",
        "slides",
        "docs",
        "html",
        "bibtex",
        "tweet",
        "poster",
        "supplementary",
        "appendix",
        "coming soon",
        "tbd",
        "more",
        "details",
        "download",
    }
)
TEXT_ROLES: dict[str, LinkRole] = {
    **{text: "paper" for text in PAPER_TEXTS},
    **{text: "code" for text in CODE_TEXTS},
    **{text: "project" for text in PROJECT_TEXTS},
    **{text: "badge" for text in BADGE_TEXTS},
}

BADGE_HOSTS = frozenset(
    {
        "img.shields.io",
        "shields.io",
        "badge.fury.io",
        "badgen.net",
        "flat.badgen.net",
        "travis-ci.org",
        "travis-ci.com",
        "codecov.io",
        "coveralls.io",
        "api.star-history.com",
        "starchart.cc",
        "goreportcard.com",
        "deps.rs",
        "docs.rs",
        "badges.gitter.im",
    }
)
PAPER_HOSTS = frozenset(
    {
        "arxiv.org",
        "export.arxiv.org",
        "openreview.net",
        "aclanthology.org",
        "www.aclweb.org",
        "aclweb.org",
        "dl.acm.org",
        "doi.org",
        "dx.doi.org",
        "ieeexplore.ieee.org",
        "link.springer.com",
        "papers.nips.cc",
        "proceedings.neurips.cc",
        "proceedings.mlr.press",
        "openaccess.thecvf.com",
        "www.semanticscholar.org",
        "semanticscholar.org",
        "www.biorxiv.org",
        "www.medrxiv.org",
        "papers.ssrn.com",
        "alphaxiv.org",
        "www.alphaxiv.org",
        "jmlr.org",
        "www.jmlr.org",
        "ojs.aaai.org",
        "www.ijcai.org",
        "www.nature.com",
        "www.science.org",
        "www.researchgate.net",
        "www.usenix.org",
        "usenix.org",
        "www.vldb.org",
        "vldb.org",
        "www.sciencedirect.com",
        "academic.oup.com",
    }
)
CODE_HOSTS = frozenset(
    {
        "github.com",
        "www.github.com",
        "gitlab.com",
        "bitbucket.org",
        "codeberg.org",
        "sourceforge.net",
        "git.sr.ht",
        "pypi.org",
        "crates.io",
        "www.npmjs.com",
        "pkg.go.dev",
        "hackage.haskell.org",
        "rubygems.org",
    }
)
PROJECT_SUFFIXES = (".github.io", ".gitlab.io", ".readthedocs.io", ".netlify.app", ".vercel.app")

# Markers before an entry's title, tried in turn at the current position.
MARKER_RES = (
    # :star:, :fire:
    re.compile(r":[a-z0-9_+\-]{1,30}:"),
    # emoji, pictographs, dingbats, with variation selectors and joiners
    re.compile(
        "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf"
        "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0f\u200d\u20e3]+"
    ),
    # a date: 2023/06, 2023-06-01, 2023.06, optionally followed by ':' (not the title "2048")
    re.compile(r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])(?:[-/.]\d{1,2})?(?![\w/.-])"),
    # an HTML image (an icon)
    re.compile(r"<img\b[^<>\n]{0,500}>", re.IGNORECASE),
)
# A short bracketed label that is not a link: [NEW], [2023/06], [x].
LABEL_RE = re.compile(r"\[([^\[\]\n]{1,30})\](?![(\[:])")
TASK_RE = re.compile(r"\[([ xX])\](?=[ \t]|$)")
EMPHASIS_RE = re.compile(r"\*\*|__|\*|_|~~")
GAP_RE = re.compile(r"[ \t\u00a0]*(?:[:|\-–—][ \t\u00a0]+)?")
# A venue-and-year-like piece: a year of four digits or 'NN.
YEARISH_RE = re.compile(r"(?<![\w.])(?:19|20)\d{2}(?!\w|\.\d)|['’`]\s?\d{2}(?!\w)")
PARENS_RE = re.compile(r"\(([^()\n]{2,60})\)")
CODE_TAG_RE = re.compile(r"`([^`\n]{2,40})`")
BOLD_RE = re.compile(r"\*\*([^*\n]{2,60})\*\*|__([^_\n]{2,60})__")
TRAILING_RE = re.compile(
    r"(?<![\w&+/\-])([A-Za-z][A-Za-z&+/\-]*[ \t]*['’`]?[ \t]*(?:19|20)?\d{2})[ \t.)\]]*$"
)
SHIELDS_BADGE_RE = re.compile(r"/badge/([^/?#]+?)(?:\.svg|\.png)?(?:[?#]|$)")


def words_of(text: str) -> str:
    """``[[Paper]]`` -> ``paper``; ``⭐ Star`` -> ``star``."""
    if text.isalnum():
        return text.casefold()  # most link texts: one plain word
    return " ".join(WORDS_RE.findall(text.casefold()))


def is_generic_text(text: str) -> bool:
    """Whether a link text names a kind of page (``[paper]``, ``[[Code]]``, ``pdf``), not a thing."""
    words = words_of(text)
    return not words or words in GENERIC_TEXTS


def is_generic_title(text: str) -> bool:
    """Whether a link text cannot be an entry's title.

    Words that name a kind of page (``paper``, ``[[Code]]``, ``Star``) never
    are; product names among the generic words (``GitHub``, ``PyTorch``,
    ``Colab``) are titles unless written in brackets (``[[GitHub]]``).
    """
    words = words_of(text)
    if not words or words in NEVER_TITLES:
        return True
    return words in GENERIC_TEXTS and text.strip().startswith(("[", "("))


def is_badge_label(label_source: str) -> bool:
    """Whether a link's label, as written, is only an image (``[![Stars](img)](url)``)."""
    if not label_source or label_source[0] not in "!< \t\n":
        return False  # the cheap test first: most labels are text
    label = label_source.strip()
    if label.startswith("!["):
        return label.endswith(")") or label.endswith("]")
    return label.lower().startswith("<img") and label.endswith(">")


def link_role(link: Link, label_source: str) -> LinkRole:
    """paper, code, project, badge or other: from the text, then the host and shape."""
    if link.kind == "image":
        return "badge" if host_role(link.url) == "badge" else "other"
    if is_badge_label(label_source):
        return "badge"
    by_text = TEXT_ROLES.get(words_of(link.text))
    if by_text is not None:
        return by_text
    return host_role(link.url)


def host_role(url: str) -> LinkRole:
    if not url.startswith(("https://", "http://")):
        parts = split_web_url(url)
        if parts is None or not parts.host:
            return "other"
        host, path = parts.host, parts.path
    else:
        # The common case without urlsplit: scheme://host/path?query#fragment.
        rest = url[url.index("//") + 2 :]
        cut = len(rest)
        for mark in "/?#":
            at = rest.find(mark)
            if 0 <= at < cut:
                cut = at
        host = rest[:cut].rpartition("@")[2].split(":", 1)[0].lower()
        path = rest[cut:].split("?", 1)[0].split("#", 1)[0]
        if not host:
            return "other"
    if host in BADGE_HOSTS:
        return "badge"
    if host in PAPER_HOSTS or path.lower().endswith(".pdf"):
        return "paper"
    if host in ("huggingface.co", "www.huggingface.co"):
        return "paper" if path.startswith("/papers/") else "other"
    if host in CODE_HOSTS:
        return "code"
    if host.endswith(PROJECT_SUFFIXES) or host == "sites.google.com":
        return "project"
    return "other"


def marker_end(content: str, link_starts: frozenset[int]) -> tuple[int, tuple[str, ...], TaskState | None]:
    """Where the markers at the start of ``content`` end, the markers, and the task state.

    ``link_starts`` are the offsets where real links begin (a ``[label]``
    there is a link, not a marker).  The task state is ``"open"``, ``"done"``
    or None.
    """
    if content[:1] == "[" and 0 in link_starts:
        return 0, (), None  # the common case: the entry opens with a link
    if content[:1].isalnum() and not content[:4].isdigit():
        return 0, (), None  # it opens with plain text (a date label starts with digits)
    position = 0
    markers: list[str] = []
    task: TaskState | None = None
    box = TASK_RE.match(content)
    if box is not None and 0 not in link_starts:
        task = "open" if box.group(1) == " " else "done"
        markers.append(box.group())
        position = skip_gap(content, box.end())
    while position < len(content):
        found = marker_at(content, position, link_starts)
        if found is None:
            break
        markers.append(content[position:found].strip(" \t*_~"))
        position = skip_gap(content, found)
    return position, tuple(markers), task


def marker_at(content: str, position: int, link_starts: frozenset[int]) -> int | None:
    """The end of a marker at ``position`` (inside emphasis, ``**[NEW]**``), else None."""
    opener = EMPHASIS_RE.match(content, position)
    inner = opener.end() if opener else position
    end = None
    if inner not in link_starts:
        label = LABEL_RE.match(content, inner)
        if label is not None:
            end = label.end()
    if end is None:
        for pattern in MARKER_RES:
            match = pattern.match(content, inner)
            if match is not None and match.end() > inner:
                end = match.end()
                break
    if end is None:
        return None
    if opener is not None:
        if not content.startswith(opener.group(), end):
            return None  # "**2023** is ..." is not a marker unless the emphasis closes right here
        end += len(opener.group())
    return end


def skip_gap(content: str, position: int) -> int:
    gap = GAP_RE.match(content, position)
    return gap.end() if gap else position


def badge_tag(link: Link) -> Tag | None:
    """The venue and year a shields badge states (``/badge/NeurIPS-2023-blue``), if any."""
    if link.kind != "image" or host_role(link.url) != "badge":
        return None
    match = SHIELDS_BADGE_RE.search(link.url)
    if match is None:
        return None
    # shields: "-" separates label, message and colour; "--" is a dash, "_" a space.
    parts = match.group(1).replace("--", "\0").split("-")
    pieces = [
        unquote(part.replace("\0", "-")).replace("__", "\0").replace("_", " ").replace("\0", "_")
        for part in parts
    ]
    text = " ".join(piece for piece in pieces[:-1] if piece) if len(pieces) > 2 else " ".join(pieces)
    if not YEARISH_RE.search(text):
        return None
    return Tag(text=text, span=link.span, where="badge", exact=False)


def find_tag_places(
    content: str,
    outside: list[tuple[int, int]],
    to_source: Callable[[int], int],
    source_text: str,
    end: int,
    italics: Sequence[tuple[int, int]] = (),
) -> list[Tag]:
    """Parenthesised, bold, code-span and trailing venue-like pieces of ``content[:end]``,
    and the venue-like end of an italic span (``*A. Author et al. ICML 2024.*``).

    ``outside`` are the content spans of links (text inside a link is not a
    tag); ``italics`` the content spans markdown-it renders in ``<em>``;
    ``to_source`` maps a content offset to a file offset.  A piece is kept
    only if it holds a year (``2023``, ``'24``); the venue rules decide
    whether it names a venue.
    """
    scope = content[:end]
    if not ("19" in scope or "20" in scope or "'" in scope or "’" in scope or "`" in scope):
        return []  # the cheap test first: no year, no venue tag
    if not italics and not YEARISH_RE.search(scope):
        return []  # (a year just before a closing ``_`` is not one to this test)
    tags: list[Tag] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, stop: int, where: TagPlace) -> None:
        if any(a < stop and start < b for a, b in outside) or any(a < stop and start < b for a, b in taken):
            return
        text = content[start:stop]
        if not YEARISH_RE.search(text):
            return
        span = Span(to_source(start), to_source(stop))
        tags.append(Tag(text=text, span=span, where=where, exact=source_text[span.start : span.end] == text))
        taken.append((start, stop))

    if "(" in scope:
        for match in PARENS_RE.finditer(scope):
            add(match.start(1), match.end(1), "parentheses")
    if "`" in scope:
        for match in CODE_TAG_RE.finditer(scope):
            add(match.start(1), match.end(1), "code")
    if "**" in scope or "__" in scope:
        for match in BOLD_RE.finditer(scope):
            group = 1 if match.group(1) is not None else 2
            add(match.start(group), match.end(group), "bold")
    for start, stop in italics:
        inner = content[start : min(stop, end)].rstrip(" \t.,;")
        if inner[-1:].isdigit():
            ending = TRAILING_RE.search(inner, max(0, len(inner) - 48))
            if ending is not None:
                add(start + ending.start(1), start + ending.end(1), "italic")
    if scope.rstrip(" \t.)]*_")[-1:].isdigit():
        trailing = TRAILING_RE.search(scope, max(0, len(scope) - 48))
        if trailing is not None:
            add(trailing.start(1), trailing.end(1), "trailing")
    return tags
