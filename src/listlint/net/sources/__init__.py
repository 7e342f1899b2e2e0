"""Built-in metadata sources (see :mod:`listlint.gather.sources` for the contract)."""
