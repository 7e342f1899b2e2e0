"""Request counts of the scholarly sources on real paper lists, against fake APIs.

    python3 benchmarks/bench_scholarly.py                      # seed.md and llmsys-paperlist.md
    python3 benchmarks/bench_scholarly.py ../shared/corpora/applied-ml.md

Runs ``listlint check --online`` with only the scholarly rules selected
(DOI registry, Crossref, Semantic Scholar), every endpoint pointed at the fake
APIs of ``tests/fake_scholar.py`` on 127.0.0.1, then runs it again with the
warm cache.  Checks the targets:

- Semantic Scholar requests <= ceil(papers / 500);
- DOI handle requests = unique DOIs;
- Crossref requests <= ceil(DOIs / 50);
- the warm re-run makes 0 requests.

The fake knows every DOI and paper (answers with a placeholder record), so the
counts measure batching, not the fake's coverage.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from fake_scholar import FakeScholar, ScholarData, crossref_item, s2_record  # noqa: E402

from listlint.config import Settings  # noqa: E402
from listlint.document.model import Document  # noqa: E402
from listlint.net.sources.scholarly_ids import doi_in_url, is_arxiv_doi, paper_id  # noqa: E402
from listlint.pipeline import RunOptions, lint_paths, parse  # noqa: E402
from listlint.source import read_source  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_LISTS = [CORPORA / "seed.md", CORPORA / "llmsys-paperlist.md"]
RULES = ["LL711", "LL712", "LL713", "LL714", "LL715", "LL716", "LL718"]


def identities(document: Document) -> tuple[set[str], set[str]]:
    papers, dois = set(), set()
    for link in document.links:
        if not link.is_web:
            continue
        found = paper_id(link.url)
        if found:
            papers.add(found)
        doi = doi_in_url(link.url)
        if doi:
            dois.add(doi)
    return papers, dois


def fill(data: ScholarData, papers: set[str], dois: set[str]) -> None:
    for doi in dois:
        data.registered.add(doi)
        if not is_arxiv_doi(doi):
            data.crossref[doi] = crossref_item(
                doi, "A Paper", "Symposium on Operating Systems Principles", 2023
            )
    for key in papers:
        data.papers[key] = s2_record("A Paper", "Symposium on Operating Systems Principles", 2023)


def run(path: Path, url: str, cache_dir: str) -> Any:
    settings = Settings().with_values(
        select=RULES,
        **{
            "doi-resolver-url": url,
            "crossref-api-url": url,
            "semantic-scholar-api-url": f"{url}/graph/v1",
            "allow-private-hosts": True,
            "cache-dir": cache_dir,
        },
    )
    return lint_paths([str(path)], settings, RunOptions(online=True))


def measure(path: Path) -> bool:
    document = parse(read_source(str(path), max_bytes=0))
    papers, dois = identities(document)
    crossref_dois = {d for d in dois if not is_arxiv_doi(d)}
    data = ScholarData()
    fill(data, papers, dois)
    with tempfile.TemporaryDirectory() as cache, FakeScholar(data) as url:
        run(path, url, cache)
        cold = dict(data.requests)
        data.requests.clear()
        run(path, url, cache)
        warm = sum(data.requests.values())
    limits = {
        "batch": math.ceil(len(papers) / 500),
        "handles": len(dois),
        "works": math.ceil(len(crossref_dois) / 50),
    }
    ok = (
        cold.get("batch", 0) <= limits["batch"]
        and cold.get("handles", 0) == limits["handles"]
        and cold.get("works", 0) <= limits["works"]
        and warm == 0
    )
    print(f"{path.name}: {len(papers)} papers, {len(dois)} DOIs ({len(crossref_dois)} for Crossref)")
    print(f"  Semantic Scholar requests: {cold.get('batch', 0)} (target <= {limits['batch']})")
    print(f"  DOI handle requests:       {cold.get('handles', 0)} (target = {limits['handles']})")
    print(f"  Crossref requests:         {cold.get('works', 0)} (target <= {limits['works']})")
    print(f"  warm re-run requests:      {warm} (target 0)")
    print(f"  {'ok' if ok else 'TARGET MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lists", nargs="*", type=Path, default=DEFAULT_LISTS)
    args = parser.parse_args()
    lists = [p for p in args.lists if p.exists()]
    if not lists:
        print("no lists found (the corpora live in ../shared/corpora)")
        return 2
    return 0 if all([measure(path) for path in lists]) else 1


if __name__ == "__main__":
    sys.exit(main())
