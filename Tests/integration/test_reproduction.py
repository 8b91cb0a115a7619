"""The article's claim, small but real, through `morph run` (release build): on the 2-class
Fashion-MNIST subset (T-shirt/top vs Trouser) with a fixed seed and step budget,
AutoEncoderBakeOff and ConvAutoEncoder reach an L2 recover loss at least 30 % below the shallow
AutoEncoder's (PyTorch after 10 full epochs: 7.99 and 7.57 vs 15.32), and PCA, fitted in closed
form, is finite and, at the default budget, below the shallow AutoEncoder (the best linear map
beats a shallow decoder this little trained; PyTorch after 10 epochs: 9.38 vs 15.32; on every
class with the full budget it sits just above it, 16.03 vs 13.91, so there only finiteness is
checked).

MORPH_REPRODUCTION_BUDGET="train test epochs batchSize" changes the budget (default
"4000 1000 5 64"); MORPH_REPRODUCTION_CLASSES=all uses every class. The README's full-set row:
MORPH_REPRODUCTION_CLASSES=all MORPH_REPRODUCTION_BUDGET="60000 10000 10 128" make integration PYTEST_ARGS="-k reproduction -s"
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

DEFAULT_BUDGET = "4000 1000 5 64"
FASHION = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")


@pytest.mark.skipif(not FASHION.exists(), reason="needs Debian's dataset-fashion-mnist (scripts/install-deps.sh installs it)")
def test_deep_and_convolutional_models_beat_the_shallow_one(tmp_path: Path) -> None:
    budget = os.environ.get("MORPH_REPRODUCTION_BUDGET", DEFAULT_BUDGET)
    is_default = budget == DEFAULT_BUDGET and os.environ.get("MORPH_REPRODUCTION_CLASSES") != "all"
    train, test, epochs, batch = (int(v) for v in budget.split())
    classes = "" if os.environ.get("MORPH_REPRODUCTION_CLASSES") == "all" else "classes: [0, 1], "
    cells = [
        f'let data = dataset("fashion-mnist", {classes}train: {train}, test: {test})',
        "\n".join(
            f"let h{name} = train({name.lower()}, on: data, epochs: {epochs}, batchSize: {batch}, seed: 0)"
            for name in ("Shallow", "Bakeoff", "Conv")
        ),
        "train(pca, on: data)\nlosses([pca, shallow, bakeoff, conv], on: data.test)",
        'print("[" + String(hShallow.testLoss[epochs - 1]) + ", " + String(hBakeoff.testLoss[epochs - 1]) + ", " '
        '+ String(hConv.testLoss[epochs - 1]) + "]")',
    ]
    cells.insert(1, "let epochs = %d\nlet shallow = AutoEncoder(latent: 16)\nlet bakeoff = AutoEncoderBakeOff(latent: 16)\n"
                 "let conv = ConvAutoEncoder(latent: 16)\nlet pca = PCA(latent: 16)" % epochs)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    src = tmp_path / "reproduction.ipynb"
    nbformat.write(nb, src)
    morph = os.environ.get("MORPH_BIN") or "morph"
    proc = subprocess.run([morph, "run", str(src), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, f"morph run failed:\n{proc.stderr[-4000:]}"
    executed = nbformat.read(tmp_path / "out" / src.name, as_version=4)
    table = "".join(executed.cells[3].outputs[-1]["data"]["text/plain"])
    printed = "".join(o.get("text", "") for o in executed.cells[4].outputs if o.get("output_type") == "stream")
    shallow, bakeoff, conv = json.loads(printed)
    pca = table_loss(table, "PCA")
    print(table, f"\nL2 recover loss: PCA {pca}, AutoEncoder {shallow}, AutoEncoderBakeOff {bakeoff}, "
          f"ConvAutoEncoder {conv}")
    assert all(math.isfinite(v) for v in (pca, shallow, bakeoff, conv)), table
    assert bakeoff <= 0.7 * shallow, f"BakeOff {bakeoff} is not 30 % below AutoEncoder {shallow}\n{table}"
    assert conv <= 0.7 * shallow, f"Conv {conv} is not 30 % below AutoEncoder {shallow}\n{table}"
    assert pca > 0, table
    if is_default:  # on every class with the full budget PCA sits just above it instead (16.03 vs 13.91)
        assert pca < shallow, f"PCA {pca} is not below AutoEncoder {shallow}\n{table}"


def table_loss(table: str, model: str) -> float:
    """The L2 recover loss column of `model`'s row in the text form of a `losses` table."""
    header = next((line for line in table.splitlines() if "L2 recover loss" in line), "")
    assert header.split()[:4] == ["model", "parameters", "L2", "recover"], f"unexpected columns:\n{table}"
    for line in table.splitlines():
        cells = line.split()
        if cells and cells[0] == model:
            return float(cells[2])  # model, parameters, L2 recover loss, …
    raise AssertionError(f"no {model} row in the losses table:\n{table}")
