"""listlint in CI: the GitHub Action's entry point, job summaries, step outputs."""
