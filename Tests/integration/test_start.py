"""Start as clients see it: jupyter_client starts the kernel and a client connects at once (as
JupyterLab's server and nbclient do). The kernelspec runs morph-kernel, which listens on the
ports within milliseconds and execs morph with them, so the client's first connect is not
refused and the reply does not wait ZeroMQ's reconnect interval."""

from __future__ import annotations

import statistics
import time

from jupyter_client.manager import KernelManager

from morphtest import KERNEL_NAME


def client_view_start(cwd: str) -> float:
    km = KernelManager(kernel_name=KERNEL_NAME)
    started = time.perf_counter()
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    try:
        msg_id = kc.kernel_info()
        while True:
            reply = kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                return (time.perf_counter() - started) * 1000
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_client_connecting_at_once_is_answered_without_a_reconnect_wait(tmp_path) -> None:
    client_view_start(str(tmp_path))  # warm the page cache
    times = sorted(client_view_start(str(tmp_path)) for _ in range(10))
    # A refused first connect costs 100-200 ms (ZeroMQ's reconnect interval). Before the
    # kernel listened early, 8 of 10 starts paid it (median ~150 ms); listening from morph's
    # .preinit_array alone still lost the race in up to 13 of 20 starts when other builds
    # saturated both cores (loading morph's libraries takes 10-25 ms); through morph-kernel,
    # which listens ~3 ms after the spawn, none of 20 did at the same load.
    waited = [t for t in times if t > 100]
    assert len(waited) <= 1, times
    assert statistics.median(times) < 90, times
