"""Comms and the Jupyter widget protocol (version 2) with jupyter_client: widgets the kernel
opens, updates from both sides, binary buffers, request_state, the control comm's
request_states, comm_info, close, bad comm messages (reported on iopub, kernel alive), and the
widget state `morph run` writes into a notebook."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat

from morphtest import Kernel

VIEW = "application/vnd.jupyter.widget-view+json"


def send_comm(k: Kernel, msg_type: str, content: dict, buffers: list[bytes] | None = None,
              metadata: dict | None = None) -> str:
    msg = k.kc.session.msg(msg_type, content, metadata=metadata or {})
    k.kc.session.send(k.kc.shell_channel.socket, msg, buffers=buffers or [])
    return msg["header"]["msg_id"]


def until_idle(k: Kernel, msg_id: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The iopub messages whose parent is msg_id, up to its idle status."""
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = k.kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
    raise TimeoutError(f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}")


def make_slider(k: Kernel) -> dict[str, Any]:
    """Runs `let s = slider(…)` and returns the comm ids of the slider, its label and the row."""
    result = k.execute("let s = slider(min: 2, max: 20, value: 5)\ns")
    assert result.status == "ok", result.describe()
    opens = result.of_type("comm_open")
    assert opens and all(m["content"]["target_name"] == "jupyter.widget" for m in opens)
    assert all(m["metadata"].get("version", "").startswith("2.") for m in opens)
    models = {m["content"]["data"]["state"]["_model_name"]: m["content"]["comm_id"] for m in opens}
    view = result.result[VIEW]
    assert view["model_id"] == models["HBoxModel"] and view["version_major"] == 2
    # Every model a state refers to was opened before the display.
    opened = {m["content"]["comm_id"] for m in opens}
    for m in opens:
        for value in m["content"]["data"]["state"].values():
            refs = value if isinstance(value, list) else [value]
            for ref in refs:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    assert ref[len("IPY_MODEL_"):] in opened
    return {"slider": models["IntSliderModel"], "label": models["LabelModel"], "row": models["HBoxModel"],
            "all": opened}


def comm_info(k: Kernel, **content) -> dict[str, Any]:
    msg_id = k.kc.comm_info(**content)
    reply = k.shell_reply(msg_id)["content"]
    assert reply["status"] == "ok", reply
    return reply["comms"]


def test_widget_round_trip_from_both_sides(kernel: Kernel) -> None:
    ids = make_slider(kernel)
    comms = comm_info(kernel)
    assert ids["all"] <= set(comms) and comms[ids["slider"]] == {"target_name": "jupyter.widget"}
    assert set(comm_info(kernel, target_name="jupyter.widget.control")) == set()

    # The front end moves the slider: the kernel rewrites the label (a comm_msg update).
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": ids["slider"], "data": {
        "method": "update", "state": {"value": 11}, "buffer_paths": []}})
    msgs = until_idle(kernel, msg_id)
    updates = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["label"]]
    assert [u["content"]["data"]["state"] for u in updates] == [{"value": "value = 11"}]
    assert kernel.execute("s.value").text == "11"

    # request_state: the whole state comes back.
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": ids["slider"], "data": {"method": "request_state"}})
    full = [m for m in until_idle(kernel, msg_id) if m["msg_type"] == "comm_msg"]
    state = full[0]["content"]["data"]["state"]
    assert full[0]["content"]["data"]["method"] == "update"
    assert state["value"] == 11 and state["_model_name"] == "IntSliderModel" and state["max"] == 20


def test_a_burst_of_updates_is_coalesced(kernel: Kernel) -> None:
    ids = make_slider(kernel)
    last = None
    for value in range(2, 21):
        last = send_comm(kernel, "comm_msg", {"comm_id": ids["slider"], "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
    labels: list[str] = []
    deadline = time.monotonic() + 10
    idle_for_last = False
    while not idle_for_last and time.monotonic() < deadline:
        try:
            msg = kernel.kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ids["label"]:
            labels.append(msg["content"]["data"]["state"]["value"])
        if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                and msg["parent_header"].get("msg_id") == last):
            idle_for_last = True
    assert idle_for_last
    assert labels and labels[-1] == "value = 20", labels
    assert 1 <= len(labels) <= 19
    print(f"19 updates sent back to back, {len(labels)} label update(s) computed")
    assert kernel.execute("s.value").text == "20"


def test_binary_buffers_both_ways_and_close(kernel: Kernel) -> None:
    ids = make_slider(kernel)
    payload = bytes(range(256)) * 4
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": ids["label"], "data": {
        "method": "update", "state": {}, "buffer_paths": [["value"]]}}, buffers=[payload])
    msgs = until_idle(kernel, msg_id)
    assert not [m for m in msgs if m["msg_type"] == "error"], msgs
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": ids["label"], "data": {"method": "request_state"}})
    full = [m for m in until_idle(kernel, msg_id) if m["msg_type"] == "comm_msg"][0]
    assert full["content"]["data"]["buffer_paths"] == [["value"]]
    assert [bytes(b) for b in full["buffers"]] == [payload]
    assert "value" not in full["content"]["data"]["state"]

    # The control comm (what a reloaded page asks): every state, buffers by path.
    control = "control-comm-1"
    msg_id = send_comm(kernel, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                              "data": {}}, metadata={"version": "1.0.0"})
    assert not [m for m in until_idle(kernel, msg_id) if m["msg_type"] in ("error", "comm_close")]
    assert comm_info(kernel, target_name="jupyter.widget.control") == {control: {"target_name": "jupyter.widget.control"}}
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    reply = [m for m in until_idle(kernel, msg_id) if m["msg_type"] == "comm_msg"][0]
    data = reply["content"]["data"]
    assert reply["content"]["comm_id"] == control and data["method"] == "update_states"
    assert ids["all"] == set(data["states"])
    assert data["states"][ids["slider"]]["model_name"] == "IntSliderModel"
    assert data["states"][ids["slider"]]["model_module"] == "@jupyter-widgets/controls"
    assert data["buffer_paths"] == [[ids["label"], "state", "value"]]
    assert [bytes(b) for b in reply["buffers"]] == [payload]

    # The front end closes the slider's comm: comm_info forgets it.
    msg_id = send_comm(kernel, "comm_close", {"comm_id": ids["slider"], "data": {}})
    assert not [m for m in until_idle(kernel, msg_id) if m["msg_type"] == "error"]
    assert ids["slider"] not in comm_info(kernel)


def test_bad_comm_messages_are_reported_and_the_kernel_lives(kernel: Kernel) -> None:
    ids = make_slider(kernel)
    cases = [
        ("comm_msg", {"comm_id": "no-such-comm", "data": {"method": "update", "state": {"value": 3}}}, [], "UnknownComm"),
        ("comm_msg", {"comm_id": ids["slider"], "data": {"method": "update", "state": [1, 2]}}, [], "BadCommMessage"),
        ("comm_msg", {"comm_id": ids["slider"], "data": {"method": "update", "state": {},
                                                           "buffer_paths": [["a"], ["b"]]}}, [b"x"], "BadCommMessage"),
        ("comm_msg", {"comm_id": ids["slider"], "data": {"method": "update", "state": {}}}, [b"stray"], "BadCommMessage"),
        ("comm_msg", {"comm_id": ids["slider"], "data": {"method": "teleport"}}, [], "BadCommMessage"),
        ("comm_msg", {"comm_id": ids["slider"], "data": "not an object"}, [], "BadCommMessage"),
        ("comm_msg", {"comm_id": 42, "data": {}}, [], "BadCommMessage"),
        ("comm_msg", {"comm_id": ids["slider"], "data": {"method": "update", "state": {"value": "abc"}}}, [],
         "WidgetCallbackError"),
        ("comm_close", {"comm_id": "no-such-comm", "data": {}}, [], "UnknownComm"),
        ("comm_open", {"comm_id": "w1", "target_name": "jupyter.widget", "data": {"state": 7}}, [], "BadCommMessage"),
        ("comm_open", {"comm_id": "w2", "target_name": "jupyter.widget", "data": "x"}, [], "BadCommMessage"),
        ("comm_open", {"comm_id": "t1", "target_name": "no.such.target", "data": {}}, [], "UnknownCommTarget"),
    ]
    for msg_type, content, buffers, ename in cases:
        msg_id = send_comm(kernel, msg_type, content, buffers)
        msgs = until_idle(kernel, msg_id)
        errors = [m["content"] for m in msgs if m["msg_type"] == "error"]
        assert [e["ename"] for e in errors] == [ename], (msg_type, content, msgs)
        if msg_type == "comm_open":
            closes = [m for m in msgs if m["msg_type"] == "comm_close"]
            assert closes and closes[0]["content"]["comm_id"] == content["comm_id"]
        assert kernel.is_alive()
    assert kernel.kernel_info()["status"] == "ok"
    # The slider still works after all that.
    msg_id = send_comm(kernel, "comm_msg", {"comm_id": ids["slider"], "data": {
        "method": "update", "state": {"value": 7}, "buffer_paths": []}})
    assert not [m for m in until_idle(kernel, msg_id) if m["msg_type"] == "error"]
    assert kernel.execute("s.value").text == "7"


def test_morph_run_embeds_the_widget_state(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("let s = slider(min: 0, max: 9, value: 4, description: \"t\")\ns")]
    source = tmp_path / "widgets.ipynb"
    nbformat.write(nb, source)
    morph = os.environ.get("MORPH_BIN") or "morph"
    proc = subprocess.run([morph, "run", str(source), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    done = json.loads((tmp_path / "out" / "widgets.ipynb").read_text())
    nbformat.validate(nbformat.reads(json.dumps(done), as_version=4))
    saved = done["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    assert saved["version_major"] == 2
    models = {entry["model_name"]: (model_id, entry) for model_id, entry in saved["state"].items()}
    slider_id, slider = models["IntSliderModel"]
    assert slider["state"]["value"] == 4 and slider["state"]["description"] == "t"
    output = done["cells"][0]["outputs"][0]
    assert output["data"][VIEW]["model_id"] == models["HBoxModel"][0]
    text = output["data"]["text/plain"]
    assert ("".join(text) if isinstance(text, list) else text) == "IntSlider(value: 4)"
