"""The article notebooks (notebooks/*.ipynb) with small parameters, for tests: the cell
tagged `parameters` is followed by an injected cell that overrides its sizes, as papermill
does."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"

# Small values for the parameter names the notebooks use; names not listed keep their defaults.
SMALL = {
    "trainSize": 512,
    "testSize": 128,
    "epochs": 1,
    "latent": 4,
    "steps": 6,
    "pathSteps": 8,
    "points": 8,
}

LET = re.compile(r"^\s*(?:let|var)\s+([A-Za-z_]\w*)\s*=", re.MULTILINE)


def article_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def parameter_names(nb: nbformat.NotebookNode) -> list[str]:
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return LET.findall(cell.source)
    return []


def small_overrides(nb: nbformat.NotebookNode) -> dict[str, object]:
    return {name: SMALL[name] for name in parameter_names(nb) if name in SMALL}


def with_small_parameters(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` with an injected cell after its parameters cell."""
    nb = nbformat.read(path, as_version=4)
    overrides = small_overrides(nb)
    if not overrides:
        return nb
    source = "\n".join(f"let {k} = {v}" for k, v in overrides.items())
    injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            nb.cells.insert(i + 1, injected)
            break
    return nb


def papermill_parameters(path: Path) -> dict[str, object]:
    return small_overrides(nbformat.read(path, as_version=4))


CALL = re.compile(r"(?<![.\w])([A-Za-z_]\w*)\s*\(")
KEYWORDS = {"if", "for", "while", "in", "return", "let", "var", "else"}


def called_functions(path: Path) -> set[str]:
    """Names the notebook's code cells call as free functions (builtins, constructors)."""
    nb = nbformat.read(path, as_version=4)
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = re.sub(r'"(?:\\.|[^"\\])*"', '""', cell.source)  # not inside strings
            source = re.sub(r"//[^\n]*", "", source)
            names.update(CALL.findall(source))
    return names - KEYWORDS


def unknown_builtins(path: Path, known) -> list[str]:
    """The functions `path` calls that `known(name)` says this build does not have."""
    return sorted(n for n in called_functions(path) if not known(n))
