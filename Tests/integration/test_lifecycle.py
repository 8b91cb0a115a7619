"""Shutdown and restart through jupyter_client."""

from __future__ import annotations

import os
import subprocess
import time

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from morphtest import Kernel


def wait_until_dead(kernel: Kernel, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not kernel.is_alive():
            return True
        time.sleep(0.05)
    return False


def test_shutdown_request_stops_the_process(kernel: Kernel) -> None:
    assert kernel.execute("let x = 1").status == "ok"
    reply = kernel.control_request("shutdown_request", {"restart": False})
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["status"] == "ok", reply["content"]
    assert reply["content"]["restart"] is False
    assert wait_until_dead(kernel, 10), "kernel process still alive 10 s after shutdown_reply"
    exit_code = kernel.km.provisioner.process.poll() if kernel.km.provisioner else None
    assert exit_code == 0, f"kernel exited with {exit_code}\n{kernel.log_tail()}"


def exit_status_without_killing(kernel: Kernel, seconds: float) -> int | None:
    """The kernel process's exit status once it has ended by itself, or None if it is still
    running after `seconds` (nothing here signals or kills it)."""
    process = kernel.km.provisioner.process
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = process.poll()
        if status is not None:
            return status
        time.sleep(0.05)
    return None


def test_shutdown_through_the_manager_is_a_clean_exit(kernel: Kernel) -> None:
    """jupyter_client's shutdown_kernel kills a kernel that does not stop in time, so its
    outcome says nothing; here the manager only sends shutdown_request, and the kernel must
    then exit by itself with status 0."""
    assert kernel.execute("let x = 1").status == "ok"
    pid = kernel.km.provisioner.pid
    kernel.km.request_shutdown(restart=False)
    status = exit_status_without_killing(kernel, 30)
    assert status is not None, f"kernel {pid} still running 30 s after shutdown_request\n{kernel.log_tail()}"
    assert status == 0, f"kernel exited with status {status} after shutdown_request\n{kernel.log_tail()}"
    kernel.km.shutdown_kernel(now=False)  # the manager's cleanup (the process is gone already)
    assert not kernel.is_alive()


def test_restart_keeps_the_connection_and_resets_state(kernel: Kernel) -> None:
    first = kernel.execute("let keep = 1")
    assert first.status == "ok", first.describe()
    old_pid = kernel.km.provisioner.pid
    kernel.km.restart_kernel(now=False)
    kernel.kc.wait_for_ready(timeout=30)
    assert kernel.km.provisioner.pid != old_pid, "restart did not start a new process"

    gone = kernel.execute("keep")
    assert gone.status == "error", gone.describe()
    assert gone.content["ename"] == "NameError", gone.describe()

    again = kernel.execute("6 * 7")
    assert again.status == "ok" and again.text == "42", again.describe()
    # A new session counts from 1 again (the failed cell above took 1 or none).
    assert again.content["execution_count"] <= 2, again.describe()
    assert kernel.kernel_info()["status"] == "ok"


def test_shutdown_request_with_restart_is_acknowledged(kernel: Kernel) -> None:
    reply = kernel.control_request("shutdown_request", {"restart": True})
    assert reply["content"]["status"] == "ok", reply["content"]
    assert reply["content"]["restart"] is True
    # The kernel exits; the manager (not the kernel) starts the new process.
    assert wait_until_dead(kernel, 10), "kernel process still alive 10 s after shutdown_reply"
    kernel.km.restart_kernel(now=True)
    kernel.kc.wait_for_ready(timeout=30)
    r = kernel.execute('print("back")')
    assert r.stream() == "back\n", r.describe()


def test_shutdown_on_shell_channel_also_works(kernel: Kernel) -> None:
    """Older clients send shutdown_request on shell; the kernel honours it there too."""
    msg = kernel.kc.session.msg("shutdown_request", {"restart": False})
    kernel.kc.shell_channel.send(msg)
    reply = kernel.shell_reply(msg["header"]["msg_id"], timeout=10)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert wait_until_dead(kernel, 10)


def test_ipc_transport(tmp_path) -> None:
    """The kernel serves ipc:// endpoints as well as tcp://."""
    k = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path), transport="ipc")
    try:
        assert k.km.transport == "ipc"
        r = k.execute("let viaIPC = 20 + 22\nviaIPC")
        assert r.status == "ok" and r.text == "42", r.describe()
        assert k.kernel_info()["status"] == "ok"
    finally:
        k.shutdown()


def test_started_by_hand_the_kernel_sets_openblas_environment_itself(tmp_path) -> None:
    """Launched without the kernelspec's env, the kernel re-executes itself once with the
    OpenBLAS settings for this CPU (same process id), keeping any value the user set."""
    binary = os.environ.get("MORPH_BIN")
    assert binary, "MORPH_BIN names the morph binary under test (the Makefile sets it)"
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"), ip="127.0.0.1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    env["OPENBLAS_THREAD_TIMEOUT"] = "20"  # the user's own value must survive the re-exec
    process = subprocess.Popen([binary, "kernel", "--connection-file", connection_file], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        with open(f"/proc/{process.pid}/environ", "rb") as f:
            environ = dict(entry.split(b"=", 1) for entry in f.read().split(b"\0") if b"=" in entry)
        assert environ.get(b"OPENBLAS_THREAD_TIMEOUT") == b"20", environ
        flags = next((line.split() for line in open("/proc/cpuinfo") if line.startswith("flags")), [])
        expected = b"SkylakeX" if "avx512f" in flags else (b"Haswell" if "avx2" in flags else None)
        assert environ.get(b"OPENBLAS_CORETYPE") == expected, environ
        # The re-executed process is the kernel that answers.
        msg_id = client.execute("1 + 1")
        reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        process.kill()
        process.wait(timeout=10)
