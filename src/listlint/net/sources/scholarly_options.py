"""Config keys of the scholarly sources (DOI registry, Crossref, Semantic Scholar)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from listlint.options import Option

__all__ = ["SCHOLARLY_OPTIONS"]


def web_url(value: Any) -> Any:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http(s) URL, not {value!r}")
    return value


def env_name(value: Any) -> Any:
    if not value.replace("_", "").isalnum():
        raise ValueError("must be the name of an environment variable (letters, digits, '_')")
    return value


def retries(value: Any) -> Any:
    if not 0 <= value <= 10:
        raise ValueError(f"must be between 0 and 10, not {value}")
    return value


SCHOLARLY_OPTIONS: tuple[Option, ...] = (
    Option(
        "doi-resolver-url",
        "https://doi.org",
        "The DOI registry (its handle API answers at /api/handles/).",
        validate=web_url,
    ),
    Option("crossref-api-url", "https://api.crossref.org", "The Crossref REST API.", validate=web_url),
    Option("crossref-mailto", "", "Your e-mail address, sent to Crossref for its polite pool."),
    Option(
        "semantic-scholar-api-url",
        "https://api.semanticscholar.org/graph/v1",
        "The Semantic Scholar Graph API.",
        validate=web_url,
    ),
    Option(
        "semantic-scholar-key-env",
        "SEMANTIC_SCHOLAR_API_KEY",
        "The environment variable holding a Semantic Scholar API key (optional).",
        validate=env_name,
    ),
    Option(
        "semantic-scholar-retries",
        3,
        "Retries of a Semantic Scholar request answered with 429 or 5xx.",
        validate=retries,
        bounds=(0, 10),
    ),
)
