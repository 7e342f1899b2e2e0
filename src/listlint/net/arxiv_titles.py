"""Does the title an entry states name the paper arXiv has under its ID?

Pure string work (no network).  Titles are compared after normalising LaTeX,
Unicode, case and punctuation, with rapidfuzz similarity.  The thresholds come
from measurements on the paper lists in ``../shared/corpora`` (428 arXiv
titles; see ``rules/arxiv-title-mismatch.md``):

* ``fuzz.ratio`` of one to three typed characters wrong stays >= 87.5, while
  the most similar *different* paper of the same list reaches at most 81
  (p99: 75).  ``TYPO_RATIO = 85`` sits between.
* Renamed papers (same ID, new title) keep most of their content words
  (Jaccard 0.53-0.82 on five real renames), while the most similar different
  paper of a list has a median of 0.27 (p90: 0.43).  ``RENAMED_JACCARD = 0.5``.
  A possible rename is reported as a title difference (info), unless another
  record of the same run says the entry names a different paper (the caller
  checks that: ``listlint.rules.arxiv_review``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "TitleVerdict",
    "StatedTitle",
    "judge_title",
    "normalize_title",
    "name_occurs",
    "similar_titles",
    "TYPO_RATIO",
    "RENAMED_JACCARD",
]

TYPO_RATIO = 85.0
RENAMED_JACCARD = 0.5
# A name of at most this many words is a "short name" (FlexGen, Ring Attention).
SHORT_NAME_WORDS = 4
# A short name shorter than this (after normalising) is not fuzzy-matched: "S3"
# nearly occurs in too many titles.
FUZZY_NAME_MIN_CHARS = 4

VerdictKind = Literal[
    "match", "typo", "shortened", "extended", "subtitle", "renamed", "related", "name-missing", "mismatch"
]

LATEX_ARG = re.compile(r"\\[A-Za-z]+\*?\s*\{([^{}]*)\}")
LATEX_ACCENT = re.compile(r"\\['\"`^~=.uvHck]\s*\{?([A-Za-z])\}?")
LATEX_ESCAPE = re.compile(r"\\([&%$#_{}])")
LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"), "-")
APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u201a\u201b\u02bc\u0060\u00b4"), None)
GREEK = re.compile(r"[\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5]")
NON_WORD = re.compile(r"[\W_]+")
STOPWORDS = frozenset(
    (  # noqa: SIM905 - a word list reads best as words
        "a an the of for and in on with via to by from at using towards toward is are without "
        "over under into as its your you all we do can how what or not be than more most "
        "through based beyond"
    ).split()
)


# Words too common in paper titles to tie two titles together on their own.
GENERIC_WORDS = frozenset(
    (  # noqa: SIM905
        "llm llms gpu gpus moe survey attention transformer transformers model models language "
        "languages serving inference training system systems network networks data learning deep "
        "large small efficient fast scalable distributed parallel memory cache agent agents"
    ).split()
)


@dataclass(frozen=True, slots=True)
class StatedTitle:
    """What an entry says about its paper.

    name:        the link text (``NanoFlow``, or a whole title).
    title:       the composed title: ``Name: Rest`` or just the name.
    description: text after the link (without tags), may be empty.
    """

    name: str
    title: str
    description: str = ""

    @property
    def composed(self) -> bool:
        return normalize_title(self.title) != normalize_title(self.name)


@dataclass(frozen=True, slots=True)
class TitleVerdict:
    """How a stated title relates to arXiv's title.

    kind: ``match`` (nothing to say); ``typo``, ``shortened``, ``extended``,
    ``subtitle``, ``renamed`` (the same paper, written differently: info);
    ``related`` (most content words shared: probably renamed, weaker evidence);
    ``name-missing`` (a short name that does not occur in the title);
    ``mismatch`` (a different paper).  ``score`` is the best ``fuzz.ratio``.
    """

    kind: VerdictKind
    score: float

    @property
    def same_paper(self) -> bool:
        return self.kind not in ("name-missing", "mismatch", "renamed", "related")


def normalize_title(text: str) -> str:
    """Lower-case words separated by single spaces: no LaTeX, accents, punctuation."""
    return _normalize(text)


@lru_cache(maxsize=8192)
def _normalize(text: str) -> str:
    text = strip_latex(text)
    text = unicodedata.normalize("NFKC", text).translate(DASHES).translate(APOSTROPHES)
    text = GREEK.sub(spell_greek, text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = NON_WORD.sub(" ", text.casefold())
    return " ".join(text.split())


def spell_greek(match: re.Match[str]) -> str:
    """``α`` -> ``alpha``, as LaTeX's ``$\\alpha$`` becomes after stripping."""
    name = unicodedata.name(match.group(0), "")
    return f" {name.split()[-1].lower()} " if name else match.group(0)


def strip_latex(text: str) -> str:
    """``\\emph{Fast} $\\alpha$-{BERT}`` -> ``Fast alpha-BERT``."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    previous = None
    while previous != text:
        previous = text
        text = LATEX_ARG.sub(r"\1", text)
    text = LATEX_ACCENT.sub(r"\1", text)
    text = LATEX_ESCAPE.sub(r"\1", text)
    text = LATEX_COMMAND.sub(r"\1", text)
    return text.replace("$", "").replace("{", "").replace("}", "").replace("~", " ")


def content_words(normalized: str) -> frozenset[str]:
    return frozenset(stem(word) for word in normalized.split() if word not in STOPWORDS)


def stem(word: str) -> str:
    # Crude on purpose: only so that "inferencing"/"inference", "models"/"model" meet.
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def jaccard(first: str, second: str) -> float:
    a, b = content_words(first), content_words(second)
    return len(a & b) / len(a | b) if a | b else 0.0


def name_occurs(name: str, title: str) -> bool:
    """Whether the (normalised) ``name`` occurs in ``title`` as whole words."""
    name, title = normalize_title(name), normalize_title(title)
    return bool(name) and f" {name} " in f" {title} "


def starts_with_words(text: str, prefix: str) -> bool:
    return bool(prefix) and (text == prefix or text.startswith(prefix + " "))


def ratio(first: str, second: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(first, second))


def similar_titles(first: str, second: str) -> bool:
    """Whether two titles are the same up to a typo (both raw, not normalised)."""
    a, b = normalize_title(first), normalize_title(second)
    return bool(a) and (a == b or ratio(a, b) >= TYPO_RATIO)


def judge_title(stated: StatedTitle, actual: str) -> TitleVerdict:
    """Compare what an entry states with arXiv's title of its ID."""
    real = normalize_title(actual)
    name = normalize_title(stated.name)
    candidates = [normalize_title(stated.title)]
    if not stated.composed and stated.description:
        # "[Ring Attention](url) with Blockwise Transformers ...": the title runs on.
        candidates.append(normalize_title(f"{stated.name} {stated.description}"))
    candidates = [c for c in candidates if c]
    if not real or not candidates:
        return TitleVerdict("match", 100.0)
    score = max(ratio(c, real) for c in candidates)
    if real in candidates:
        return TitleVerdict("match", 100.0)
    if not stated.composed:
        verdict = judge_name(name, real, lead_name(actual), score)
        if verdict is not None:
            return verdict
    if any(starts_with_words(real, c) for c in candidates) and len(candidates[0].split()) >= 2:
        return TitleVerdict("shortened", score)
    if any(starts_with_words(c, real) for c in candidates):
        return TitleVerdict("extended", score)
    if score >= TYPO_RATIO:
        return TitleVerdict("typo", score)
    if stated.composed and name and starts_with_words(real, name) and len(name) >= 3:
        return TitleVerdict("subtitle", score)
    lead = lead_name(actual)
    if (stated.composed and distinctive(name) and f" {name} " in f" {real} ") or (
        distinctive(lead) and any(f" {lead} " in f" {c} " for c in candidates)
    ):
        # "[AQUA](url): Network-Accelerated ..." while arXiv says "... using AQUA":
        # the paper's name ties the two titles.
        return TitleVerdict("renamed", score)
    if max(jaccard(c, real) for c in candidates) >= RENAMED_JACCARD:
        return TitleVerdict("related", score)
    return TitleVerdict("mismatch", score)


def lead_name(title: str) -> str:
    """The name before a title's colon (``NanoFlow`` of ``NanoFlow: Towards ...``), normalised."""
    head, colon, _ = title.partition(":")
    name = normalize_title(head) if colon else ""
    return name if 0 < len(name.split()) <= SHORT_NAME_WORDS else ""


def distinctive(name: str) -> bool:
    """A coined name worth matching on its own (``AQUA``, ``Ring Attention``), not ``LLM``."""
    words = name.split()
    return (
        len(name) >= 3
        and 0 < len(words) <= 2
        and not any(word in STOPWORDS or word in GENERIC_WORDS for word in words)
    )


def judge_name(name: str, real: str, lead: str, score: float) -> TitleVerdict | None:
    """An entry that is only a link text: a short name, or a whole title."""
    # Only words with letters count: "OPT-1.3|6.7|13|30|66B" is a short name.
    words = sum(1 for word in name.split() if not word.isdigit())
    if words <= SHORT_NAME_WORDS:
        if f" {name} " in f" {real} ":
            return TitleVerdict("match", score)
        if distinctive(lead) and starts_with_words(name, lead):
            # "[OPT-1.3|6.7|13|30|66B](url)" for "OPT: Open Pre-trained ...": a variant.
            return TitleVerdict("match", score)
        if len(name) >= FUZZY_NAME_MIN_CHARS and fuzzy_occurs(name, real):
            return TitleVerdict("typo", score)
        if score >= TYPO_RATIO:
            return TitleVerdict("typo", score)
        return TitleVerdict("name-missing", score)
    if starts_with_words(real, name):
        # "[Full Stack Optimization of Transformer Inference](url)": the title without
        # its subtitle is a normal way to name a paper.
        return TitleVerdict("match", score)
    return None


def fuzzy_occurs(name: str, real: str) -> bool:
    """Whether ``name`` nearly occurs in ``real`` as words (one or two typed characters)."""
    words = real.split()
    size = len(name.split())
    for width in {size, size + 1, max(1, size - 1)}:
        for start in range(len(words) - width + 1):
            if ratio(name, " ".join(words[start : start + width])) >= TYPO_RATIO:
                return True
    return False
