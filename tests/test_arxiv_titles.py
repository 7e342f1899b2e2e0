"""Title comparison for the arXiv rules (no network)."""

from __future__ import annotations

import pytest

from listlint.net.arxiv_titles import StatedTitle, judge_title, normalize_title

DISTSERVE = (
    "DistServe: Disaggregating Prefill and Decoding for Goodput-optimized Large Language Model Serving"
)


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("DistServe: Disaggregating Prefill", "distserve disaggregating prefill"),
        ("D\u00e9j\u00e0Vu: KV\u2013cache Streaming", "dejavu kv cache streaming"),
        ("The Hitchhiker\u2019s Guide", "the hitchhikers guide"),
        ("$\\alpha$-Fold: \\emph{Fast} {BERT}", "alpha fold fast bert"),
        ("\u03b1-Fold", "alpha fold"),
        ("\uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48 ZeRO++", "fullwidth zero"),
        ("A \\& B 100\\%", "a b 100"),
    ],
)
def test_normalize(written: str, normalized: str) -> None:
    assert normalize_title(written) == normalized


def stated(name: str, description: str = "", *, colon: bool = True) -> StatedTitle:
    title = f"{name}: {description}" if colon and description else name
    return StatedTitle(name=name, title=title, description=description)


@pytest.mark.parametrize(
    ("entry", "actual", "kind"),
    [
        # The same title, written differently.
        (
            stated(
                "DistServe",
                "Disaggregating Prefill and Decoding for Goodput-Optimized Large Language Model Serving.",
            ),
            DISTSERVE,
            "match",
        ),
        (
            stated("Ring Attention", "with Blockwise Transformers for Near-Infinite Context", colon=False),
            "Ring Attention with Blockwise Transformers for Near-Infinite Context",
            "match",
        ),
        (
            stated("The Llama 3 Herd of Models", "(Section 3)", colon=False),
            "The Llama 3 Herd of Models",
            "match",
        ),
        (
            stated("Full Stack Optimization of Transformer Inference"),
            "Full Stack Optimization of Transformer Inference: a Survey",
            "match",
        ),
        (
            stated("FlexGen"),
            "FlexGen: High-Throughput Generative Inference of Large Language Models",
            "match",
        ),
        (stated("OPT-1.3|6.7|13|30|66B"), "OPT: Open Pre-trained Transformer Language Models", "match"),
        # The same paper, worth an info finding.
        (
            stated(
                "SkipDecode",
                "Autoregressive Skip Decoding with Batching and Caching for Efficient LLM Inferencex",
            ),
            "SkipDecode: Autoregressive Skip Decoding with Batching and Caching for Efficient LLM Inference",
            "typo",
        ),
        (
            stated("FlexGenn"),
            "FlexGen: High-Throughput Generative Inference of Large Language Models",
            "typo",
        ),
        (
            stated("Helix", "Distributed Serving"),
            "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs",
            "shortened",
        ),
        (
            stated(
                "DeepSpeed-MoE",
                "Advancing Mixture-of-Experts Inference and Training to Power "
                "Next-Generation AI Scale ICML' 2022 (Oral) with extras",
            ),
            "DeepSpeed-MoE: Advancing Mixture-of-Experts Inference and Training to Power Next-Generation "
            "AI Scale",
            "extended",
        ),
        (
            stated(
                "Helix", "Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs"
            ),
            "Helix: Serving Large Language Models over Heterogeneous GPUs and Network via Max-Flow",
            "subtitle",
        ),
        (
            stated("AQUA", "Network-Accelerated Memory Offloading for LLMs in Scale-Up GPU Domains"),
            "Responsive ML inference in multi-tenanted environments using AQUA",
            "renamed",
        ),
        (
            stated("APIServe", "Efficient API Support for Large-Language Model Inferencing"),
            "InferCept: Efficient Intercept Support for Augmented Large Language Model Inference",
            "related",
        ),
        # Not the same paper (or no way to tell).
        (
            stated("Alpa"),
            "AlpaServe: Statistical Multiplexing with Model Parallelism for Deep Learning Serving",
            "name-missing",
        ),
        (
            stated("S3"),
            "SpotServe: Serving Generative Large Language Models on Preemptible Instances",
            "name-missing",
        ),
        (
            stated("SARATHI", "Efficient LLM Inference by Piggybacking Decodes with Chunked Prefills"),
            DISTSERVE,
            "mismatch",
        ),
        (
            stated("Efficient Memory Management for Large Language Model Serving with PagedAttention"),
            DISTSERVE,
            "mismatch",
        ),
    ],
)
def test_judge_title(entry: StatedTitle, actual: str, kind: str) -> None:
    assert judge_title(entry, actual).kind == kind


def test_typo_threshold_separates_typos_from_other_papers_of_one_list() -> None:
    # The closest pair of different papers in the seed list stays below the typo threshold.
    first = stated("Efficient Large Language Models", "A Survey", colon=True)
    second = "Beyond Efficiency: A Systematic Survey of Resource-Efficient Large Language Models"
    assert judge_title(first, second).kind in ("mismatch", "related")
