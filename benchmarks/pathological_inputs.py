"""Pathological Markdown: time the whole offline pipeline on 40+ adversarial shapes.

    python3 benchmarks/pathological_inputs.py 10000            # N repetitions of each shape
    python3 benchmarks/pathological_inputs.py 20000 html_tags  # only some shapes
    python3 benchmarks/pathological_inputs.py --files DIR      # write the scale cases (issue 16)

The scale cases are whole files within max-file-size, to be measured one
process each (peak memory is the point):

    for f in DIR/*.md; do /usr/bin/time -v python3 -m listlint check --exit-zero \
        --output-format concise $f 2>&1 >/dev/null | grep -E 'Elapsed|Maximum resident'; done
    cp DIR/trailing_50k.md /tmp/t.md && /usr/bin/time -v python3 -m listlint check --fix /tmp/t.md

Each finishes in time and memory linear in the file and under 400 MB, or is
refused before parsing with exit code 2 (the parse-cost budget in source.py).

A shape whose time grows faster than N (compare two N) is quadratic somewhere.
Issue 7 found and fixed: unclosed "<a href='x'" (html.parser rescans; 33 s at
N=10,000 -> 0.09 s), unclosed "<!--" (6 s -> 0.01 s), 10,000 malformed links
on one line (15 s -> 0.6 s), a 1 MB line of links (22 s -> 3 s), long tables
(slice per row).  Still superlinear inside markdown-it-py: "![" * N nesting
(link-label scan), nested emphasis.
"""

import sys
import time

from listlint.pipeline import lint_text


def scale_cases() -> dict[str, str]:
    """Issue 16's blow-ups, each a file within max-file-size (5 MB)."""
    return {
        "anchors_20k": "".join(f"## Heading number {i}\n\n" for i in range(20_000))
        + "".join(f"- [x](#heding-nmber-{i}x)\n" for i in range(20_000)),
        "cr_only_1m": "a\r" * 1_000_000,
        "emphasis_paragraph": "*a **a _b " * 400_000,
        "emphasis_item": "- " + "*a **a _b " * 100_000 + "\n",
        "short_lines_4_8mb": "a\n" * 2_400_000,
        "items_100k": "- a\n" * 100_000,
        "links_100k": "".join(f"- [a{i}](https://e.com/{i})\n" for i in range(100_000)),
        "trailing_50k": "# T\n\n" + "".join(f"- [a{i}](https://e.com/{i}) \n" for i in range(50_000)),
    }


if len(sys.argv) > 2 and sys.argv[1] == "--files":
    from pathlib import Path

    folder = Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in scale_cases().items():
        (folder / f"{name}.md").write_bytes(text.encode())
        print(f"{name:22s} {len(text):>10,} bytes")
    sys.exit(0)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
cases = {
    "nested_strong": "*a **a " * N + "b" + " a** a*" * N,
    "emph_closers": "a* " * N,
    "link_closers": "a]" * N,
    "link_openers_emph_closers": "[ a_" * N,
    "mismatched": "*a_ " * N,
    "link_openers": "[a" * N,
    "nested_brackets": "[" * N + "a" + "]" * N,
    "nested_parens_url": "[a](" + "(" * N + "b" + ")" * N + ")",
    "backticks": "".join("e" + "`" * i for i in range(1, 300)),
    "unclosed_angle": "[a](<b" * N,
    "html_comments": "<!--" * N,
    "html_tags": "<a href='x'" * N,
    "html_a_tags": "<a href='http://x'>" * N,
    "processing": "<?" * N,
    "cdata": "<![CDATA[" * N,
    "ref_defs": "".join(f"[r{i}]: http://e.com/{i}\n" for i in range(N))
    + "".join(f"- [x][r{i}]\n" for i in range(N)),
    "reversed": "(a)[https://e.com]" * N,
    "spaced": "[a] (https://e.com)" * N,
    "unclosed_paren": "- [a](https://e.com " * N,
    "missing_bracket": "[a(https://e.com)" * N,
    "pipes_table": "| a | b |\n|---|---|\n" + "| [x](https://e.com/1) | y |\n" * N,
    "wide_table": "|" + "a|" * N + "\n|" + "-|" * N + "\n|" + "[x](https://e.com)|" * N + "\n",
    "fullwidth_bars": "- [a](https://e.com) " + "｜" * N,
    "separators": "- [a](https://e.com)" + ": - " * N,
    "deep_list": "".join("  " * i + "- x\n" for i in range(N // 3)),
    "deep_quote": ">" * N + " x\n",
    "deep_mixed": "> - " * N + "x\n",
    "headings": "# h\n" * N,
    "same_headings_slug": "".join(f"## a-{i % 3}\n" for i in range(N)),
    "entity": "&#" * N,
    "escapes": "\\" * N,
    "autolinks": "<https://e.com/a>" * N,
    "bare_autolink_lt": "<" * N,
    "details": "<details>\n" + "- [x](https://e.com/a)\n" * N,
    "crlf_mess": "- [a](https://e.com)\r\r\n\n\r" * N,
    "tabs": "\t- [a](https://e.com)\t|\t\n" * N,
    "dup_links": "- [a](https://e.com/a)\n" * N,
    "link_text_nested_links": "[" * 200 + "[a](https://e.com)" + "](https://f.com)" * 200,
    "images": "![a](https://e.com/i.png)" * N,
    "fences": "```\n" * N,
    "html_block_unclosed": "<div>\n" + "text\n" * N,
    "strike": "~~a" * N,
}
only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
for name, text in cases.items():
    if only and name not in only:
        continue
    t = time.perf_counter()
    try:
        d = lint_text(text)
        r = f"{len(d)} diags"
    except Exception as e:
        r = f"EXC {type(e).__name__}: {str(e)[:100]}"
    el = time.perf_counter() - t
    print(f"{name:28s} {len(text):9d} chars {el:7.2f}s {r}", flush=True)
