"""LL401-LL405: URL hygiene, each fix alone and all of them together."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listlint.cli import main
from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_paths

Lint = Callable[..., list[Diagnostic]]
HYGIENE = ["LL4"]
ABS = [
    "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving Throughput\n",
    "- [Helix](https://arxiv.org/abs/2406.01566): Max-Flow on Heterogeneous GPUs\n",
]


def fixed(tmp_path: Path, text: str, *, select: list[str] | None = None) -> str:
    """The text after ``--fix`` (through the pipeline, fixes applied until stable)."""
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8", newline="")
    settings = Settings().with_values(select=select or HYGIENE)
    result = lint_paths([str(path)], settings, RunOptions(fix=True))
    file = result.files[0]
    return file.fixed_text if file.fixed_text is not None else text


def one(lint: Lint, text: str, code: str) -> list[Diagnostic]:
    return [d for d in lint(text, select=HYGIENE) if d.code == code]


# -- tracking-parameter --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2104.10350?fbclid=IwAR2o0", "https://arxiv.org/abs/2104.10350"),
        ("https://a.org/x?id=3&utm_source=n&page=2#top", "https://a.org/x?id=3&page=2#top"),
        ("https://a.org/x?utm_source=n&utm_medium=m&utm_souce=typo", "https://a.org/x"),
        ("<https://a.org/x?gclid=1>", "<https://a.org/x>"),
    ],
)
def test_tracking_parameters_are_removed_and_nothing_else(tmp_path: Path, url: str, expected: str) -> None:
    link = url if url.startswith("<") else f"[Paper]({url})"
    text = f"Intro.\n\n- {link} | Tag\n"
    assert fixed(tmp_path, text, select=["tracking-parameter"]) == text.replace(url, expected)


def test_tracking_parameter_message_names_them(lint: Lint) -> None:
    found = one(lint, "- [P](https://a.org/?utm_source=x&fbclid=y&q=1)\n", "LL401")
    assert len(found) == 1 and "`utm_source`, `fbclid`" in found[0].message


def test_a_query_without_tracking_is_left_alone(lint: Lint) -> None:
    assert one(lint, "- [P](https://a.org/?ref=main&id=1)\n", "LL401") == []


def test_html_links_are_fixed_in_place(tmp_path: Path) -> None:
    text = '<p><a href="https://a.org/x?utm_source=y">X</a></p>\n'
    assert fixed(tmp_path, text) == '<p><a href="https://a.org/x">X</a></p>\n'


# -- arxiv-pdf-link ----------------------------------------------------------------


def test_pdf_link_in_an_abs_list_is_reported_with_the_counts(lint: Lint) -> None:
    text = "".join(ABS) + "- [BlockLLM](https://arxiv.org/pdf/2404.18322.pdf): Multi-tenant\n"
    found = one(lint, text, "LL402")
    assert [d.line for d in found] == [3]
    assert "2 /abs/ links, 1 /pdf/" in found[0].message


def test_pdf_links_in_a_list_without_a_clear_abs_habit_are_fine(lint: Lint) -> None:
    text = ABS[0] + "- [A](https://arxiv.org/pdf/2404.18322)\n- [B](https://arxiv.org/pdf/2404.18323)\n"
    assert one(lint, text, "LL402") == []
    forced = [
        d
        for d in lint(text, select=HYGIENE, rules={"arxiv-pdf-link": {"prefer": "abs"}})
        if d.code == "LL402"
    ]
    assert [d.line for d in forced] == [2, 3]


def test_a_pdf_link_beside_the_abstract_in_one_entry_is_intended(lint: Lint) -> None:
    text = "".join(ABS) + (
        "- [BlockLLM](https://arxiv.org/abs/2404.18322) [[pdf]](https://arxiv.org/pdf/2404.18322)\n"
    )
    assert one(lint, text, "LL402") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/pdf/2404.18322", "https://arxiv.org/abs/2404.18322"),
        ("https://arxiv.org/pdf/2404.18322.pdf", "https://arxiv.org/abs/2404.18322"),
        ("https://arxiv.org/pdf/2404.18322v2.pdf", "https://arxiv.org/abs/2404.18322v2"),
    ],
)
def test_pdf_fix_changes_only_the_view(tmp_path: Path, url: str, expected: str) -> None:
    text = "".join(ABS) + f"- [BlockLLM]({url}): Multi-tenant\n"
    assert fixed(tmp_path, text, select=["arxiv-pdf-link"]) == text.replace(url, expected)


# -- arxiv-url-version, arxiv-mirror-host, insecure-link ----------------------------


def test_pinned_version_is_reported_and_dropped(lint: Lint, tmp_path: Path) -> None:
    text = "- [Perseus](https://arxiv.org/abs/2312.06902v1): Removing Energy Bloat\n"
    found = one(lint, text, "LL403")
    assert len(found) == 1 and "2312.06902v1" in found[0].message
    assert fixed(tmp_path, text, select=["LL403"]) == text.replace("v1)", ")")
    assert one(lint, text.replace("v1", ""), "LL403") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.arxiv.org/abs/2408.03505", "https://arxiv.org/abs/2408.03505"),
        ("https://WWW.arxiv.org/abs/2408.03505", "https://arxiv.org/abs/2408.03505"),
        ("http://export.arxiv.org/abs/2408.03505", "http://arxiv.org/abs/2408.03505"),
        ("http://xxx.lanl.gov/abs/hep-th/9901001", "http://arxiv.org/abs/hep-th/9901001"),
    ],
)
def test_mirror_hosts_become_arxiv_org(tmp_path: Path, url: str, expected: str) -> None:
    text = f"- [Optimus]({url}): Bubble Exploitation\n"
    assert fixed(tmp_path, text, select=["arxiv-mirror-host"]) == text.replace(url, expected)


def test_the_arxiv_api_on_export_is_not_a_mirror_link(lint: Lint) -> None:
    assert one(lint, "- [API](http://export.arxiv.org/api/query?search_query=all:llm)\n", "LL404") == []


def test_insecure_links_to_https_hosts(lint: Lint, tmp_path: Path) -> None:
    text = (
        "- [CloudQuery](http://github.com/cloudquery/cloudquery) - ELT.\n"
        "- [Docs](http://pkg.github.io/x) - Pages.\n"
        "- [Old](http://example.org/page) - Some site.\n"
    )
    assert [d.line for d in one(lint, text, "LL405")] == [1, 2]
    assert fixed(tmp_path, text, select=["insecure-link"]) == text.replace(
        "http://github", "https://github"
    ).replace("http://pkg", "https://pkg")
    extra = [
        d
        for d in lint(text, select=HYGIENE, rules={"insecure-link": {"extra-hosts": ["example.org"]}})
        if d.code == "LL405"
    ]
    assert [d.line for d in extra] == [1, 2, 3]


# -- composition --------------------------------------------------------------------


def test_every_url_fix_composes_and_converges(tmp_path: Path) -> None:
    messy = "http://www.arxiv.org/pdf/2312.06902v1.pdf?utm_source=feed&fbclid=x#page=2"
    text = "".join(ABS) + f"- [Perseus]({messy}): Removing Energy Bloat\n"
    once = fixed(tmp_path, text)
    assert once == text.replace(messy, "https://arxiv.org/abs/2312.06902#page=2")
    assert fixed(tmp_path, once) == once


def test_fix_through_the_cli_writes_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    text = "".join(ABS) + "- [X](http://arxiv.org/pdf/2401.00001v3?utm_medium=x)\n"
    path.write_bytes(text.encode())
    assert main(["check", "--select", "LL4", "--fix", "--exit-zero", str(path)]) == 0
    first = path.read_bytes()
    assert first.decode() == text.replace(
        "http://arxiv.org/pdf/2401.00001v3?utm_medium=x", "https://arxiv.org/abs/2401.00001"
    )
    assert main(["check", "--select", "LL4", "--fix", str(path)]) == 0
    assert path.read_bytes() == first


@settings(max_examples=40, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP"]),
    host=st.sampled_from(["arxiv.org", "www.arxiv.org", "export.arxiv.org", "WWW.arXiv.org"]),
    view=st.sampled_from(["abs", "pdf"]),
    version=st.sampled_from(["", "v1", "v12"]),
    suffix=st.sampled_from(["", ".pdf"]),
    query=st.sampled_from(["", "?utm_source=x", "?fbclid=y&context=cs", "?context=cs&gclid=z"]),
    fragment=st.sampled_from(["", "#page=2"]),
)
def test_any_mix_of_url_problems_converges_to_the_canonical_link(
    scheme: str, host: str, view: str, version: str, suffix: str, query: str, fragment: str
) -> None:
    if view == "abs":
        suffix = ""
    url = f"{scheme}://{host}/{view}/2312.06902{version}{suffix}{query}{fragment}"
    kept = "?context=cs" if "context=cs" in query else ""
    expected = f"https://arxiv.org/abs/2312.06902{kept}{fragment}"
    text = "".join(ABS) + f"- [Perseus]({url}): Removing Energy Bloat\n"
    with tempfile.TemporaryDirectory() as folder:
        once = fixed(Path(folder), text)
        assert once == text.replace(url, expected)
        assert fixed(Path(folder), once) == once


def test_a_wrong_prefer_value_is_a_config_error(lint: Lint) -> None:
    from listlint.errors import ConfigError

    with pytest.raises(ConfigError, match="prefer"):
        lint("".join(ABS), select=HYGIENE, rules={"arxiv-pdf-link": {"prefer": "pdf"}})
