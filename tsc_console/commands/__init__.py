"""Typer sub-commands of `tsc-console`."""
