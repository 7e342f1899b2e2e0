"""The venue vocabulary, the tag parser, and LL301-LL304."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.errors import ConfigError
from listlint.fixes import apply_fixes
from listlint.pipeline import RunOptions, lint_text
from listlint.venues import format_year, full_year, load_vocabulary, read_tag

Lint = Callable[..., list[Diagnostic]]
VOCABULARY = load_vocabulary()


def entry(tags: str, n: int = 0) -> str:
    return f"- [Paper{n}](https://p.example/{n}): A paper | {tags}\n"


def found(lint: Lint, text: str, code: str, **values: object) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in lint(text, select=[code], **values)]


def fix_all(text: str, code: str, **values: object) -> str:
    settings = Settings().with_values(select=[code], **values)
    for _ in range(5):
        new_text, _ = apply_fixes(text, lint_text(text, settings, options=RunOptions()))
        if new_text == text:
            return text
        text = new_text
    raise AssertionError("fixes do not settle")


# -- the parser -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "venue", "year", "form"),
    [
        ("OSDI' 24", "OSDI", 2024, "apostrophe-space"),
        ("OSDI '24", "OSDI", 2024, "space-apostrophe"),
        ("OSDI'24", "OSDI", 2024, "apostrophe"),
        ("OSDI 24", "OSDI", 2024, "short"),
        ("OSDI 2024", "OSDI", 2024, "full"),
        ("OSDI’24", "OSDI", 2024, "apostrophe"),
        ("MobiSys ’22", "MobiSys", 2022, "space-apostrophe"),
        ("NeurIPS 2023 Workshop", "NeurIPS", 2023, "full"),
        ("EuroSys' 25 (Best Paper)", "EuroSys", 2025, "apostrophe-space"),
        ("ICML' 2022", "ICML", 2022, "other"),
        ("DeepSeek SC' 24", "SC", 2024, "apostrophe-space"),
        ("USENIX ATC 2023", "ATC", 2023, "full"),
        ("Eurosys'23", "EuroSys", 2023, "apostrophe"),
        ("SOSP' 99", "SOSP", 1999, "apostrophe-space"),
    ],
)
def test_venue_tags(tag: str, venue: str, year: int, form: str) -> None:
    info = read_tag(tag, 100, VOCABULARY, 2026)
    assert info.venue is not None and info.venue.venue.name == venue
    assert (info.venue.year, info.venue.form) == (year, form)
    assert info.venue.name_span.start >= 100 and info.unknown is None


def test_workshop_year_is_detached() -> None:
    info = read_tag("ICML ES-FoMo Workshop 2023", 0, VOCABULARY, 2026)
    assert info.venue is not None and info.venue.venue.name == "ICML"
    assert info.venue.year == 2023 and info.venue.form is None and not info.venue.attached


@pytest.mark.parametrize(
    "tag",
    [
        "Microsoft",
        "UCB",
        "Stanford & UCB",
        "Sea AI Lab",
        "CMU/UW",
        "(Stanford)[https://cs229s.stanford.edu/fall2023/]",
        "Top 10",
    ],
)
def test_affiliations_are_plain_tags(tag: str) -> None:
    info = read_tag(tag, 0, VOCABULARY, 2026)
    assert info.venue is None and info.unknown is None


def test_unknown_venue_shape() -> None:
    assert read_tag("HotChipz' 24", 0, VOCABULARY, 2026).unknown == (
        "HotChipz",
        read_tag("HotChipz' 24", 0, VOCABULARY, 2026).unknown[1],
    )  # type: ignore[index]
    assert read_tag("Qwen 2024", 0, VOCABULARY, 2026).unknown is not None
    assert read_tag("Llama 3", 0, VOCABULARY, 2026).unknown is None


def test_years() -> None:
    assert full_year("24", 2026) == 2024
    assert full_year("36", 2026) == 2036
    assert full_year("37", 2026) == 1937
    assert [
        format_year(f, 2024) for f in ("apostrophe-space", "apostrophe", "space-apostrophe", "short", "full")
    ] == ["' 24", "'24", " '24", " 24", " 2024"]


def test_extra_venues_extend_and_validate() -> None:
    vocabulary = load_vocabulary({"HotChips": {"first": 1989, "aliases": ["Hot Chips"]}, "Foo": 2020})
    info = read_tag("Hot Chips 2023", 0, vocabulary, 2026)
    assert info.venue is not None and info.venue.venue.name == "HotChips"
    with pytest.raises(ConfigError):
        load_vocabulary({"Bad": {"aliases": "x"}})


# -- LL301 venue-name -------------------------------------------------------------


def test_venue_name_case_and_curly(lint: Lint) -> None:
    text = entry("Eurosys'23") + entry("Neurips 2023", 1) + entry("ATC’ 21", 2) + entry("EuroSys' 23", 3)
    assert [line for line, _ in found(lint, text, "LL301")] == [1, 2, 3]
    assert fix_all(text, "LL301") == (
        entry("EuroSys'23") + entry("NeurIPS 2023", 1) + entry("ATC' 21", 2) + entry("EuroSys' 23", 3)
    )


def test_venue_name_needs_a_year_for_case(lint: Lint) -> None:
    assert found(lint, entry("Fast") + entry("fast, cheap", 1), "LL301") == []


def test_venue_name_extra_venues_from_config(lint: Lint) -> None:
    rules = {"venue-name": {"extra-venues": {"HotChips": {"first": 1989}}}}
    assert [m for _, m in found(lint, entry("Hotchips' 23"), "LL301", rules=rules)] == [
        "venue 'Hotchips' is spelled 'HotChips'"
    ]
    assert found(lint, entry("Hotchips' 23"), "LL301") == []


# -- LL302 venue-year-style -----------------------------------------------------------

SEED_LIKE = "".join(
    entry(tag, i)
    for i, tag in enumerate(
        [
            "OSDI' 24",
            "SOSP' 23",
            "MLSys' 23",
            "ICML' 23",
            "NSDI' 24",
            "OSDI 22",
            "ICLR'23",
            "ASPLOS 2023",
            "Microsoft",
            "ICML ES-FoMo Workshop 2023",
        ]
    )
)


def test_year_style_infers_the_dominant_form(lint: Lint) -> None:
    assert [line for line, _ in found(lint, SEED_LIKE, "LL302")] == [6, 7, 8]
    assert fix_all(SEED_LIKE, "LL302") == SEED_LIKE.replace("OSDI 22", "OSDI' 22").replace(
        "ICLR'23", "ICLR' 23"
    ).replace("ASPLOS 2023", "ASPLOS' 23")


def test_year_style_quiet_without_a_majority(lint: Lint) -> None:
    few = "".join(entry(tag, i) for i, tag in enumerate(["OSDI' 24", "SOSP' 23", "OSDI 22"]))
    split = "".join(
        entry(tag, i)
        for i, tag in enumerate(
            [
                "OSDI' 24",
                "SOSP' 23",
                "MLSys' 23",
                "ICML' 23",
                "NSDI' 24",
                "OSDI 22",
                "ICLR 23",
                "SOSP 21",
                "ISCA 22",
                "HPCA 22",
            ]
        )
    )
    assert found(lint, few, "LL302") == [] and found(lint, split, "LL302") == []


def test_year_style_option(lint: Lint) -> None:
    rules = {"venue-year-style": {"year-style": "full"}}
    assert len(found(lint, SEED_LIKE, "LL302", rules=rules)) == 7
    assert "OSDI 2024" in fix_all(SEED_LIKE, "LL302", rules=rules)
    with pytest.raises(ConfigError):
        lint(SEED_LIKE, select=["LL302"], rules={"venue-year-style": {"year-style": "roman"}})


# -- LL303 implausible-year ---------------------------------------------------------


def test_implausible_years(lint: Lint) -> None:
    text = (
        entry("OSDI' 93")
        + entry("ICLR 2012", 1)
        + entry("ASPLOS' 27", 2)
        + entry("OSDI 2030", 3)
        + entry("SOSP' 99", 4)
        + entry("EuroSys' 26", 5)
    )
    rules = {"implausible-year": {"today": "2026-11-25"}}
    result = found(lint, text, "LL303", rules=rules)
    assert [line for line, _ in result] == [1, 2, 4]
    assert "OSDI was first held in 1994" in result[0][1] and "2030 is in the future" in result[2][1]
    earlier = {"implausible-year": {"today": "2025-01-01"}}
    assert [line for line, _ in found(lint, text, "LL303", rules=earlier)] == [1, 2, 3, 4]


def test_today_must_be_a_date(lint: Lint) -> None:
    with pytest.raises(ConfigError):
        lint(entry("OSDI' 24"), select=["LL303"], rules={"implausible-year": {"today": "soon"}})


# -- LL304 unknown-tag -------------------------------------------------------------


def test_unknown_tag(lint: Lint) -> None:
    text = (
        entry("Neurlps' 24")
        + entry("HotChipz 2023", 1)
        + entry("Microsoft, UCB", 2)
        + entry("Stanford & UCB", 3)
        + entry("ICML ES-FoMo Workshop 2023", 4)
        + entry("Best Paper", 5)
    )
    result = found(lint, text, "LL304")
    assert [line for line, _ in result] == [1, 2]
    assert "did you mean 'NeurIPS'" in result[0][1] and "extra-venues" in result[1][1]


def test_venue_at_the_end_of_an_entry_without_tags(lint: Lint) -> None:
    text = (
        "- [MoE](https://m.example/1): Advancing Mixture-of-Experts ICML' 2022.\n"
        "- [Go](https://g.example/2) - A library for Go 1.21.\n"
        "- [Old](https://o.example/3): Something from 2019\n"
        "- [Paper](https://p.example/4): We beat ACL 2023 baselines by far\n"
    )
    rules = {"venue-year-style": {"year-style": "apostrophe-space"}}
    result = lint(text, select=["LL302"], rules=rules)
    assert [(d.line, d.column) for d in result] == [(1, 64)]
    assert fix_all(text, "LL302", rules=rules).startswith(
        "- [MoE](https://m.example/1): Advancing Mixture-of-Experts ICML' 22.\n"
    )
