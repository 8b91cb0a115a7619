"""Networks as values through a real kernel (jupyter_client): a fully convolutional autoencoder
and a custom MLP defined in cells train, give paths and strips, save and load with identical
outputs; a named model's definition pasted into a cell has identical weights; a wrong shape is
an error at the argument, with the kernel and its variables alive."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from morphtest import Kernel

SETUP = """
let data = dataset("fashion-mnist", train: 256, test: 32)
let fcn = AutoEncoder(
    encoder: Sequential([
        Conv2d(1, 8, kernel: 4, stride: 2, padding: 1), ReLU(),
        Conv2d(8, 8, kernel: 4, stride: 2, padding: 1), ReLU(),
        Conv2d(8, 1, kernel: 3, stride: 2, padding: 1),
    ]),
    decoder: Sequential([
        ConvTranspose2d(1, 8, kernel: 3, stride: 2, padding: 1), ReLU(),
        ConvTranspose2d(8, 8, kernel: 4, stride: 2, padding: 1), ReLU(),
        ConvTranspose2d(8, 1, kernel: 4, stride: 2, padding: 1), Sigmoid(),
    ]),
    seed: 2, name: "FCN"
)
let mlp = AutoEncoder(
    encoder: Sequential([Flatten(), Linear(784, 64), ReLU(), Linear(64, 8)]),
    decoder: Sequential([Linear(8, 64), ReLU(), Linear(64, 784), Sigmoid()]),
    name: "MLP"
)
"""


def ok(kernel: Kernel, code: str, timeout: float = 120):
    r = kernel.execute(code, timeout=timeout)
    assert r.status == "ok", r.describe()[:3000]
    return r


def png(result) -> bytes:
    bundles = [m["content"]["data"] for m in result.of_type("execute_result") + result.of_type("display_data")]
    images = [b["image/png"] for b in bundles if "image/png" in b]
    assert images, result.describe()[:2000]
    return base64.b64decode(images[-1])


def test_composed_models_train_analyse_save_and_load(kernel: Kernel, tmp_path: Path) -> None:
    ok(kernel, SETUP)
    assert ok(kernel, "fcn.latent").text == "16"
    summary = ok(kernel, "fcn")
    assert "Conv2d(8, 1, kernel: 3, stride: 2, padding: 1)" in summary.text
    assert "[1, 4, 4]" in summary.text
    for model in ["fcn", "mlp"]:
        ok(kernel, f"train({model}, on: data, epochs: 1, batchSize: 64)")
        strip = png(ok(kernel, f"interpolate({model}, from: data.test[0], to: data.test[1], steps: 6)"))
        assert strip.startswith(b"\x89PNG")
        norms = ok(kernel, f"path({model}, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms").text
        ok(kernel, f'save({model}, to: "{model}.morph")\nlet again_{model} = load("{model}.morph")')
        again = ok(kernel, f"path(again_{model}, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms").text
        assert again == norms
        assert ok(kernel, f"again_{model}.name").text == ok(kernel, f"{model}.name").text
        loss = ok(kernel, f"losses([{model}, again_{model}], on: data.test)").text
        assert loss.count(f'"{model.upper()}"') == 0  # names are shown as text, not quoted literals
    assert (tmp_path / "fcn.morph").exists()


def test_a_pasted_definition_rebuilds_identical_weights(kernel: Kernel, tmp_path: Path) -> None:
    ok(kernel, "let conv = ConvAutoEncoder(latent: 16, seed: 4)\nlet text = definition(conv)")
    printed = ok(kernel, "print(text)").stream()
    assert printed.startswith("AutoEncoder(\n    encoder: Sequential([\n        Conv2d(1, 32, kernel: 4, stride: 2, padding: 1),")
    assert "seed: 4" in printed and 'name: "ConvAutoEncoder"' in printed
    ok(kernel, "let pasted = " + printed)
    ok(kernel, 'exportWeights(conv, to: "a.npz")\nexportWeights(pasted, to: "b.npz")')
    a = hashlib.sha256((tmp_path / "a.npz").read_bytes()).hexdigest()
    b = hashlib.sha256((tmp_path / "b.npz").read_bytes()).hexdigest()
    assert a == b


def test_a_wrong_shape_is_an_error_at_the_argument_and_keeps_the_session(kernel: Kernel) -> None:
    pid = kernel.km.provisioner.pid if kernel.km.provisioner else None
    ok(kernel, "let kept = 41")
    code = (
        "let e = Sequential([Conv2d(1, 32, kernel: 4, stride: 2, padding: 1), ReLU(), "
        "Conv2d(32, 64, kernel: 4, stride: 2, padding: 1), Conv2d(64, 64, kernel: 3, stride: 2, padding: 1)])\n"
        "let m = AutoEncoder(encoder: e, decoder: Sequential([ReLU(), Flatten(), Linear(1568, 256)]))"
    )
    r = kernel.execute(code)
    assert r.status == "error"
    assert r.content["ename"] == "ShapeError"
    assert "Linear(1568, 256) at decoder[2] expects 1568 values per sample, but Flatten() gives 1024 (64×4×4)" in r.content["evalue"]
    traceback = "\n".join(r.content["traceback"])
    assert "line 2" in traceback and "^" in traceback
    assert ok(kernel, "kept + 1").text == "42"
    assert kernel.is_alive()
    if pid is not None:
        assert kernel.km.provisioner.pid == pid
