"""The network: HTTP engine, cache and API clients (imported only with --online)."""
