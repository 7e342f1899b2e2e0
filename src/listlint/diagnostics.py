"""The diagnostic record: the only thing rules and reporters share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

__all__ = ["Severity", "Edit", "Fix", "Diagnostic", "DOCS_BASE_URL", "help_url_for"]

DOCS_BASE_URL = "https://github.com/listlint/listlint/blob/main/rules/"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(f"severity must be error, warning or info, not {value!r}") from None


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` of the decoded text with ``content``.

    Lines and columns are 1-based; ``end_column`` is exclusive.  ``expected``
    is the exact text the edit replaces: applying refuses the edit (and its
    whole fix) when the file holds anything else there.  None: not known
    (a fix read back from a report), checked against nothing.
    """

    start: int
    end: int
    content: str
    line: int
    column: int
    end_line: int
    end_column: int
    expected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }
        if self.expected is not None:
            data["expected"] = self.expected
        return data


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Literal["safe", "unsafe"] = "safe"

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "applicability": self.applicability,
            "edits": [edit.to_dict() for edit in self.edits],
        }


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding.  ``end_column`` is exclusive, as in SARIF."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    url: str | None = None
    fix: Fix | None = None
    help_url: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (documented in the README; keep it stable)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "url": self.url,
            "fix": self.fix.to_dict() if self.fix else None,
            "help_url": self.help_url,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        fix = data.get("fix")
        return cls(
            code=data["code"],
            name=data["name"],
            severity=Severity(data["severity"]),
            message=data["message"],
            path=data["path"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            url=data.get("url"),
            fix=Fix(
                message=fix["message"],
                applicability=fix.get("applicability", "safe"),
                edits=tuple(Edit(start=-1, end=-1, **edit) for edit in fix["edits"]),
            )
            if fix
            else None,
            help_url=data.get("help_url", ""),
        )


def help_url_for(name: str) -> str:
    return f"{DOCS_BASE_URL}{name}.md"
