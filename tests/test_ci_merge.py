"""merge-reports, SARIF validity, and the shard assignment behind a sharded audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listlint.cli import main
from listlint.config import Settings
from listlint.sharding import in_shard
from listlint.urls import normalize_url

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"

LIST = """# Papers

## Serving
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24
- [NanoFlow again](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24
- [Title with | pipe, %, and :: colons](https://arxiv.org/abs/2402.15627): Scaling | NSDI' 24
"""


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    for name, fmt in (("a.json", "json"), ("b.json", "json"), ("c.sarif", "sarif")):
        assert main(["check", "README.md", "--output-format", fmt, "-o", name]) == 1
    return tmp_path


def read_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_merge_dedupes_json_and_sarif(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    single = json.loads((reports / "a.json").read_text(encoding="utf-8"))
    assert main(["merge-reports", "a.json", "b.json", "c.sarif", "--output-format", "json"]) == 1
    merged = read_json(capsys)
    assert merged["version"] == 1
    assert merged["diagnostics"] == single["diagnostics"]
    assert merged["summary"]["total"] == single["summary"]["total"]
    assert merged["summary"]["by_rule"] == single["summary"]["by_rule"]
    assert merged["summary"]["files"] == 1


def test_merge_combines_disjoint_shards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def report(line: int, severity: str) -> dict:
        return {
            "code": "LL601",
            "name": "dead-link",
            "severity": severity,
            "message": f"dead {line}",
            "path": "README.md",
            "line": line,
            "column": 3,
            "end_line": line,
            "end_column": 9,
            "url": f"https://example.com/{line}",
            "fix": None,
            "help_url": "",
        }

    for index, lines in enumerate(([1, 2], [3], [2])):
        diagnostics = [report(line, "error" if line != 3 else "warning") for line in lines]
        severities = [d["severity"] for d in diagnostics]
        document = {
            "version": 1,
            "summary": {
                "files": 1,
                "total": len(diagnostics),
                "by_severity": {s: severities.count(s) for s in ("error", "warning", "info")},
                "by_rule": {"LL601": len(diagnostics)},
                "fixed": 0,
            },
            "diagnostics": diagnostics,
        }
        (tmp_path / f"shard{index}.json").write_text(json.dumps(document), encoding="utf-8")
    paths = [str(tmp_path / f"shard{i}.json") for i in range(3)]
    assert main(["merge-reports", *paths, "--output-format", "json", "--fail-on", "never"]) == 0
    merged = read_json(capsys)
    assert [d["line"] for d in merged["diagnostics"]] == [1, 2, 3]
    assert merged["summary"]["by_severity"] == {"error": 2, "warning": 1, "info": 0}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"version": 2, "diagnostics": []}',
        '{"version": 1, "diagnostics": [{"code": "LL201"}]}',
        '{"version": "2.1.0", "runs": [{"tool": {}}]}',
        "[]",
        '{"version": 1, "diagnostics": [{"code": "X", "name": "x", '
        '"severity": "fatal", "message": "m", "path": "p", "line": 1, '
        '"column": 1, "end_line": 1, "end_column": 2}]}',
    ],
)
def test_malformed_input_is_one_line_exit_2(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["merge-reports", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err


def test_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge-reports", str(tmp_path / "nope.json")]) == 2
    assert "no such report file" in capsys.readouterr().err


def test_merge_to_markdown_and_text(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge-reports", "a.json", "c.sarif", "--output-format", "markdown"]) == 1
    assert "| `LL201` duplicate-link |" in capsys.readouterr().out
    assert main(["merge-reports", "a.json", "c.sarif", "--exit-zero"]) == 0
    assert "README.md:5:" in capsys.readouterr().out


def validator():  # type: ignore[no-untyped-def]
    if not SCHEMA.is_file():
        pytest.skip("the SARIF schema (../shared/schemas) is absent")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def test_sarif_validates(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check = validator()
    single = json.loads((reports / "c.sarif").read_text(encoding="utf-8"))
    assert not list(check.iter_errors(single))
    assert single["runs"][0]["results"]
    assert main(["merge-reports", "a.json", "c.sarif", "--output-format", "sarif"]) == 1
    merged = read_json(capsys)
    assert not list(check.iter_errors(merged))
    assert len(merged["runs"][0]["results"]) == len(single["runs"][0]["results"])


def test_shards_partition_the_urls() -> None:
    urls = [f"https://arxiv.org/abs/24{i:02d}.{i * 7919 % 100000:05d}" for i in range(1, 500)]
    urls += [f"https://github.com/org{i}/repo" for i in range(300)]
    for total in (1, 2, 3, 7):
        owners = {
            url: [
                k for k in range(1, total + 1) if in_shard(url, Settings().with_values(shard=f"{k}/{total}"))
            ]
            for url in urls
        }
        assert all(len(found) == 1 for found in owners.values()), total
        if total > 1:
            sizes = [sum(1 for found in owners.values() if found == [k]) for k in range(1, total + 1)]
            assert min(sizes) > len(urls) / total / 2  # roughly balanced
    # The same page written differently goes to the same shard.
    for k in range(1, 5):
        settings = Settings().with_values(shard=f"{k}/4")
        assert in_shard("http://www.arxiv.org/abs/2408.12757/", settings) == in_shard(
            "https://arxiv.org/abs/2408.12757", settings
        )
    assert normalize_url("http://www.arxiv.org/abs/2408.12757/") == normalize_url(
        "https://arxiv.org/abs/2408.12757#x"
    )


def test_shard_assignment_is_stable_across_processes() -> None:
    import subprocess
    import sys

    code = (
        "from listlint.config import Settings; from listlint.sharding import in_shard; "
        "print(''.join(str(k) for u in ['https://a.org/%d' % i for i in range(50)] "
        "for k in range(1, 4) if in_shard(u, Settings().with_values(shard=f'{k}/3'))))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1 and len(runs.pop().strip()) == 50


def test_merge_in_a_workflow_writes_one_summary(
    reports: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = reports / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["merge-reports", "a.json", "b.json", "c.sarif", "--output-format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.count("::error ") == 1 and out.count("::notice ") == 1
    text = summary.read_text(encoding="utf-8")
    assert text.count("## listlint (merged reports)") == 1
    assert "Checked 1 file. Found 1 error, 1 info." in text
