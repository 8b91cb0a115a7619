"""Interrupting a long cell: the reply comes at once with an `Interrupted` error, every
variable defined before survives, and the next cell runs."""

from __future__ import annotations

import math
import time
from queue import Empty

from morphtest import Kernel

TARGET_SECONDS = 12.0  # how long the long cell would run if nobody interrupted it


def loop(n: int) -> str:
    return f"for i in 0..<{n} {{ s = s + i }}"


def long_cell(kernel: Kernel) -> tuple[str, float]:
    """A cell that runs for about TARGET_SECONDS, calibrated on this machine and build."""
    n = 20_000
    while True:
        started = time.monotonic()
        r = kernel.execute(loop(n), timeout=120)
        elapsed = time.monotonic() - started
        assert r.status == "ok", r.describe()
        if elapsed > 0.5 or n >= 10**9:
            break
        n *= 5
    per_iteration = elapsed / n
    big = int(math.ceil(TARGET_SECONDS / per_iteration))
    return loop(big), big * per_iteration


def test_interrupt_stops_a_long_cell_and_keeps_state(kernel: Kernel) -> None:
    assert kernel.km.kernel_spec.interrupt_mode == "message", "kernelspec should ask for message interrupts"
    setup = kernel.execute("let before = 41\nvar s = 0")
    assert setup.status == "ok", setup.describe()
    code, expected = long_cell(kernel)
    assert expected >= 10, f"calibration gave a {expected:.1f} s cell, want >= 10 s"

    msg_id = kernel.kc.execute(code)
    time.sleep(1.5)
    # Still running: no reply yet.
    try:
        early = kernel.kc.get_shell_msg(timeout=0.05)
    except Empty:
        early = None
    assert early is None or early["parent_header"].get("msg_id") != msg_id, (
        "the long cell finished before the interrupt"
    )

    interrupted_at = time.monotonic()
    kernel.km.interrupt_kernel()
    result = kernel.collect(msg_id, code, timeout=10)
    latency = time.monotonic() - interrupted_at

    assert result.status == "error", result.describe()
    assert result.content["ename"] == "Interrupted", result.describe()
    assert latency < 1.0, f"execute_reply came {latency:.2f} s after the interrupt (want < 1 s)"
    errors = result.of_type("error")
    assert errors and errors[0]["content"]["ename"] == "Interrupted", result.describe()

    after = kernel.execute("before + 1")
    assert after.status == "ok", after.describe()
    assert after.text == "42", after.describe()
    nxt = kernel.execute('print("still here")')
    assert nxt.stream() == "still here\n", nxt.describe()


def test_interrupt_request_on_control_gets_a_reply(kernel: Kernel) -> None:
    setup = kernel.execute("var s = 0")
    assert setup.status == "ok", setup.describe()
    code, _ = long_cell(kernel)
    msg_id = kernel.kc.execute(code)
    time.sleep(1.0)
    started = time.monotonic()
    reply = kernel.control_request("interrupt_request", {}, timeout=5)
    assert reply["msg_type"] == "interrupt_reply"
    assert reply["content"]["status"] == "ok", reply["content"]
    result = kernel.collect(msg_id, code, timeout=10)
    assert time.monotonic() - started < 1.0
    assert result.content.get("ename") == "Interrupted", result.describe()


def test_interrupt_when_idle_is_harmless(kernel: Kernel) -> None:
    reply = kernel.control_request("interrupt_request", {}, timeout=5)
    assert reply["content"]["status"] == "ok", reply["content"]
    r = kernel.execute("2 + 2")
    assert r.status == "ok" and r.text == "4", r.describe()


def test_queued_cells_are_aborted_after_an_interrupt(kernel: Kernel) -> None:
    """stop_on_error (default true): requests queued behind an interrupted cell are aborted."""
    assert kernel.execute("var s = 0\nvar after = 0").status == "ok"
    code, _ = long_cell(kernel)
    first = kernel.kc.execute(code)
    queued = kernel.kc.execute("after = 1")
    time.sleep(1.0)
    kernel.km.interrupt_kernel()
    r1 = kernel.collect(first, code, timeout=10)
    assert r1.content.get("ename") == "Interrupted", r1.describe()
    r2 = kernel.collect(queued, "after = 1", timeout=10)
    assert r2.status in ("aborted", "error"), r2.describe()
    check = kernel.execute("after")
    assert check.text == "0", check.describe()
