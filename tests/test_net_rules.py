"""The LL6xx link rules end to end: the pipeline, one engine per run, real servers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.gather.stage import Network
from listlint.net.addresses import static_resolver
from listlint.pipeline import RunOptions, lint_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from simulated_web import SimulatedWeb  # noqa: E402

FAST = {"backoff_base": 0.05, "backoff_max": 0.2}


@pytest.fixture
def web() -> Iterator[SimulatedWeb]:
    with SimulatedWeb(["127.0.0.1"], slow_seconds=0.2) as server:
        yield server


class NetworkSetup:
    """The run's network, through ``RunOptions.network``: fast backoff, and a resolver if set."""

    def __init__(self) -> None:
        self.network = Network(policy=FAST)

    def __call__(self, resolver: Any = None) -> None:
        self.network = Network(resolver=resolver, policy=FAST)


@pytest.fixture
def engine_with() -> Iterator[NetworkSetup]:
    """Make the run's engine use a resolver (names -> 127.0.0.1) and fast backoff."""
    global SETUP
    SETUP = NetworkSetup()
    yield SETUP
    SETUP = None


SETUP: NetworkSetup | None = None


def run(
    tmp_path: Path,
    text: str,
    *,
    changed: dict[str, frozenset[int]] | None = None,
    fix: bool = False,
    **values: Any,
) -> tuple[list[Diagnostic], Any]:
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    settings = Settings().with_values(**{"cache": False, "timeout": 1.0, "select": ["LL6"], **values})
    options = RunOptions(
        online=True,
        fix=fix,
        changed_lines={str(path): lines for lines in changed.values()} if changed else None,
        network=SETUP.network if SETUP is not None else None,
    )
    result = lint_paths([str(path)], settings, options)
    return result.diagnostics, result


def names(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(d.name, d.line) for d in diagnostics]


def listing(web: SimulatedWeb, *paths: str) -> str:
    lines = [f"- [Item {n}]({web.url('127.0.0.1', p)}): Title {n}" for n, p in enumerate(paths)]
    return "# List\n\n" + "\n".join(lines) + "\n"


def test_each_verdict_has_its_rule(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    text = listing(web, "/ok/1", "/404/1", "/hang/1", "/bot/1", "/moved/1", "/flaky/1")
    diagnostics, _ = run(tmp_path, text, allow_private_hosts=True, timeout=1.0)
    assert names(diagnostics) == [
        ("dead-link", 4),
        ("unreachable-link", 5),
        ("blocked-link", 6),
        ("permanent-redirect", 7),
    ]
    dead = diagnostics[0]
    assert dead.code == "LL601" and dead.severity == "error" and "404 Not Found" in dead.message
    assert dead.url == web.url("127.0.0.1", "/404/1") and dead.column == 12
    assert diagnostics[1].severity == "warning" and diagnostics[2].severity == "info"


def test_a_url_used_by_every_rule_and_twice_is_fetched_once(
    tmp_path: Path, web: SimulatedWeb, engine_with: Any
) -> None:
    text = listing(web, "/404/same", "/404/same")
    diagnostics, _ = run(tmp_path, text, allow_private_hosts=True)
    assert names(diagnostics) == [("dead-link", 3), ("dead-link", 4)]
    assert [r.method for r in web.requests_to("/404/same")] == ["HEAD", "GET"]


def test_the_permanent_redirect_fix_rewrites_the_url(
    tmp_path: Path, web: SimulatedWeb, engine_with: Any
) -> None:
    url = web.url("127.0.0.1", "/moved/9")
    text = f"# List\n\n- [Item]({url}#part): Title\n"
    _, result = run(tmp_path, text, fix=True, allow_private_hosts=True)
    fixed = result.files[0].fixed_text
    assert fixed == f"# List\n\n- [Item]({web.url('127.0.0.1', '/ok/moved-9')}#part): Title\n"


def test_private_hosts_are_skipped_with_an_info(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    engine_with(static_resolver({"looks-public.example": "127.0.0.1"}))
    text = (
        f"# List\n\n- [A](http://looks-public.example:{web.port}/ok/1): T\n"
        "- [B](http://169.254.169.254/latest/meta-data/): T\n"
    )
    diagnostics, _ = run(tmp_path, text)
    assert names(diagnostics) == [("private-host", 3), ("private-host", 4)]
    assert "127.0.0.1" in diagnostics[0].message
    assert "--allow-private-hosts" in diagnostics[0].message
    assert web.log == []


def test_offline_gives_one_network_error_not_dead_links(tmp_path: Path, engine_with: Any) -> None:
    engine_with(static_resolver({}))  # nothing resolves: an offline runner
    lines = [f"- [P{n}](https://host{n % 7}.example/p/{n}): T" for n in range(30)]
    diagnostics, result = run(tmp_path, "# List\n\n" + "\n".join(lines) + "\n")
    assert names(diagnostics) == [("network-unavailable", 3)]
    assert diagnostics[0].message == "network unavailable, 30 links not checked"
    assert diagnostics[0].severity == "error"
    assert any("network unavailable" in note for note in [str(note) for note in result.notes])


def test_only_changed_lines_are_checked(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    text = listing(web, "/404/a", "/404/b")
    diagnostics, _ = run(tmp_path, text, changed={"x": frozenset({4})}, allow_private_hosts=True)
    assert names(diagnostics) == [("dead-link", 4)]
    assert web.requests_to("/404/a") == []


def test_shards_split_the_urls(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    text = listing(web, *(f"/404/{n}" for n in range(8)))
    found = []
    for shard in ("1/2", "2/2"):
        diagnostics, _ = run(tmp_path, text, shard=shard, allow_private_hosts=True)
        found.append({d.line for d in diagnostics})
    assert found[0] and found[1] and not found[0] & found[1]
    assert found[0] | found[1] == set(range(3, 11))


def test_include_and_exclude_settings(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    text = listing(web, "/404/keep", "/404/skip")
    diagnostics, _ = run(tmp_path, text, exclude=["/skip"], allow_private_hosts=True)
    assert names(diagnostics) == [("dead-link", 3)]


SOURCE_MODULE = """
from listlint.gather.sources import Lookup

ASKED = []


class Confirming:
    name = "confirming"
    batch_size = 2

    def key(self, link):
        return link.url.strip() if "/404/" in link.url else None

    async def fetch(self, keys, http):
        ASKED.append(list(keys))
        return {k: Lookup("found" if k.endswith("confirmed") else "missing") for k in keys}

    def ttl(self, lookup):
        return 3600.0

    def vouches_for(self, link, lookup):
        return lookup.found


def make_source(settings):
    return Confirming()
"""


def test_a_third_party_source_is_found_asked_and_vouches(
    tmp_path: Path, web: SimulatedWeb, engine_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``listlint.sources`` entry point: asked in batches, cached; what it vouches for is not crawled."""
    import importlib

    site = tmp_path / "site"
    dist = site / "confirming_source-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: confirming_source\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[listlint.sources]\nconfirming = confirming_source:make_source\n")
    (site / "confirming_source.py").write_text(SOURCE_MODULE)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    module = importlib.import_module("confirming_source")

    text = listing(web, "/404/confirmed", "/404/other", "/404/third-confirmed", "/ok/plain")
    cache = {"cache": True, "cache_dir": str(tmp_path / "cache")}
    diagnostics, result = run(tmp_path, text, allow_private_hosts=True, **cache)
    assert names(diagnostics) == [("dead-link", 4)]
    assert web.requests_to("/404/confirmed") == [] and web.requests_to("/404/third-confirmed") == []
    assert [len(batch) for batch in module.ASKED] == [2, 1]  # batch_size 2
    link = result.files[0].document.links[0]
    assert result.facts.lookup("confirming", link).status == "found"
    assert any(
        str(note).startswith("confirming: 3 keys, 0 from the cache, 0 requests") for note in result.notes
    )

    module.ASKED.clear()
    _, again = run(tmp_path, text, allow_private_hosts=True, **cache)
    assert module.ASKED == []  # a warm cache asks nothing
    assert any(str(note).startswith("confirming: 3 keys, 3 from the cache") for note in again.notes)


def test_the_summary_notes(tmp_path: Path, web: SimulatedWeb, engine_with: Any) -> None:
    _, result = run(tmp_path, listing(web, "/ok/s", "/404/s"), allow_private_hosts=True)
    notes = [str(note) for note in result.notes]
    assert any(note.startswith("links: 2 links checked") and "1 dead" in note for note in notes)
    assert any("slowest hosts: 127.0.0.1" in note for note in notes)


def test_offline_runs_do_not_import_the_network_stack() -> None:
    import subprocess

    code = (
        "import sys; from listlint.pipeline import lint_text; "
        "lint_text('- [a](https://example.org/x): y\\n'); "
        "print(any(m in sys.modules for m in ('httpx', 'rich', 'httpcore')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_flags_reach_the_settings(tmp_path: Path) -> None:
    from listlint.cli import build_parser
    from listlint.commands.check import resolve_settings

    args = build_parser().parse_args(
        [
            "check",
            "--timeout",
            "3",
            "--max-concurrency",
            "5",
            "--no-cache",
            "--allow-private-hosts",
            "--user-agent",
            "bot/1",
            "--cache-dir",
            str(tmp_path),
            "x.md",
        ]
    )
    settings = resolve_settings(args)
    assert settings.get("timeout") == 3.0 and settings.get("max-concurrency") == 5
    assert settings.get("cache") is False and settings.get("allow-private-hosts") is True
    assert settings.get("user-agent") == "bot/1" and settings.get("cache-dir") == str(tmp_path)


def test_network_options_are_validated(tmp_path: Path) -> None:
    from listlint.config import load_settings
    from listlint.errors import ConfigError

    config = tmp_path / ".listlint.toml"
    config.write_text(
        '[hosts."github.com"]\nconcurrency = 2\nheaders = { Authorization = "token ${GITHUB_TOKEN}" }\n',
        encoding="utf-8",
    )
    assert load_settings(config).get("hosts")["github.com"]["concurrency"] == 2
    for bad in ('accept = ["2xx"]', 'exclude = ["("]', "timeout = 0", '[hosts."a.org"]\nspeed = 3'):
        config.write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(ConfigError):
            load_settings(config)


def test_progress_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from listlint.net.progress import LineProgress, RichProgress, make_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert isinstance(make_progress(io.StringIO()), LineProgress)
    bar = make_progress(Terminal())
    assert isinstance(bar, RichProgress)
    bar.add(2)
    bar.advance("example.org")
    bar.close()
    assert isinstance(bar, RichProgress) and bar.done == 1 and bar.total == 2
    monkeypatch.setenv("CI", "true")
    assert isinstance(make_progress(Terminal()), LineProgress)
