"""The composite action, run the way a runner runs it; and the pre-commit hooks.

The ``Lint`` step of ``action.yml`` is executed with bash after substituting
its ``${{ }}`` expressions (only in ``env:`` values, as the runner does), in a
real git repository holding a base commit and a pull-request commit, with
``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``, ``GITHUB_STEP_SUMMARY`` and
``GITHUB_OUTPUT`` set.  The install step is not run (it would download
packages); the step's Python is this interpreter.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from ci_support import annotations_of, commit_file, git, init_repo, runner_commands

PROJECT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
SCHEMA = PROJECT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

BASE = """# Papers

## Serving
- [Orca](https://www.usenix.org/conference/osdi22/presentation/yu): A Serving System | OSDI' 22
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24
- [MegaScale](https://arxiv.org/abs/2402.15627): Scaling Training | NSDI' 24
"""
ADDED = "- [NanoFlow v2](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24\n"
EXPRESSION_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(step_id: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)


def evaluate(expression: str, inputs: dict[str, str], runner_temp: Path) -> str:
    """The few expressions action.yml uses; anything else fails the test loudly."""
    if re.fullmatch(r"inputs\.[\w-]+", expression):
        return inputs[expression.removeprefix("inputs.")]
    if expression == "runner.temp":
        return str(runner_temp)
    if expression == "github.action_path":
        return str(PROJECT)
    if expression == "inputs.cache == 'true' && format('{0}/listlint-cache', runner.temp) || ''":
        return f"{runner_temp}/listlint-cache" if inputs["cache"] == "true" else ""
    raise AssertionError(f"unexpected expression in action.yml: {expression}")


def run_lint_step(
    workspace: Path, tmp: Path, env: dict[str, str], **overrides: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({key.replace("_", "-"): value for key, value in overrides.items()})
    runner_temp = tmp / "runner-temp"
    python = runner_temp / "listlint-venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    lint = step("lint")
    step_env = {
        key: EXPRESSION_RE.sub(lambda m: evaluate(m.group(1), inputs, runner_temp), value)
        for key, value in lint["env"].items()
    }
    output, summary = tmp / "github_output", tmp / "step_summary.md"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    script = tmp / "step.sh"
    script.write_text(lint["run"], encoding="utf-8")
    full_env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "owner/list",
        "GITHUB_SHA": "feedc0de",
        **env,
        **step_env,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, read_outputs(output), summary.read_text(encoding="utf-8")


def read_outputs(path: Path) -> dict[str, str]:
    """Parse ``name<<DELIMITER`` blocks as the runner does."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        name, delimiter = lines[i].split("<<", 1)
        end = lines.index(delimiter, i + 1)
        values[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return values


@pytest.fixture
def pr_repo(tmp_path: Path) -> tuple[Path, Path]:
    root = init_repo(tmp_path / "workspace")
    base = commit_file(root, "docs/list.md", BASE, "base")
    commit_file(root, "docs/list.md", BASE + ADDED, "pr")
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": "x"}}}),
        encoding="utf-8",
    )
    return root, event


def expected_on_line(root: Path, path: str, line: int) -> list[tuple[str, str, int]]:
    done = subprocess.run(
        [sys.executable, "-m", "listlint", "check", path, "--output-format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout)["diagnostics"]
    return sorted((d["code"], d["severity"], d["line"]) for d in found if d["line"] == line)


LEVEL = {"error": "error", "warning": "warning", "notice": "info"}


def test_pull_request_run(pr_repo: tuple[Path, Path], tmp_path: Path) -> None:
    root, event = pr_repo
    done, outputs, summary = run_lint_step(
        root,
        tmp_path,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/*.md",
        online="false",
        sarif="true",
    )
    assert done.returncode == 1, done.stderr
    found = annotations_of(done.stdout)
    assert found, done.stdout
    assert sorted(
        (c.properties["title"].split()[0], LEVEL[c.name], int(c.properties["line"])) for c in found
    ) == expected_on_line(root, "docs/list.md", 7)
    assert all(c.properties["file"] == "docs/list.md" for c in found)
    assert any(c.properties["title"] == "LL201 duplicate-link" and c.name == "error" for c in found)
    # Outputs
    assert int(outputs["errors"]) == sum(1 for c in found if c.name == "error")
    assert int(outputs["total"]) == len(found)
    sarif = Path(outputs["sarif-file"])
    assert sarif.is_file() and sarif.parent == tmp_path / "runner-temp"
    # Summary: changed-lines mode, links to the exact line, no section table.
    assert "lines changed in this pull request" in summary
    assert "(https://github.com/owner/list/blob/feedc0de/docs/list.md#L7)" in summary
    assert "### Sections" not in summary
    if SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema)(schema).validate(json.loads(sarif.read_text()))


def test_push_run_is_an_audit(pr_repo: tuple[Path, Path], tmp_path: Path) -> None:
    root, event = pr_repo
    event.write_text(json.dumps({"before": "0" * 40}), encoding="utf-8")
    done, outputs, summary = run_lint_step(
        root,
        tmp_path,
        {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/list.md",
        online="false",
        fail_on="never",
    )
    assert done.returncode == 0
    lines = {int(c.properties["line"]) for c in annotations_of(done.stdout)}
    assert {5, 7} <= lines
    assert outputs["sarif-file"] == "" and outputs["changed-since"] == ""
    assert "### Sections" in summary and "| Papers &gt; Serving | 4 | 4 |" in summary


def test_names_and_inputs_cannot_execute(pr_repo: tuple[Path, Path], tmp_path: Path) -> None:
    root, event = pr_repo
    marker = root / "pwned"  # relative `touch pwned` would run in the workspace
    evil_name = "docs/$(touch pwned) `touch pwned`; touch pwned.md"
    evil_text = (
        BASE + "- [::error::forged %0A::add-mask::x ##[set-output name=a;]b]"
        "(https://arxiv.org/abs/2408.12757): x | OSDI' 24\n"
    )
    commit_file(root, evil_name, evil_text, "evil")
    done, outputs, _ = run_lint_step(
        root,
        tmp_path,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/*.md\n$(touch pwned)*.md",
        online="false",
        config="",
        fail_on="never",
    )
    assert not marker.exists() and not (root / "pwned.md").exists()
    assert done.returncode == 2  # the second pattern matches nothing
    assert "matches no file" in done.stdout
    done, outputs, _ = run_lint_step(
        root,
        tmp_path,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/*.md",
        online="false",
        fail_on="never",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()
    commands = runner_commands(done.stdout)
    assert {c.name for c in commands} <= {"error", "warning", "notice", "stop-commands"} | {
        c.name for c in commands if c.name.startswith("listlint-")
    }
    assert any(c.properties.get("file") == evil_name for c in commands)
    assert not any(
        "forged" in c.data and c.name != "warning" and "file" not in c.properties for c in commands
    )


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "sometimes"}, "input fail-on"),
        ({"online": "yes"}, "input online"),
        ({"changed_only": "true"}, "no base commit"),
    ],
)
def test_bad_inputs_are_one_error(
    pr_repo: tuple[Path, Path], tmp_path: Path, inputs: dict[str, str], message: str
) -> None:
    root, _ = pr_repo
    done, _, _ = run_lint_step(
        root, tmp_path, {"GITHUB_EVENT_NAME": "workflow_dispatch"}, paths="docs/list.md", **inputs
    )
    assert done.returncode == 2
    errors = [c for c in runner_commands(done.stdout) if c.name == "error"]
    assert len(errors) == 1 and message in errors[0].data


def test_shallow_checkout_fetches_the_base(pr_repo: tuple[Path, Path], tmp_path: Path) -> None:
    root, event = pr_repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    done, outputs, _ = run_lint_step(
        clone,
        tmp_path,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/list.md",
        online="false",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "fetching the base commit" in done.stderr
    assert {int(c.properties["line"]) for c in annotations_of(done.stdout)} == {7}
    assert outputs["changed-since"] == json.loads(event.read_text())["pull_request"]["base"]["sha"]


def test_shallow_checkout_without_the_base_explains_the_fix(
    pr_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    root, event = pr_repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    git(clone, "remote", "set-url", "origin", f"file://{tmp_path}/gone")
    done, _, _ = run_lint_step(
        clone,
        tmp_path,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
        paths="docs/list.md",
        online="false",
    )
    assert done.returncode == 2
    [error] = [c for c in runner_commands(done.stdout) if c.name == "error"]
    assert "fetch-depth: 0" in error.data and "shallow" in error.data


def test_action_yml_shape() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {
        "paths",
        "online",
        "changed-only",
        "config",
        "fail-on",
        "github-token",
        "cache",
        "sarif",
        "python-version",
    }
    assert ACTION["inputs"]["online"]["default"] == "true"
    assert ACTION["inputs"]["changed-only"]["default"] == "auto"
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.lint.outputs.{name} }}}}"
    for entry in ACTION["runs"]["steps"]:
        if "run" in entry:
            # Inputs reach scripts only through env:, never spliced into the script.
            assert "${{" not in entry["run"], entry["name"]
            assert "eval" not in entry["run"].split()
            assert entry["shell"] == "bash"
    install = next(s for s in ACTION["runs"]["steps"] if "pip install" in s.get("run", ""))
    assert "--constraint" in install["run"] and "$ACTION_PATH" in install["run"]
    lint = step("lint")
    assert lint["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"
    assert "GITHUB_TOKEN" not in lint["run"]
    cache = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert "listlint-cache" in cache["with"]["path"]


def test_constraints_pin_every_runtime_dependency() -> None:
    pins = dict(
        line.split("==")
        for line in (PROJECT / "ci" / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    for requirement in (
        "markdown-it-py",
        "httpx",
        "tenacity",
        "defusedxml",
        "rich",
        "rapidfuzz",
        "platformdirs",
        "h2",
    ):
        assert requirement in pins, requirement
    assert "listlint" not in pins
    assert "arxiv" not in pins and "requests" not in pins  # dropped: the arXiv source speaks httpx
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version) for version in pins.values())


# -- pre-commit -------------------------------------------------------------------


def test_hooks_shape() -> None:
    hooks = {hook["id"]: hook for hook in HOOKS}
    assert set(hooks) == {"listlint", "listlint-online"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["markdown"]
        assert hook.get("pass_filenames", True)
    assert "--no-online" in hooks["listlint"]["entry"]
    assert "--online" in hooks["listlint-online"]["entry"].split()


def test_offline_hook_is_fast_and_never_online(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(BASE + ADDED, encoding="utf-8")
    (tmp_path / ".listlint.toml").write_text("online = true\n", encoding="utf-8")
    entry = shlex.split(HOOKS[0]["entry"])
    assert entry[0] == "listlint"
    code = (
        "import sys, time; start = time.perf_counter(); from listlint.cli import main; "
        f"rc = main({entry[1:] + ['a.md', 'b.md']!r}); "
        "print('LOADED', sorted(m for m in ('httpx', 'arxiv', 'rich') if m in sys.modules), "
        "round(time.perf_counter() - start, 3), rc)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    elapsed = time.perf_counter() - start
    loaded = done.stdout.strip().splitlines()[-1]
    assert loaded.startswith("LOADED [] ") and loaded.endswith(" 1"), done.stdout + done.stderr
    assert "a.md:7:" in done.stdout and "b.md:7:" in done.stdout
    assert elapsed < 15  # typically well under a second; the machine is shared


# -- the entry module, directly ------------------------------------------------------


def test_split_and_expand_paths(tmp_path: Path) -> None:
    from listlint.ci.action import expand_paths, split_paths

    assert split_paths("README.md docs/a.md") == ("README.md", "docs/a.md")
    assert split_paths("my list.md\n  docs/*.md\n\n") == ("my list.md", "docs/*.md")
    for name in ("docs/a.md", "docs/deep/b.md", "docs/c.txt", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    assert expand_paths(["docs/**/*.md", "README.md", "docs/a.md"], tmp_path) == [
        "docs/a.md",
        "docs/deep/b.md",
        "README.md",
    ]
    assert expand_paths(["missing.md"], tmp_path) == ["missing.md"]  # reported by the linter


def test_base_commit_by_event(tmp_path: Path) -> None:
    from listlint.ci.action import base_commit
    from listlint.errors import UsageError

    event = tmp_path / "event.json"

    def base(name: str, payload: dict, mode: str = "auto") -> str | None:
        event.write_text(json.dumps(payload), encoding="utf-8")
        return base_commit({"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(event)}, mode)

    pr = {"pull_request": {"base": {"sha": "a" * 40}}}
    assert base("pull_request", pr) == "a" * 40
    assert base("pull_request_target", pr) == "a" * 40
    assert base("pull_request", pr, "false") is None
    assert base("merge_group", {"merge_group": {"base_sha": "b" * 40}}) == "b" * 40
    assert base("push", {"before": "c" * 40}) is None  # auto: audit on push
    assert base("push", {"before": "c" * 40}, "true") == "c" * 40
    with pytest.raises(UsageError):
        base("push", {"before": "0" * 40}, "true")
    with pytest.raises(UsageError):
        base("schedule", {}, "true")


def test_outputs_are_multiline_safe(tmp_path: Path) -> None:
    from listlint.ci.action import write_outputs

    target = tmp_path / "out"
    write_outputs({"a": "1", "b": "two\nlines\nb<<EOF"}, {"GITHUB_OUTPUT": str(target)})
    write_outputs({"c": ""}, {"GITHUB_OUTPUT": str(target)})
    assert read_outputs(target) == {"a": "1", "b": "two\nlines\nb<<EOF", "c": ""}
    write_outputs({"x": "1"}, {})  # no GITHUB_OUTPUT: nothing to do, no error
