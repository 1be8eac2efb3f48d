"""Layering rules checked in fresh interpreters, so earlier imports cannot hide a violation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tsc_console"
NON_UI_PACKAGES = ["domain", "store", "services", "importers", "commands"]


def modules_of(package: str) -> list[str]:
    root = PACKAGE / package
    names = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        names.append(".".join(part for part in relative.parts if part != "__init__"))
    return names


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(output.split())


@pytest.mark.parametrize("package", NON_UI_PACKAGES)
def test_layer_never_imports_textual(package: str) -> None:
    loaded = loaded_after_import(modules_of(package))
    assert "textual" not in loaded


def test_domain_imports_no_database() -> None:
    loaded = loaded_after_import(modules_of("domain"))
    assert "sqlalchemy" not in loaded
    assert "sqlmodel" not in loaded


def test_console_module_defers_database_imports() -> None:
    # The first frame must not wait for SQLAlchemy; the search worker imports it.
    loaded = loaded_after_import(["tsc_console.tui.app"])
    assert "sqlalchemy" not in loaded
    assert "sqlmodel" not in loaded


def test_cli_module_defers_database_imports() -> None:
    loaded = loaded_after_import(["tsc_console.cli"])
    assert "sqlalchemy" not in loaded
