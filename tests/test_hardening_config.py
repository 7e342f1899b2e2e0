"""Hostile configuration: numbers without a finite range, config files that are
not files, TOML that breaks the parser.  Each is exit 2 and one line naming the
file and key (or the flag), never a hang or an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import one_line_error

from listlint.config import OPTIONS
from listlint.options import Option

SRC = Path(__file__).resolve().parent.parent / "src"
LIST = "# L\n\n- [A](https://a.example/) and [B](https://b.example/)\n"

NUMERIC_KEYS = sorted(
    key
    for key, option in OPTIONS.items()
    if isinstance(option.default, int | float) and not isinstance(option.default, bool)
)
NOT_FINITE = ["inf", "-inf", "nan", "+nan", "-nan", "1e309", "1e300", "-1e300", "9223372036854775807"]


def test_every_numeric_option_declares_a_finite_range() -> None:
    assert NUMERIC_KEYS, "no numeric options found"
    for key in NUMERIC_KEYS:
        option: Option = OPTIONS[key]
        assert option.bounds is not None, key
        low, high = option.bounds
        assert -1e9 <= low <= high <= 1e10, (key, option.bounds)
        option.clean(option.default)  # the default is inside its own range


@pytest.mark.parametrize("key", NUMERIC_KEYS)
@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_number_outside_its_range_is_a_config_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / ".listlint.toml").write_text(f"{key} = {value}\n")
    assert main(["check"]) == 2
    one_line_error(capsys, ".listlint.toml", f"'{key}'")


@pytest.mark.parametrize("value", ["inf", "1e300", "nan", "-1", "1e309"])
@pytest.mark.parametrize("key", ["interval", "concurrency"])
def test_host_table_numbers_have_a_range(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / ".listlint.toml").write_text(f'[hosts."a.example"]\n{key} = {value}\n')
    assert main(["check"]) == 2
    one_line_error(capsys, ".listlint.toml", f"hosts.a.example.{key}")


def test_a_rule_option_that_is_not_finite_is_a_config_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from listlint.cli import main
    from listlint.options import check_value

    with pytest.raises(ValueError, match="finite"):
        check_value(float("inf"), float)
    with pytest.raises(ValueError, match="finite"):
        check_value(float("nan"), (float, int))
    with pytest.raises(ValueError, match="finite"):
        check_value(10**400, float)
    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / ".listlint.toml").write_text("timeout = 1e400\n")
    assert main(["check"]) == 2
    one_line_error(capsys, "'timeout'")


@pytest.mark.parametrize("value", ["nan", "inf", "1e309", "-1", "1e300", "-inf"])
@pytest.mark.parametrize("flag", ["--timeout", "--max-concurrency"])
def test_a_number_flag_outside_its_range_names_the_flag(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", f"{flag}={value}"]) == 2
    one_line_error(capsys, flag)


def run_cli(*args: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "listlint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_config_fifo_is_refused_without_waiting(in_tmp: Path) -> None:
    (in_tmp / "README.md").write_text(LIST)
    os.mkfifo(in_tmp / "cfg.toml")
    result = run_cli("check", "--config", "cfg.toml", cwd=in_tmp)
    assert result.returncode == 2, result
    assert result.stderr == "listlint: error: cfg.toml: not a regular file, cannot be a config file\n"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_config_device_is_refused(in_tmp: Path, capsys: pytest.CaptureFixture[str], device: str) -> None:
    from listlint.cli import main

    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", "--config", device]) == 2
    one_line_error(capsys, device, "not a regular file")


def test_a_config_directory_is_refused(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "conf.toml").mkdir()
    assert main(["check", "--config", "conf.toml"]) == 2
    one_line_error(capsys, "conf.toml")


@pytest.mark.parametrize("depth", [300, 1_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "inline-table"])
@pytest.mark.parametrize("name", [".listlint.toml", "pyproject.toml"])
def test_deeply_nested_toml_is_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], depth: int, shape: str, name: str
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    value = "[" * depth + "]" * depth if shape == "array" else "{a = " * depth + "1" + "}" * depth
    prefix = "[tool.listlint]\n" if name == "pyproject.toml" else ""
    (in_tmp / name).write_text(f"{prefix}x = {value}\n")
    assert main(["check", "--config", name]) == 2
    one_line_error(capsys, name)


@pytest.mark.parametrize(
    "text", ["tool = 1\n", "tool = [1, 2]\n", 'tool = "listlint"\n', "[tool]\nlistlint = 3\n"]
)
def test_a_pyproject_whose_tool_is_not_a_table(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "pyproject.toml").write_text(text)
    assert main(["check", "--config", "pyproject.toml"]) == 2
    one_line_error(capsys, "pyproject.toml", "must be a table")


def test_a_pyproject_whose_tool_is_not_a_table_is_not_found_as_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from listlint.cli import main

    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "pyproject.toml").write_text("tool = 1\n")
    assert main(["check", "--output-format", "concise"]) == 0  # not our config: ignored
    assert capsys.readouterr().err == ""


def test_rule_timeout_is_a_declared_key() -> None:
    option = OPTIONS["rule-timeout"]
    assert option.bounds == (0.0, 86_400.0)
    with pytest.raises(ValueError):
        option.clean(float("inf"))
