"""Notebooks run by real Jupyter tools: `jupyter nbconvert --execute`, nbclient directly,
and a notebook with a deliberate error and a recovery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from morphtest import KERNEL_NAME


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Morph", "language": "morph"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


CROSS_CELL = (
    "let width = 20",
    "var total = width + 1",
    'print("total is \\(total)")',
    "total = total * 2\ntotal",
    'show("a display")',
)


def check_cross_cell(nb: nbformat.NotebookNode) -> None:
    cells = nb.cells
    assert all(c.execution_count == i + 1 for i, c in enumerate(cells)), [c.execution_count for c in cells]
    assert cells[0].outputs == [] and cells[1].outputs == []
    assert [o.output_type for o in cells[2].outputs] == ["stream"], cells[2].outputs
    assert cells[2].outputs[0].name == "stdout"
    assert cells[2].outputs[0].text == "total is 21\n"
    result = cells[3].outputs
    assert [o.output_type for o in result] == ["execute_result"], result
    assert result[0].data["text/plain"] == "42"
    assert [o.output_type for o in cells[4].outputs] == ["display_data"], cells[4].outputs
    assert "text/plain" in cells[4].outputs[0].data
    info = nb.metadata.get("language_info", {})
    assert info.get("name") == "morph", nb.metadata
    assert info.get("file_extension") == ".morph", nb.metadata
    nbformat.validate(nb)


def test_nbconvert_execute(tmp_path: Path) -> None:
    src = tmp_path / "cross.ipynb"
    nbformat.write(notebook(*CROSS_CELL), src)
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=60", "--output", "cross.out.ipynb", str(src)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, f"nbconvert failed:\n{proc.stdout}\n{proc.stderr}"
    check_cross_cell(nbformat.read(tmp_path / "cross.out.ipynb", as_version=4))


def test_nbclient_execute(tmp_path: Path) -> None:
    nb = notebook(*CROSS_CELL)
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60, resources={"metadata": {"path": str(tmp_path)}}).execute()
    check_cross_cell(nb)


ERROR_AND_RECOVERY = (
    "let x = 1",
    "let y = undefinedThing + x",
    "let y = x + 1\ny",
)


def test_error_cell_and_recovery_with_allow_errors(tmp_path: Path) -> None:
    nb = notebook(*ERROR_AND_RECOVERY)
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60, allow_errors=True).execute()
    err = nb.cells[1].outputs
    assert [o.output_type for o in err] == ["error"], err
    assert err[0].ename == "NameError", err[0]
    assert "undefinedThing" in err[0].evalue, err[0]
    assert err[0].traceback, "an error output should carry a traceback"
    rec = nb.cells[2].outputs
    assert [o.output_type for o in rec] == ["execute_result"], rec
    assert rec[0].data["text/plain"] == "2"


def test_error_cell_stops_the_run_without_allow_errors(tmp_path: Path) -> None:
    nb = notebook(*ERROR_AND_RECOVERY)
    with pytest.raises(CellExecutionError) as caught:
        NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60).execute()
    assert "NameError" in str(caught.value)
    assert nb.cells[2].outputs == []


def test_papermill_injects_morphscript_parameters(tmp_path: Path) -> None:
    """papermill runs a Morph notebook; its parameters arrive as MorphScript (papermill-morph)."""
    import papermill

    nb = notebook("let n = 1\nlet label = \"default\"", "n * 2", "print(label)")
    nb.cells[0].metadata["tags"] = ["parameters"]
    src, out = tmp_path / "params.ipynb", tmp_path / "params.out.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out), parameters={"n": 21, "label": 'say "hi"'},
                               kernel_name=KERNEL_NAME, progress_bar=False, execution_timeout=60)
    done = nbformat.read(out, as_version=4)
    injected = [c for c in done.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "let n = 21" in injected[0].source, injected
    results = [o for c in done.cells for o in c.get("outputs", []) if o.output_type == "execute_result"]
    assert results and results[0].data["text/plain"] == "42", results
    streams = [o.text for c in done.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert streams == ['say "hi"\n'], streams
