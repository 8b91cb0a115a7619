"""Every article notebook in notebooks/ runs with small parameters under `morph run`,
`jupyter nbconvert --execute`, nbclient and papermill: no error output, and PNG and
table outputs present."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from morphtest import KERNEL_NAME
from notebooks_small import (
    article_notebooks, papermill_parameters, small_overrides, unknown_builtins, with_small_parameters,
)

NOTEBOOKS = article_notebooks()
CELL_TIMEOUT = 600


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def check_outputs(nb: nbformat.NotebookNode, where: str) -> None:
    outs = outputs(nb)
    errors = [o for o in outs if o.get("output_type") == "error"]
    assert not errors, f"{where}: error outputs: " + "; ".join(
        f"{e.get('ename')}: {e.get('evalue')}" for e in errors)
    pngs = [o for o in outs if "image/png" in o.get("data", {})]
    tables = [o for o in outs if "<table" in str(o.get("data", {}).get("text/html", ""))]
    assert pngs, f"{where}: no image/png output"
    assert tables, f"{where}: no table (text/html) output"
    nbformat.validate(nb)


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/*.ipynb in this checkout yet")


@pytest.fixture(autouse=True)
def builtins_present(request: pytest.FixtureRequest, builtin_known) -> None:
    """Fails early, naming them, when a notebook calls functions the kernel does not know."""
    path = request.node.callspec.params["path"]
    missing = unknown_builtins(path, builtin_known)
    if missing:
        pytest.fail(f"{path.name} calls functions this build lacks: {', '.join(missing)}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_morph_run(path: Path, tmp_path: Path) -> None:
    morph = os.environ.get("MORPH_BIN") or "morph"
    params = [a for k, v in small_overrides(nbformat.read(path, as_version=4)).items() for a in ("-p", f"{k}={v}")]
    proc = subprocess.run(
        [morph, "run", str(path), "--output", str(tmp_path / "out"), "--figures", str(tmp_path / "fig"), *params],
        capture_output=True, text=True, timeout=CELL_TIMEOUT * 2,
    )
    assert proc.returncode == 0, f"morph run failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    executed = tmp_path / "out" / path.name
    assert executed.exists(), f"no {executed}; out/ has {list((tmp_path / 'out').iterdir())}"
    check_outputs(nbformat.read(executed, as_version=4), f"morph run {path.name}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_nbconvert(path: Path, tmp_path: Path) -> None:
    src = tmp_path / path.name
    nbformat.write(with_small_parameters(path), src)
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}", f"--ExecutePreprocessor.kernel_name={KERNEL_NAME}",
         "--output", "executed.ipynb", str(src)],
        cwd=tmp_path, capture_output=True, text=True, timeout=CELL_TIMEOUT * 2,
    )
    assert proc.returncode == 0, f"nbconvert failed:\n{proc.stderr[-4000:]}"
    check_outputs(nbformat.read(tmp_path / "executed.ipynb", as_version=4), f"nbconvert {path.name}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_nbclient(path: Path, tmp_path: Path) -> None:
    nb = with_small_parameters(path)
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    check_outputs(nb, f"nbclient {path.name}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_papermill(path: Path, tmp_path: Path) -> None:
    import papermill

    out = tmp_path / path.name
    papermill.execute_notebook(
        str(path), str(out), parameters=papermill_parameters(path), kernel_name=KERNEL_NAME,
        cwd=str(tmp_path), execution_timeout=CELL_TIMEOUT, progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    if papermill_parameters(path):
        assert injected, "papermill injected no parameters cell"
        assert "let " in injected[0].source, f"injected cell is not MorphScript: {injected[0].source!r}"
    check_outputs(nb, f"papermill {path.name}")
