"""The document stage: Markdown source -> sections, entries, links."""

from listlint.document.model import Comment, Document, Entry, Link, Section, Span
from listlint.document.parse import parse_document

__all__ = ["Comment", "Document", "Entry", "Link", "Section", "Span", "parse_document"]
