"""explore and interact with jupyter_client, as a front end drives them: open explore, move its
slider with a comm_msg update, get the new image (changed bytes) and the norm readout; a burst
of moves is computed fewer times than it has messages, and the last value wins; interact reruns
a builtin into its Output widget, and a bad argument or a failing rerun is an error that leaves
the kernel alive."""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from morphtest import Kernel
from test_comms import send_comm, until_idle

# An untrained decoder draws nearly the same gray everywhere; one short epoch gives it shapes.
SETUP = """
let data = dataset("fashion-mnist", classes: [0, 1], train: 512, test: 64)
let conv = ConvAutoEncoder(latent: 16)
train(conv, on: data, epochs: 1, batchSize: 32)
"""


def opened(result) -> dict[str, list[str]]:
    """Comm ids of the models a cell opened, by model name, in opening order."""
    models: dict[str, list[str]] = {}
    for m in result.of_type("comm_open"):
        models.setdefault(m["content"]["data"]["state"]["_model_name"], []).append(m["content"]["comm_id"])
    return models


def state_of(result, comm_id: str) -> tuple[dict[str, Any], list[bytes]]:
    for m in result.of_type("comm_open"):
        if m["content"]["comm_id"] == comm_id:
            return m["content"]["data"]["state"], [bytes(b) for b in m["buffers"]]
    raise KeyError(comm_id)


def move(k: Kernel, comm_id: str, value: Any) -> str:
    return send_comm(k, "comm_msg", {"comm_id": comm_id, "data": {
        "method": "update", "state": {"value": value}, "buffer_paths": []}})


def open_explore(k: Kernel) -> dict[str, Any]:
    assert k.execute(SETUP, timeout=120).status == "ok"
    result = k.execute("let e = explore(conv, from: data.test[0], to: data.test[1])\ne", timeout=60)
    assert result.status == "ok", result.describe()
    models = opened(result)
    assert result.result["application/vnd.jupyter.widget-view+json"]["model_id"] == models["VBoxModel"][-1]
    readouts = [i for i in models["LabelModel"] if state_of(result, i)[0]["value"].startswith("t = ")]
    decoded = models["ImageModel"][0]
    _, buffers = state_of(result, decoded)
    return {"slider": models["FloatSliderModel"][0], "image": decoded, "readout": readouts[0], "png": buffers[0]}


def test_explore_moves_update_the_image_and_the_norms(kernel: Kernel) -> None:
    ids = open_explore(kernel)
    assert ids["png"][:4] == b"\x89PNG"
    msgs = until_idle(kernel, move(kernel, ids["slider"], 1.0))
    assert not [m for m in msgs if m["msg_type"] == "error"], msgs
    images = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["image"]]
    assert len(images) == 1 and images[0]["content"]["data"]["buffer_paths"] == [["value"]]
    png = bytes(images[0]["buffers"][0])
    assert png[:4] == b"\x89PNG" and png != ids["png"], "the decoded image did not change"
    labels = [m["content"]["data"]["state"]["value"] for m in msgs
              if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["readout"]]
    assert len(labels) == 1 and labels[0].startswith("t = 1.00 · ‖J‖_F = ") and "σ₁ = " in labels[0], labels
    assert kernel.execute("e.value").text == "1"


def test_a_fast_drag_is_computed_fewer_times_and_the_last_value_wins(kernel: Kernel) -> None:
    ids = open_explore(kernel)
    count = 40
    last = None
    for step in range(1, count + 1):
        last = move(kernel, ids["slider"], round(step / count, 3))
    images = 0
    labels: list[str] = []
    deadline = time.monotonic() + 60
    done = False
    while not done and time.monotonic() < deadline:
        try:
            msg = kernel.kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ids["image"]:
            images += 1
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ids["readout"]:
            labels.append(msg["content"]["data"]["state"]["value"])
        if msg["msg_type"] == "error":
            raise AssertionError(msg["content"])
        done = (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                and msg["parent_header"].get("msg_id") == last)
    assert done
    print(f"{count} moves sent back to back, {images} decode(s) computed")
    assert 1 <= images < count and len(labels) == images
    assert labels[-1].startswith("t = 1.00"), labels
    assert kernel.execute("e.value").text == "1"


def test_explore_at_an_image_has_sliders_a_reset_and_principal_directions(kernel: Kernel) -> None:
    assert kernel.execute(SETUP, timeout=120).status == "ok"
    result = kernel.execute("explore(conv, at: data.test[2], on: data.test)", timeout=60)
    assert result.status == "ok", result.describe()
    models = opened(result)
    sliders = models["FloatSliderModel"]
    assert [state_of(result, s)[0]["description"] for s in sliders] == [f"PC{i}" for i in range(1, 9)]
    first, _ = state_of(result, sliders[0])
    assert first["min"] < first["value"] < first["max"]
    decoded = models["ImageModel"][0]
    _, start = state_of(result, decoded)
    msgs = until_idle(kernel, move(kernel, sliders[0], first["max"]))
    moved = [bytes(m["buffers"][0]) for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == decoded]
    assert moved and moved[0] != start[0]
    msgs = until_idle(kernel, send_comm(kernel, "comm_msg", {"comm_id": models["ButtonModel"][0], "data": {
        "method": "custom", "content": {"event": "click"}}}))
    back = {m["content"]["comm_id"]: m for m in msgs if m["msg_type"] == "comm_msg"}
    assert back[sliders[0]]["content"]["data"]["state"]["value"] == first["value"]
    assert bytes(back[decoded]["buffers"][0]) == start[0]


def test_interact_reruns_and_a_bad_argument_is_an_error_but_the_kernel_lives(kernel: Kernel) -> None:
    assert kernel.execute(SETUP, timeout=120).status == "ok"
    bad = kernel.execute("interact(interpolate, conv, form: data.test[0], to: data.test[1], steps: slider(2...20))")
    assert bad.status == "error" and bad.error["ename"] == "TypeError" and "from:" in bad.error["evalue"]
    assert kernel.is_alive()

    result = kernel.execute("interact(interpolate, conv, from: data.test[0], to: data.test[1], "
                            "steps: slider(0...300, value: 5))", timeout=60)
    assert result.status == "ok", result.describe()
    models = opened(result)
    slider, output = models["IntSliderModel"][0], models["OutputModel"][0]
    outputs = state_of(result, output)[0]["outputs"]
    assert [o["output_type"] for o in outputs] == ["display_data"] and "image/png" in outputs[0]["data"]

    def outputs_after(value: int) -> tuple[list[dict], list[dict]]:
        msgs = until_idle(kernel, move(kernel, slider, value), timeout=60)
        updates = [m["content"]["data"]["state"]["outputs"] for m in msgs
                   if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == output]
        return updates[-1], [m["content"] for m in msgs if m["msg_type"] == "error"]

    shown, errors = outputs_after(12)
    assert not errors and shown[0]["data"]["image/png"] != outputs[0]["data"]["image/png"]
    shown, errors = outputs_after(1)
    assert shown[0]["output_type"] == "error" and shown[0]["ename"] == "ValueError"
    assert "'steps' must be between 2 and 256, got 1" in shown[0]["evalue"]
    assert [e["ename"] for e in errors] == ["WidgetCallbackError"]
    assert kernel.is_alive() and kernel.kernel_info()["status"] == "ok"
    shown, errors = outputs_after(3)
    assert not errors and shown[0]["output_type"] == "display_data"


def test_morph_run_keeps_the_explore_widgets_state(tmp_path) -> None:
    import json
    import os
    import subprocess

    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        'let data = dataset("synthetic", classes: [0, 1], train: 32, test: 8)\n'
        "explore(ConvAutoEncoder(latent: 4), from: data.test[0], to: data.test[1])")]
    source = tmp_path / "explore.ipynb"
    nbformat.write(nb, source)
    morph = os.environ.get("MORPH_BIN") or "morph"
    proc = subprocess.run([morph, "run", str(source), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    done = json.loads((tmp_path / "out" / "explore.ipynb").read_text())
    saved = done["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    images = [entry for entry in saved.values() if entry["model_name"] == "ImageModel"]
    assert len(images) == 3 and all(entry["buffers"][0]["path"] == ["value"] for entry in images)
    labels = [entry["state"]["value"] for entry in saved.values() if entry["model_name"] == "LabelModel"]
    assert any(label.startswith("t = 0.50 · ‖J‖_F = ") for label in labels), labels
