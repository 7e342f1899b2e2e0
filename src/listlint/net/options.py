"""Config keys of the network subsystem (no heavy imports here)."""

from __future__ import annotations

from listlint.options import Option

NETWORK_OPTIONS: tuple[Option, ...] = ()
