"""Use cases: one transaction per user action. The TUI and the CLI call these only."""
