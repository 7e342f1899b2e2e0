"""The GitHub job summary: Markdown appended to ``$GITHUB_STEP_SUMMARY``.

A thin caller of the one Markdown renderer (``listlint.reporters.markdown``,
also the ``markdown`` output format): this module only finds the file, the
budget left in it (GitHub rejects a step summary over 1 MiB), and appends.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.reporters.markdown import (
    MARGIN_BYTES,
    MAX_SUMMARY_BYTES,
    cell,
    line_link,
    render_summary,
    section_health,
)

__all__ = [
    "MAX_SUMMARY_BYTES",
    "cell",
    "render_summary",
    "line_link",
    "append_job_summary",
    "section_health",
    "write_job_summary",
]


def append_job_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY``; False when it is not set."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as stream:
        stream.write(markdown)
    return True


def summary_budget(env: Mapping[str, str] | None = None) -> int:
    """Bytes left for this step's summary (others may have written to it already)."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    used = 0
    if target:
        try:
            used = os.path.getsize(target)
        except OSError:
            used = 0
    return max(MAX_SUMMARY_BYTES - MARGIN_BYTES - used, 4096)


def write_job_summary(
    diagnostics: Sequence[Diagnostic],
    *,
    files: int,
    documents: Sequence[Document] = (),
    changed_only: bool = False,
    title: str = "listlint",
    env: Mapping[str, str] | None = None,
) -> bool:
    """Render and append the summary when ``$GITHUB_STEP_SUMMARY`` is set.

    A summary that cannot be written (the path is a folder, read-only, the
    disk is full) or would take the step's summary over GitHub's 1 MiB is one
    warning on stderr, as a workflow command; the findings, annotations and
    exit code are the same as without it.
    """
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    text = render_summary(
        diagnostics,
        files=files,
        documents=documents,
        env=env,
        budget=summary_budget(env),
        title=title,
        changed_only=changed_only,
    )
    used = existing_size(target)
    if used + len(text.encode()) > MAX_SUMMARY_BYTES:
        warn_summary(f"the job summary was not written: {target} would exceed GitHub's 1 MiB limit")
        return False
    try:
        return append_job_summary(text, env)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        warn_summary(f"the job summary was not written: cannot write {target} ({reason})")
        return False


def existing_size(target: str) -> int:
    try:
        return os.path.getsize(target) if os.path.isfile(target) else 0
    except OSError:
        return 0


def warn_summary(message: str) -> None:
    import sys

    from listlint.reporters.github import workflow_command

    sys.stderr.write(workflow_command("warning", [("title", "listlint")], message))
