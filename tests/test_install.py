"""Installs are reproducible: the venv holds exactly the lock, and no dependency's private API is used."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def pins(lines: list[str]) -> dict[str, str]:
    """name -> version of ``name==version`` lines; names normalised as PEP 503 does, local
    versions (``+cpu``) dropped, since ``torch==2.13.0`` is how the lock asks for the CPU wheel."""
    out: dict[str, str] = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            out[re.sub(r"[-_.]+", "-", name).lower()] = version.split("+")[0]
    return out


def test_the_lock_pins_every_package_once() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    locked = pins(lines)
    assert len(locked) == len([x for x in lines if x.strip() and not x.startswith("#")])
    assert locked["torch"] == "2.13.0"
    for needed in ("transformers", "sentence-transformers", "gradio", "llama-index-core", "pip"):
        assert needed in locked, needed


def test_the_venv_holds_exactly_the_locked_versions() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    installed = pins([line for line in frozen if "==" in line])
    locked = pins(LOCK.read_text(encoding="utf-8").splitlines())
    differ = {
        name: (locked.get(name), installed.get(name))
        for name in locked.keys() | installed.keys()
        if locked.get(name) != installed.get(name)
    }
    assert differ == {}, "(lock, venv); run make install, or make lock after changing pyproject"


def test_no_private_function_of_a_dependency_is_called() -> None:
    """``x._name`` on anything but self/cls, or ``from dep import _name``: a dependency's
    private API, whose signature may change in any release (as transformers' did)."""
    found = []
    for path in sorted([*(ROOT / "qa").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and re.fullmatch(r"_[a-z]\w*", node.attr):
                base = ast.unparse(node.value)
                # the standard library documents some such names as public (os._exit)
                if base not in {"self", "cls"} and base not in sys.stdlib_module_names:
                    found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith(
                ("qa", "ui")
            ):
                found += [
                    f"{path.name}:{node.lineno} {a.name}"
                    for a in node.names
                    if re.fullmatch(r"_[a-z]\w*", a.name)
                ]
    assert found == []
