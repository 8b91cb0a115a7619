"""`morph run` from the command line (release build): its exit status when a cell fails,
--allow-errors, --timeout, a malformed -p, and the figure files --figures writes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat

RUN_TIMEOUT = 300  # seconds: a bound against hangs, not a speed requirement


def morph() -> str:
    binary = os.environ.get("MORPH_BIN")
    assert binary, "MORPH_BIN names the morph binary under test (the Makefile sets it)"
    return binary


def notebook(directory: Path, *sources: str, name: str = "nb.ipynb", parameters: str | None = None) -> Path:
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.insert(0, cell)
    path = directory / name
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def run(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([morph(), "run", *args], capture_output=True, text=True, cwd=directory,
                          timeout=RUN_TIMEOUT)


def outputs(cell) -> list:
    return list(cell.get("outputs", []))


def streamed(cell) -> str:
    return "".join(o.get("text", "") for o in outputs(cell) if o.get("output_type") == "stream")


def test_an_error_cell_makes_the_exit_status_nonzero_and_stops_the_run(tmp_path: Path) -> None:
    src = notebook(tmp_path, 'print("before")', "undefinedThing + 1", 'print("after")')
    proc = run(tmp_path, str(src), "--output", "out")
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    assert "NameError" in proc.stderr, proc.stderr[-3000:]
    done = nbformat.read(tmp_path / "out" / "nb.ipynb", as_version=4)  # written even so
    assert streamed(done.cells[0]) == "before\n"
    errors = [o for o in outputs(done.cells[1]) if o.get("output_type") == "error"]
    assert [e["ename"] for e in errors] == ["NameError"], outputs(done.cells[1])
    assert outputs(done.cells[2]) == [], "a cell after the failed one ran"


def test_allow_errors_runs_on_and_exits_zero(tmp_path: Path) -> None:
    first = notebook(tmp_path, 'print("one")', "undefinedThing", 'print("two")', name="first.ipynb")
    second = notebook(tmp_path, 'print("second notebook")', name="second.ipynb")
    proc = run(tmp_path, str(first), str(second), "--output", "out", "--allow-errors")
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    done = nbformat.read(tmp_path / "out" / "first.ipynb", as_version=4)
    assert [o["ename"] for o in outputs(done.cells[1]) if o.get("output_type") == "error"] == ["NameError"]
    assert streamed(done.cells[2]) == "two\n"
    assert streamed(nbformat.read(tmp_path / "out" / "second.ipynb", as_version=4).cells[0]) == "second notebook\n"
    # Without the flag, the first notebook's error stops the run before the second.
    (tmp_path / "out" / "second.ipynb").unlink()
    proc = run(tmp_path, str(first), str(second), "--output", "out")
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert not (tmp_path / "out" / "second.ipynb").exists()


def test_timeout_interrupts_a_long_cell_keeps_state_and_fails_the_run(tmp_path: Path) -> None:
    src = notebook(
        tmp_path,
        "var s = 0\nlet kept = 7",
        "for i in 0..<100000000000 { s = s + 1 }",
        'print("not reached")',
    )
    proc = run(tmp_path, str(src), "--output", "out", "--timeout", "1")
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    done = nbformat.read(tmp_path / "out" / "nb.ipynb", as_version=4)
    errors = [o for o in outputs(done.cells[1]) if o.get("output_type") == "error"]
    assert len(errors) == 1, outputs(done.cells[1])
    assert "timeout" in errors[0]["evalue"], errors[0]
    assert outputs(done.cells[2]) == []
    # With --allow-errors the next cell runs, in the same session.
    src = notebook(tmp_path, "var s = 0\nlet kept = 7", "for i in 0..<100000000000 { s = s + 1 }",
                   "print(kept)", name="again.ipynb")
    proc = run(tmp_path, str(src), "--output", "out", "--timeout", "1", "--allow-errors")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert streamed(nbformat.read(tmp_path / "out" / "again.ipynb", as_version=4).cells[2]) == "7\n"


def test_bad_parameters_and_timeouts_are_refused_before_anything_runs(tmp_path: Path) -> None:
    src = notebook(tmp_path, 'export("ran", to: "marker.txt")', parameters="let epochs = 1")
    for args in (["-p", "epochs"], ["-p", "1x=3"], ["-p", "epochs=3 4"], ["-p", "epochs=[1,"],
                 ["--timeout", "0"], ["--timeout", "-2"]):
        proc = run(tmp_path, str(src), "--output", "out", "--figures", "figs", *args)
        assert proc.returncode != 0, f"{args}: exit 0\n{proc.stderr}"
        assert "Error" in proc.stderr or "error" in proc.stderr, f"{args}: {proc.stderr}"
        assert not (tmp_path / "out" / "nb.ipynb").exists(), f"{args}: the notebook ran"
        assert not (tmp_path / "figs" / "marker.txt").exists(), f"{args}: the notebook ran"
    assert "epochs" in run(tmp_path, str(src), "-p", "epochs").stderr
    # A good one replaces the parameters cell's value.
    proc = run(tmp_path, str(src), "--output", "out", "-p", "epochs=3")
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_figures_are_written_under_stable_names(tmp_path: Path) -> None:
    src = notebook(
        tmp_path,
        'let data = dataset("synthetic", train: 64, test: 16)',
        'print("no figure here")',
        "interpolate(AutoEncoder(latent: 2), from: data.test[0], to: data.test[1], steps: 4)",
        name="figs.ipynb",
    )
    proc = run(tmp_path, str(src), "--output", "out", "--figures", "figures")
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    done = nbformat.read(tmp_path / "out" / "figs.ipynb", as_version=4)
    expected = set()
    for number, cell in enumerate(done.cells, start=1):
        k = 0
        for output in outputs(cell):
            data = output.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                k += 1
                for mime, ext in (("image/png", "png"), ("image/svg+xml", "svg")):
                    if mime in data:
                        expected.add(f"figs-cell{number:02d}-{k}.{ext}")
    written = {p.name for p in (tmp_path / "figures").iterdir() if p.suffix in (".png", ".svg")}
    assert expected, f"the notebook produced no figure: {[outputs(c) for c in done.cells]}"
    assert "figs-cell03-1.png" in expected, sorted(expected)
    assert written == expected, f"written {sorted(written)}, expected {sorted(expected)}"
    png = (tmp_path / "figures" / "figs-cell03-1.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 100
    assert "figures" in proc.stderr
