"""A real browser: JupyterLab from the test venv and Debian's headless Chromium (selenium)
open the tour notebook with the Morph kernel, Run All Cells, and the page shows a PNG,
a table and a plot, no error, and an idle kernel. A screenshot is saved."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from browser import JupyterLab, chrome, open_and_run_all
from morphtest import KERNEL_NAME
from notebooks_small import NOTEBOOKS, REPO, unknown_builtins, with_small_parameters

TOUR = NOTEBOOKS / "01-tour.ipynb"
ARTIFACTS = Path(os.environ.get("MORPH_TEST_ARTIFACTS", REPO / "out" / "test-artifacts"))


@pytest.fixture
def driver():
    d = chrome()
    try:
        yield d
    finally:
        d.quit()


@pytest.mark.skipif(not TOUR.exists(), reason=f"{TOUR} not in this checkout yet")
def test_tour_runs_in_jupyterlab(lab: JupyterLab, driver, builtin_known) -> None:
    missing = unknown_builtins(TOUR, builtin_known)
    if missing:
        pytest.fail(f"{TOUR.name} calls functions this build lacks: {', '.join(missing)}")
    nb = with_small_parameters(TOUR)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Morph", "language": "morph"}
    nbformat.write(nb, lab.root / "tour.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "jupyterlab-tour.png"
    try:
        state = open_and_run_all(driver, lab, "tour.ipynb", timeout=600)
    finally:
        driver.save_screenshot(str(shot))
    summary = f"{state}\nscreenshot: {shot}\n{lab.log_tail(1500)}"
    assert state["kernel"] == "idle", summary
    assert state["errors"] == 0, summary
    assert state["png"] >= 1, "no PNG rendered\n" + summary
    assert state["tables"] >= 1, "no table rendered\n" + summary
    assert state["svg"] + state["vega"] >= 1, "no plot rendered\n" + summary


def test_small_notebook_runs_in_jupyterlab(lab: JupyterLab, driver) -> None:
    """The browser path with today's core builtins: every cell runs, outputs render."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Morph", "language": "morph"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in (
        'print("hello from Morph")',
        "let a = 6\nlet b = 7",
        "a * b",
        'show("shown mid-cell")\n[1, 2, 3].count',
        "help()",
    )]
    nbformat.write(nb, lab.root / "small.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "jupyterlab-small.png"
    try:
        state = open_and_run_all(driver, lab, "small.ipynb", timeout=120)
    finally:
        driver.save_screenshot(str(shot))
    summary = f"{state}\nscreenshot: {shot}"
    assert state["kernel"] == "idle" and state["errors"] == 0, summary
    assert state["prompts"] == [f"[{i}]:" for i in range(1, 6)], summary
    text = "\n".join(state["text"])
    for expected in ("hello from Morph", "42", "shown mid-cell", "3"):
        assert expected in text, f"{expected!r} not rendered\n{summary}"
    assert state["markdown"] >= 1, "help() should render as Markdown\n" + summary
