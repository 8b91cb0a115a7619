"""Files the kernel and the command write: export never writes through a planted symbolic
link, `morph install --name` stays inside kernels/, and a connection file with port 0 gets
working endpoints that the kernel writes back for clients."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager

from morphtest import KERNEL_NAME, Kernel

WAIT = 60.0  # seconds; a bound against hangs


def morph() -> str:
    binary = os.environ.get("MORPH_BIN")
    assert binary, "MORPH_BIN names the morph binary under test (the Makefile sets it)"
    return binary


def test_export_replaces_a_planted_symlink_instead_of_following_it(kernel: Kernel, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "figures" / "out.txt"
    target.parent.mkdir()
    target.symlink_to(victim)
    r = kernel.execute(f'export("new contents", to: "{target}")')
    assert r.status == "ok", r.describe()
    assert victim.read_text() == "precious", "export wrote through the symbolic link"
    assert not target.is_symlink() and target.read_text().rstrip("\n") == "new contents"
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"], "temporary files left behind"


def test_install_refuses_dot_and_dot_dot_as_names(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    for name in (".", ".."):
        proc = subprocess.run([morph(), "install", "--prefix", str(prefix), "--name", name],
                              capture_output=True, text=True, timeout=WAIT)
        assert proc.returncode != 0, f"--name {name!r} was accepted: {proc.stdout}"
        assert "not a valid kernel name" in proc.stderr, proc.stderr
    assert not prefix.exists() or not list(prefix.rglob("kernel.json")), list(prefix.rglob("*"))
    proc = subprocess.run([morph(), "install", "--prefix", str(prefix), "--name", "morph.dev"],
                          capture_output=True, text=True, timeout=WAIT)
    assert proc.returncode == 0, proc.stderr
    assert (prefix / "share" / "jupyter" / "kernels" / "morph.dev" / "kernel.json").exists()


def start_by_hand(connection: dict, directory: Path) -> tuple[subprocess.Popen, Path, Path]:
    """`morph kernel` (the kernelspec's argv) on a connection file we wrote, mode 0600."""
    path = directory / "connection.json"
    path.write_text(json.dumps(connection))
    path.chmod(0o600)
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    argv = [a.replace("{connection_file}", str(path)) for a in spec.argv]
    log = directory / "kernel.log"
    process = subprocess.Popen(argv, env={**os.environ, **spec.env}, stdout=open(log, "wb"),
                               stderr=subprocess.STDOUT, cwd=directory)
    return process, path, log


def wait_for_ports(path: Path, process: subprocess.Popen, log: Path) -> dict:
    """The connection file once the kernel has written its ports back (no port 0 left)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        info = json.loads(path.read_text())
        if all(info[k] != 0 for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")):
            return info
        assert process.poll() is None, f"the kernel exited with {process.returncode}:\n{log.read_text()}"
        time.sleep(0.05)
    raise AssertionError(f"ports not written back within {WAIT} s:\n{log.read_text()}")


def serve_and_stop(path: Path, process: subprocess.Popen, log: Path) -> None:
    client = BlockingKernelClient(connection_file=str(path))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=WAIT)
        reply = client.execute_interactive("let viaZero = 40 + 2\nviaZero", timeout=WAIT)
        assert reply["content"]["status"] == "ok", reply
        client.shutdown()
        assert process.wait(timeout=WAIT) == 0, log.read_text()
    finally:
        client.stop_channels()
        if process.poll() is None:
            process.kill()
            process.wait()


def test_tcp_port_zero_gets_real_ports_written_back(tmp_path: Path) -> None:
    connection = {
        "transport": "tcp", "ip": "127.0.0.1", "shell_port": 0, "iopub_port": 0, "stdin_port": 0,
        "control_port": 0, "hb_port": 0, "key": os.urandom(16).hex(), "signature_scheme": "hmac-sha256",
        "kernel_name": "morph",
    }
    process, path, log = start_by_hand(connection, tmp_path)
    info = wait_for_ports(path, process, log)
    ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
    assert len(set(ports)) == 5 and all(0 < p < 65536 for p in ports), info
    assert info["key"] == connection["key"] and info["kernel_name"] == "morph", "other fields were lost"
    assert path.stat().st_mode & 0o777 == 0o600
    serve_and_stop(path, process, log)


def test_ipc_port_zero_gets_five_distinct_endpoints(tmp_path: Path) -> None:
    prefix = tmp_path / "ipc-zero"
    connection = {
        "transport": "ipc", "ip": str(prefix), "shell_port": 0, "iopub_port": 0, "stdin_port": 0,
        "control_port": 0, "hb_port": 0, "key": os.urandom(16).hex(), "signature_scheme": "hmac-sha256",
    }
    process, path, log = start_by_hand(connection, tmp_path)
    info = wait_for_ports(path, process, log)
    ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
    assert len(set(ports)) == 5, info
    for port in ports:
        assert Path(f"{prefix}-{port}").exists(), f"no socket file {prefix}-{port}"
    serve_and_stop(path, process, log)
    assert not list(tmp_path.glob("ipc-zero-*")), "ipc socket files left behind"
