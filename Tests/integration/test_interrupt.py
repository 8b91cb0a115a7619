"""Interrupting a long cell: the reply is an `Interrupted` error, every variable defined
before survives, and the next cell runs. Both ways a front end interrupts: an
interrupt_request on control (kernelspec `interrupt_mode: message`, Morph's own) and SIGINT
(`interrupt_mode: signal`, which JupyterLab and jupyter_client use for kernelspecs that ask
for it).

The cells here never end by themselves (10^11 iterations), so a reply can only come from the
interrupt; the waits are generous bounds that turn a hang into a failure. How quickly an
interrupt lands is measured by the benchmarks, not asserted here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from queue import Empty

from jupyter_client.kernelspec import KernelSpecManager

from morphtest import KERNEL_NAME, Kernel

ENDLESS = "for i in 0..<100000000000 { s = s + 1 }"
WAIT = 60.0  # seconds; a bound against hangs, not a latency requirement


def start_endless(kernel: Kernel) -> str:
    """Sends the endless cell and returns its msg_id once it has started."""
    msg_id = kernel.kc.execute(ENDLESS)
    assert kernel.collect_until(msg_id, "execute_input", timeout=WAIT), "the cell never started"
    try:
        early = kernel.kc.get_shell_msg(timeout=0.2)
    except Empty:
        early = None
    assert early is None or early["parent_header"].get("msg_id") != msg_id, "the endless cell ended by itself"
    return msg_id


def assert_interrupted_and_state_kept(kernel: Kernel, msg_id: str) -> None:
    result = kernel.collect(msg_id, ENDLESS, timeout=WAIT)
    assert result.status == "error", result.describe()
    assert result.content["ename"] == "Interrupted", result.describe()
    errors = result.of_type("error")
    assert errors and errors[0]["content"]["ename"] == "Interrupted", result.describe()
    after = kernel.execute("before + 1")
    assert after.status == "ok" and after.text == "42", after.describe()
    nxt = kernel.execute('print("still here")')
    assert nxt.stream() == "still here\n", nxt.describe()


def test_interrupt_stops_a_long_cell_and_keeps_state(kernel: Kernel) -> None:
    assert kernel.km.kernel_spec.interrupt_mode == "message", "kernelspec should ask for message interrupts"
    setup = kernel.execute("let before = 41\nvar s = 0")
    assert setup.status == "ok", setup.describe()
    msg_id = start_endless(kernel)
    kernel.km.interrupt_kernel()
    assert_interrupted_and_state_kept(kernel, msg_id)


def test_sigint_interrupts_when_the_kernelspec_asks_for_signals(tmp_path: Path) -> None:
    """A copy of the installed kernelspec with interrupt_mode "signal": jupyter_client's
    interrupt_kernel then sends SIGINT to the kernel process instead of a message."""
    installed = Path(KernelSpecManager().get_kernel_spec(KERNEL_NAME).resource_dir)
    kernels = tmp_path / "share" / "jupyter" / "kernels"
    spec_dir = kernels / "morph-signal"
    shutil.copytree(installed, spec_dir)
    spec = json.loads((spec_dir / "kernel.json").read_text())
    spec["interrupt_mode"] = "signal"
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    manager = KernelSpecManager(kernel_dirs=[str(kernels)])
    kernel = Kernel(tmp_path / "kernel.log", name="morph-signal", cwd=str(tmp_path), kernel_spec_manager=manager)
    try:
        assert kernel.km.kernel_spec.interrupt_mode == "signal"
        assert kernel.execute("let before = 41\nvar s = 0").status == "ok"
        msg_id = start_endless(kernel)
        kernel.km.interrupt_kernel()  # SIGINT
        assert_interrupted_and_state_kept(kernel, msg_id)
        pid = kernel.km.provisioner.pid
        # A SIGINT while idle is harmless too, and the process is the same one.
        kernel.km.interrupt_kernel()
        r = kernel.execute("2 + 2")
        assert r.status == "ok" and r.text == "4", r.describe()
        assert kernel.km.provisioner.pid == pid and kernel.is_alive()
    finally:
        kernel.shutdown()


def test_interrupt_request_on_control_gets_a_reply(kernel: Kernel) -> None:
    setup = kernel.execute("var s = 0")
    assert setup.status == "ok", setup.describe()
    msg_id = start_endless(kernel)
    reply = kernel.control_request("interrupt_request", {}, timeout=WAIT)
    assert reply["msg_type"] == "interrupt_reply"
    assert reply["content"]["status"] == "ok", reply["content"]
    result = kernel.collect(msg_id, ENDLESS, timeout=WAIT)
    assert result.content.get("ename") == "Interrupted", result.describe()


def test_interrupt_when_idle_is_harmless(kernel: Kernel) -> None:
    reply = kernel.control_request("interrupt_request", {}, timeout=WAIT)
    assert reply["content"]["status"] == "ok", reply["content"]
    r = kernel.execute("2 + 2")
    assert r.status == "ok" and r.text == "4", r.describe()


def test_queued_cells_are_aborted_after_an_interrupt(kernel: Kernel) -> None:
    """stop_on_error (default true): requests queued behind an interrupted cell are aborted."""
    assert kernel.execute("var s = 0\nvar after = 0").status == "ok"
    first = kernel.kc.execute(ENDLESS)
    queued = kernel.kc.execute("after = 1")
    assert kernel.collect_until(first, "execute_input", timeout=WAIT), "the cell never started"
    kernel.km.interrupt_kernel()
    r1 = kernel.collect(first, ENDLESS, timeout=WAIT)
    assert r1.content.get("ename") == "Interrupted", r1.describe()
    r2 = kernel.collect(queued, "after = 1", timeout=WAIT)
    assert r2.status in ("aborted", "error"), r2.describe()
    check = kernel.execute("after")
    assert check.text == "0", check.describe()
