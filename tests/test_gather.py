"""The gather stage and the source registry: what is asked, what is cached, what a broken source costs."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from listlint.cli import main
from listlint.config import Settings
from listlint.document import parse_document
from listlint.document.model import Link
from listlint.errors import PluginError
from listlint.gather.facts import Facts
from listlint.gather.registry import SourceRef, active_sources, load_sources
from listlint.gather.sources import Lookup, MetadataSource, SourceHttp, SourceNote
from listlint.gather.stage import gather
from listlint.source import Source

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_arxiv import FakeArxiv, FakeRecord  # noqa: E402

TEXT = "- [A](https://example.org/a): T\n- [B](https://example.org/b): T\n- [C](https://other.example/c): T\n"


class Recording:
    """A source that knows example.org and answers from a table."""

    name = "recording"
    batch_size = 1

    def __init__(self, answers: Mapping[str, Lookup] | None = None, *, fail: bool = False) -> None:
        self.answers = answers or {}
        self.fail = fail
        self.asked: list[list[str]] = []

    def key(self, link: Link) -> str | None:
        return link.url if "example.org" in link.url else None

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        self.asked.append(list(keys))
        if self.fail:
            raise RuntimeError("boom with server text <b>")
        return {key: self.answers[key] for key in keys if key in self.answers}

    def ttl(self, lookup: Lookup) -> float:
        return 60.0

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        return lookup.found

    def notes(self) -> list[SourceNote]:
        return [SourceNote(self.name, "a note of its own")]


def documents() -> list[Any]:
    return [parse_document(Source(path="README.md", text=TEXT))]


def test_every_asked_key_gets_a_lookup_and_a_missing_answer_is_unchecked() -> None:
    source = Recording({"https://example.org/a": Lookup("found", {"x": 1})})
    facts = gather(documents(), Settings().with_values(cache=False), uses=[("recording",)], sources=[source])
    assert source.asked == [["https://example.org/a"], ["https://example.org/b"]]  # batch_size 1
    a, b, c = documents()[0].links
    assert facts.lookup("recording", a) == Lookup("found", {"x": 1})
    assert facts.lookup("recording", b) == Lookup("unchecked", reason="the recording source gave no answer")
    assert facts.lookup("recording", c) is None  # no key
    assert facts.lookup("other", a) is None  # no such source
    assert facts.verdict(a) is None  # no rule used the crawl
    assert facts.unchecked("recording") == 1
    with pytest.raises(TypeError):
        facts.lookups["recording"]["https://example.org/a"] = Lookup("missing")  # type: ignore[index]
    assert [str(n) for n in facts.notes] == [
        "recording: 2 keys, 0 from the cache, 0 requests",
        "recording: 1 key not checked: the recording source gave no answer",
        "recording: a note of its own",
    ]


def test_a_source_that_raises_costs_its_keys_not_the_run() -> None:
    source = Recording(fail=True)
    facts = gather(documents(), Settings().with_values(cache=False), uses=[("recording",)], sources=[source])
    assert facts.unchecked("recording") == 2
    assert facts.reasons["recording"] == "the recording source failed (RuntimeError)"
    assert "<b>" not in " ".join(str(note) for note in facts.notes)


def test_a_source_no_rule_uses_is_not_asked_without_a_crawl() -> None:
    source = Recording()
    facts = gather(documents(), Settings().with_values(cache=False), uses=[("arxiv",)], sources=[source])
    assert source.asked == [] and dict(facts.lookups) == {}


def test_answers_are_cached_per_source(tmp_path: Path) -> None:
    answers = {"https://example.org/a": Lookup("found", {"x": 1}), "https://example.org/b": Lookup("missing")}
    settings = Settings().with_values(cache=True, cache_dir=str(tmp_path))
    first = Recording(answers)
    gather(documents(), settings, uses=[("recording",)], sources=[first])
    again = Recording()
    facts = gather(documents(), settings, uses=[("recording",)], sources=[again])
    assert again.asked == []  # a warm re-run makes no request
    a, b, _ = documents()[0].links
    assert facts.lookup("recording", a) == Lookup("found", {"x": 1})
    assert facts.lookup("recording", b) == Lookup("missing")
    assert str(facts.notes[0]) == "recording: 2 keys, 2 from the cache, 0 requests"


def test_the_cache_keeps_the_answers_of_each_endpoint_apart(tmp_path: Path) -> None:
    class AtEndpoint(Recording):
        def __init__(self, endpoint: str, answers: Mapping[str, Lookup] | None = None) -> None:
            super().__init__(answers)
            self.endpoints = (endpoint,)

    settings = Settings().with_values(cache=True, cache_dir=str(tmp_path))
    found = {"https://example.org/a": Lookup("found"), "https://example.org/b": Lookup("found")}
    gather(documents(), settings, uses=[("recording",)], sources=[AtEndpoint("https://api.one.test/", found)])
    other = AtEndpoint("https://user:secret@api.two.test/")
    gather(documents(), settings, uses=[("recording",)], sources=[other])
    assert other.asked == [["https://example.org/a"], ["https://example.org/b"]]  # not API one's answers
    same = AtEndpoint("https://api.one.test/")
    gather(documents(), settings, uses=[("recording",)], sources=[same])
    assert same.asked == []
    assert b"secret" not in b"".join(path.read_bytes() for path in tmp_path.iterdir())


def test_facts_are_immutable_and_derive_once() -> None:
    facts = Facts()
    calls: list[int] = []
    assert facts.derive("x", lambda f: calls.append(1) or len(calls)) == 1
    assert facts.derive("x", lambda f: calls.append(1) or len(calls)) == 1
    with pytest.raises(AttributeError):
        facts.network_down = True  # type: ignore[misc]


# -- the registry ---------------------------------------------------------------------


def module_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: str) -> None:
    (tmp_path / f"{name}.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))


SOURCE_CODE = """
from listlint.gather.sources import Lookup


class Example:
    name = "example"
    batch_size = 10

    def key(self, link):
        return None

    async def fetch(self, keys, http):
        return {}

    def ttl(self, lookup):
        return 0.0

    def vouches_for(self, link, lookup):
        return False


def make_source(settings):
    return Example() if settings.get("timeout") < 100 else None


def inactive(settings):
    return None


def crashing(settings):
    raise KeyError("token")


def not_a_source(settings):
    return 42


READY = Example()


def bad_name(settings):
    source = Example()
    source.name = "Not Kebab"
    return source


def bad_batch(settings):
    source = Example()
    source.batch_size = 0
    return source
"""


def test_the_registry_loads_factories_and_ready_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_with(tmp_path, monkeypatch, "regsource", SOURCE_CODE)
    settings = Settings()
    (made,) = load_sources([SourceRef("test", "regsource:make_source")], settings)
    assert isinstance(made, MetadataSource) and made.name == "example"
    assert load_sources([SourceRef("test", "regsource:inactive")], settings) == []
    (ready,) = load_sources([SourceRef("test", "regsource:READY")], settings)
    assert ready.name == "example"
    assert [s.name for s in active_sources(settings)] == ["arxiv", "doi", "crossref", "semantic-scholar"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("regsource:crashing", "failed to start: KeyError"),
        ("regsource:not_a_source", "returned int, which is not a MetadataSource"),
        ("regsource:missing", "cannot load test"),
        ("no_such_module:x", "cannot load test"),
        ("regsource:bad_name", "must be lower-case"),
        ("regsource:bad_batch", "batch_size 0"),
    ],
)
def test_a_broken_source_plugin_is_a_plugin_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    module_with(tmp_path, monkeypatch, "regsource", SOURCE_CODE)
    with pytest.raises(PluginError, match=message):
        load_sources([SourceRef("test", target)], Settings())


def test_two_sources_of_one_name_are_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module_with(tmp_path, monkeypatch, "regsource", SOURCE_CODE)
    refs = [SourceRef("first", "regsource:make_source"), SourceRef("second", "regsource:READY")]
    with pytest.raises(PluginError, match="defined twice: by first and by second"):
        load_sources(refs, Settings())


# -- run notes in every format ---------------------------------------------------------


def test_notes_are_in_the_json_summary_and_follow_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_readme import report_validator

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n")
    (tmp_path / ".listlint.toml").write_text("arxiv-delay = 0.0\ncache = false\n")
    with FakeArxiv.of(FakeRecord("2201.12023", "Alpa")) as api:
        monkeypatch.setenv("LISTLINT_ARXIV_API_URL", api.url)
        code = main(["check", "--online", "--select", "LL70", "--output-format", "json"])
        report = json.loads(capsys.readouterr().out)
        report_validator().validate(report)
        assert code == 1
        assert report["summary"]["notes"] == [
            {
                "source": "arxiv",
                "message": "1 ID, 0 from the cache, 2 requests",
                "counts": {"keys": 1, "cached": 0, "requests": 2, "unchecked": 0},
            }
        ]
        assert main(["check", "--online", "--select", "LL70"]) == 1
        text = capsys.readouterr().out
    assert text.rstrip().endswith("arxiv: 1 ID, 0 from the cache, 2 requests")


def test_an_offline_report_has_no_notes_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.md"
    path.write_text(TEXT)
    assert main(["check", "--output-format", "json", str(path)]) == 0
    assert "notes" not in json.loads(capsys.readouterr().out)["summary"]


def test_a_source_reaches_its_endpoint_through_the_runs_resolver() -> None:
    """``Network(resolver=...)`` maps a source's API host too (as it does the crawl's hosts)."""
    from listlint.gather.stage import Network
    from listlint.net.addresses import static_resolver
    from listlint.pipeline import RunOptions, lint_text

    with FakeArxiv.of(FakeRecord("2201.12023", "Alpa: Automating Parallelism")) as api:
        url = api.url.replace("127.0.0.1", "export.arxiv.test")
        settings = Settings().with_values(arxiv_api_url=url, arxiv_delay=0.0, cache=False, select=["LL701"])
        network = Network(resolver=static_resolver({"export.arxiv.test": "127.0.0.1"}))
        text = "- [Alpa](https://arxiv.org/abs/2201.12023v9): Automating Parallelism\n"
        found = lint_text(text, settings, options=RunOptions(online=True, network=network))
    assert [d.message for d in found] == ["arXiv:2201.12023 has no version 9; the latest is v1"]
    assert api.ids_asked == ["2201.12023"]


def test_net_imports_nothing_of_rules() -> None:
    import ast

    net = Path(__file__).resolve().parent.parent / "src" / "listlint" / "net"
    for path in net.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("listlint.rules"), (path.name, node.module)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("listlint.rules") for a in node.names), path.name


def test_a_source_whose_key_breaks_is_a_plugin_error() -> None:
    class Broken(Recording):
        def key(self, link: Link) -> str | None:
            return 42  # type: ignore[return-value]

    with pytest.raises(PluginError, match="key\\(\\) returned int"):
        gather(documents(), Settings().with_values(cache=False), uses=[("recording",)], sources=[Broken()])
