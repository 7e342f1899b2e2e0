"""The subcommands of ``listlint``, one module each."""
