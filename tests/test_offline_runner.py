"""An offline CI runner: one clear finding, quickly, for links and arXiv alike."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

from listlint.cli import main
from listlint.net.sources.arxiv import name_unresolved, root_reason


def test_a_name_that_does_not_resolve_is_recognised_through_the_chain() -> None:
    inner = socket.gaierror(-2, "Name or service not known")
    outer = httpx.ConnectError("[Errno -2] connecting to /api/query?id_list=1,2,3")
    outer.__cause__ = inner
    assert name_unresolved(outer)
    assert not name_unresolved(httpx.ConnectError("refused").with_traceback(None))
    refused = httpx.ConnectError("refused")
    refused.__cause__ = ConnectionRefusedError(111, "refused")
    assert not name_unresolved(refused)
    assert "id_list" not in root_reason(outer)


def test_offline_runner_gets_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No name resolves (as on this project's CI machine): one LL606, no LL602/LL707."""

    def no_dns(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    links = "\n".join(f"- [Paper {i}](https://paper{i}.example.org/p): Title {i}" for i in range(5))
    papers = "\n".join(f"- [Arxiv {i}](https://arxiv.org/abs/2408.1275{i}): Title {i}" for i in range(3))
    (tmp_path / "README.md").write_text(f"# L\n\n{links}\n{papers}\n")
    (tmp_path / ".listlint.toml").write_text(f'cache-dir = "{tmp_path / "cache"}"\n')
    start = time.monotonic()
    code = main(["check", "--online", "--select", "LL6,LL7", "--output-format", "json"])
    elapsed = time.monotonic() - start
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [("LL606", "error")]
    assert report["diagnostics"][0]["message"] == "network unavailable, 8 links not checked"
    assert elapsed < 10, "retrying names that do not resolve makes an offline run slow"


def test_without_the_link_rules_arxiv_says_it_was_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_dns(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("# L\n\n- [A](https://arxiv.org/abs/2408.12757): T\n")
    (tmp_path / ".listlint.toml").write_text(f'cache-dir = "{tmp_path / "cache"}"\n')
    assert main(["check", "--online", "--select", "LL7", "--output-format", "json"]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["diagnostics"]
    assert finding["code"] == "LL707"
    assert finding["message"] == (
        "arXiv metadata not checked for 1 entry: arXiv API host export.arxiv.org does not resolve"
    )
