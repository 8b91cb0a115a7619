#!/usr/bin/env python3
"""Kernel benchmark: Morph and ipykernel side by side, in one run, on the same machine.

Measures, for each kernel started from its installed kernelspec:
  - cold start: process spawn until the first kernel_info_reply;
  - trivial round trip: an execute_request of `1 + 1`, from send until the idle status on
    iopub (1000 runs after a warm-up; p50 and p99), with a lean client that talks to the
    sockets directly (pyzmq, its own HMAC signing; no jupyter_client loop);
  - PNG display: a cell that displays a ~100 KB PNG, send until idle (50 runs);
  - idle RSS: VmRSS from /proc/PID/status after the runs and a short idle pause;
  - start as clients see it: jupyter_client's KernelManager.start_kernel(), then a client that
    connects right away (default ZeroMQ reconnect interval, as JupyterLab's server and nbclient)
    and sends kernel_info_request; time until its kernel_info_reply (not wait_for_ready, which
    waits for iopub to go quiet). Rounds alternate between the kernels; p50 and p90.
Then prints the ratios Morph / ipykernel against the targets of issue 2, and with
--write FILE replaces the "## Kernel" section of FILE (other sections are kept).

Usage: python bench/kernel/bench_kernel.py [--runs 1000] [--png-runs 50] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import zmq
from jupyter_client.kernelspec import KernelSpecManager

DELIM = b"<IDS|MSG>"
TRIVIAL = "1 + 1"
TARGETS = {"start": 0.1, "p50": 0.1, "p99": 0.1, "png": 0.25, "rss": 0.4, "client_p50": 0.1, "client_p90": 0.15}


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Lean:
    """A minimal Jupyter client: DEALER shell, SUB iopub, HMAC-SHA256 signing."""

    def __init__(self, ctx: zmq.Context, conn: dict):
        self.key = conn["key"].encode()
        self.session = uuid.uuid4().hex
        url = "tcp://127.0.0.1:%d"
        self.shell = ctx.socket(zmq.DEALER)
        self.shell.setsockopt(zmq.LINGER, 0)
        # Retry the connection every 2 ms (default 100 ms), so that the cold start measures
        # the kernel and not ZeroMQ's back-off while the kernel is not yet listening.
        self.shell.setsockopt(zmq.RECONNECT_IVL, 2)
        self.shell.connect(url % conn["shell_port"])
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.LINGER, 0)
        self.iopub.setsockopt(zmq.RECONNECT_IVL, 2)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(url % conn["iopub_port"])
        self.counter = 0

    def send(self, msg_type: str, content: dict) -> bytes:
        self.counter += 1
        msg_id = f"{self.session}_{self.counter}"
        header = json.dumps({
            "msg_id": msg_id, "msg_type": msg_type, "username": "bench", "session": self.session,
            "date": datetime.now(timezone.utc).isoformat(), "version": "5.5",
        }).encode()
        parts = [header, b"{}", b"{}", json.dumps(content).encode()]
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for p in parts:
            mac.update(p)
        self.shell.send_multipart([DELIM, mac.hexdigest().encode(), *parts])
        return msg_id.encode()

    def execute(self, code: str) -> bytes:
        return self.send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True,
        })

    @staticmethod
    def split(frames: list[bytes]) -> tuple[dict, dict, dict]:
        i = frames.index(DELIM)
        return json.loads(frames[i + 2]), json.loads(frames[i + 3]), json.loads(frames[i + 5])

    def wait_idle(self, msg_id: bytes, timeout: float = 30.0) -> list[str]:
        """Reads iopub until the idle status whose parent is msg_id; returns the msg types seen."""
        seen = []
        needle = msg_id.decode()
        deadline = time.perf_counter() + timeout
        while True:
            if not self.iopub.poll(max(1, int((deadline - time.perf_counter()) * 1000))):
                raise TimeoutError(f"no idle for {needle}")
            frames = self.iopub.recv_multipart()
            header, parent, content = self.split(frames)
            if parent.get("msg_id") != needle:
                continue
            seen.append(header["msg_type"])
            if header["msg_type"] == "status" and content.get("execution_state") == "idle":
                return seen

    def probe(self, code: str, timeout: float = 120.0) -> tuple[list[str], dict[str, int]]:
        """Runs code; returns the iopub msg types and, per MIME type displayed, its payload size."""
        msg_id = self.execute(code).decode()
        seen, sizes = [], {}
        deadline = time.perf_counter() + timeout
        while True:
            if not self.iopub.poll(max(1, int((deadline - time.perf_counter()) * 1000))):
                raise TimeoutError(f"no idle for {msg_id}")
            header, parent, content = self.split(self.iopub.recv_multipart())
            if parent.get("msg_id") != msg_id:
                continue
            seen.append(header["msg_type"])
            if header["msg_type"] in ("display_data", "execute_result"):
                for mime, value in content.get("data", {}).items():
                    size = len(value) if isinstance(value, str) else len(json.dumps(value))
                    sizes[mime] = sizes.get(mime, 0) + size
            if header["msg_type"] == "status" and content.get("execution_state") == "idle":
                return seen, sizes

    def drain_shell(self) -> int:
        n = 0
        while self.shell.poll(0):
            self.shell.recv_multipart()
            n += 1
        return n

    def close(self) -> None:
        self.shell.close(0)
        self.iopub.close(0)


@dataclass
class Numbers:
    name: str
    start_ms: float = float("nan")
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    mean_ms: float = float("nan")
    png_p50_ms: float = float("nan")
    png_note: str = ""
    rss_mb: float = float("nan")
    client_start_ms: list[float] = field(default_factory=list)
    slider_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_png(path: Path, target_bytes: int = 100_000) -> int:
    """Writes a noisy RGB PNG of about target_bytes; returns its size."""
    from PIL import Image
    import random

    rng = random.Random(9015)
    side = 100
    while True:
        img = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
        img.save(path, format="PNG")
        size = path.stat().st_size
        if size >= target_bytes * 0.95:
            return size
        side = int(side * (target_bytes / size) ** 0.5) + 2


def bench_kernel(name: str, spec_name: str, runs: int, png_runs: int,
                 png_candidates: list[tuple[str, str, str, str]]) -> Numbers:
    """Runs every measurement on one fresh kernel. png_candidates: (setup cell, display cell,
    MIME type it must display, note), tried in order."""
    spec = KernelSpecManager().get_kernel_spec(spec_name)
    out = Numbers(name)
    ports = free_ports(5)
    conn = {
        "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2],
        "control_port": ports[3], "hb_port": ports[4], "ip": "127.0.0.1", "transport": "tcp",
        "key": uuid.uuid4().hex, "signature_scheme": "hmac-sha256", "kernel_name": spec_name,
    }
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    cf = tmp / "connection.json"
    cf.write_text(json.dumps(conn))
    argv = [a.replace("{connection_file}", str(cf)) for a in spec.argv]
    if argv and argv[0] in ("python", "python3"):  # as jupyter_client does
        argv[0] = sys.executable
    env = dict(os.environ)
    env.update(spec.env or {})
    ctx = zmq.Context()
    lean = Lean(ctx, conn)
    log = open(tmp / "kernel.log", "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=log, cwd=tmp, start_new_session=True)
    try:
        # Cold start: the request is queued by ZeroMQ until the kernel binds its socket.
        lean.send("kernel_info_request", {})
        while True:
            if lean.shell.poll(100):
                lean.shell.recv_multipart()
                out.start_ms = (time.perf_counter() - started) * 1000
                break
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {tmp / 'kernel.log'}")
            if time.perf_counter() - started > 60:
                raise TimeoutError(f"{name} did not answer kernel_info within 60 s")
        # Wait until iopub delivers (welcome message or a status), then flush.
        while not lean.iopub.poll(100):
            lean.send("kernel_info_request", {})
        time.sleep(0.2)
        while lean.iopub.poll(0):
            lean.iopub.recv_multipart()
        lean.drain_shell()

        # Trivial round trip.
        for _ in range(50):
            lean.wait_idle(lean.execute(TRIVIAL))
        lean.drain_shell()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            lean.wait_idle(lean.execute(TRIVIAL))
            times.append((time.perf_counter() - t0) * 1000)
            lean.drain_shell()
        times.sort()
        out.p50_ms = statistics.median(times)
        out.p99_ms = times[min(len(times) - 1, int(len(times) * 0.99))]
        out.mean_ms = statistics.fmean(times)

        # Idle RSS: after start-up and the trivial runs, before any data is loaded.
        time.sleep(1.0)
        out.rss_mb = rss_mb(proc.pid)

        # Slider round trip (Morph only: ipykernel's side would need ipywidgets): a comm_msg
        # update of the demo slider's value until the kernel's update of its label arrives.
        if name == "Morph":
            out.slider_ms = slider_round_trips(lean, runs=min(runs, 500))
            lean.drain_shell()

        # PNG display: the first candidate cell that displays what it promises.
        out.png_note = "no candidate cell displayed an image"
        for setup, code, mime, note in png_candidates:
            if setup:
                kinds, _ = lean.probe(setup)
                if "error" in kinds:
                    continue
            kinds, sizes = lean.probe(code)
            if "display_data" not in kinds or mime not in sizes:
                continue
            ptimes = []
            for _ in range(png_runs):
                t0 = time.perf_counter()
                lean.wait_idle(lean.execute(code))
                ptimes.append((time.perf_counter() - t0) * 1000)
                lean.drain_shell()
            out.png_p50_ms = statistics.median(ptimes)
            binary = sizes[mime] * 3 // 4 if mime == "image/png" else sizes[mime]
            out.png_note = f"{note}: `{code}`, {mime} {binary // 1000} KB in total"
            break
        lean.drain_shell()

    finally:
        lean.close()
        ctx.term()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
    return out


def slider_round_trips(lean: Lean, runs: int) -> list[float]:
    """Times comm_msg (slider value) in → comm_msg (label update) out, one at a time, in ms."""
    msg_id = lean.execute("let benchSlider = slider(min: 0, max: 1000, value: 0)\nbenchSlider").decode()
    slider_id = label_id = None
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        if not lean.iopub.poll(1000):
            continue
        header, parent, content = lean.split(lean.iopub.recv_multipart())
        if parent.get("msg_id") != msg_id:
            continue
        if header["msg_type"] == "comm_open":
            model = content["data"]["state"].get("_model_name")
            if model == "IntSliderModel":
                slider_id = content["comm_id"]
            elif model == "LabelModel":
                label_id = content["comm_id"]
        if header["msg_type"] == "status" and content.get("execution_state") == "idle":
            break
    if slider_id is None or label_id is None:
        return []
    times = []
    for i in range(runs + 20):
        value = 1 + i % 999
        t0 = time.perf_counter()
        lean.send("comm_msg", {"comm_id": slider_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        while True:
            if not lean.iopub.poll(10_000):
                raise TimeoutError("no label update")
            header, _, content = lean.split(lean.iopub.recv_multipart())
            if header["msg_type"] == "comm_msg" and content.get("comm_id") == label_id:
                break
        if i >= 20:
            times.append((time.perf_counter() - t0) * 1000)
    return times


def client_start_once(spec_name: str) -> float:
    """One start as a client sees it, in ms: KernelManager.start_kernel() until the
    kernel_info_reply of a client that connected right after it returned."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=spec_name)
    started = time.perf_counter()
    km.start_kernel(cwd=tempfile.gettempdir())
    kc = km.client()
    kc.start_channels()
    try:
        msg_id = kc.kernel_info()
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return (time.perf_counter() - started) * 1000
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def bench_client_start(kernels: list[tuple[Numbers, str]], rounds: int) -> None:
    """Alternates client-view starts of each kernel for `rounds` rounds (one warm-up each first)."""
    for _, spec in kernels:
        client_start_once(spec)
    for _ in range(rounds):
        for numbers, spec in kernels:
            numbers.client_start_ms.append(client_start_once(spec))


def morph_png_candidates(png_size: int) -> list[tuple[str, str, str, str]]:
    """Morph cells that display about png_size bytes of PNG, best first; the last one is a
    text/plain stand-in of the same size, used (and marked) when no image builtin exists.

    Best: one picture made once (an untrained AutoEncoder's 64 noisy reconstructions beside
    their originals, ~93 KB of PNG), displayed again each run, like ipykernel's pre-encoded
    Image. Fallback: four 32-image grids rendered and encoded on every run."""
    picture = ('let benchPicture = reconstruct(AutoEncoder(latent: 16), '
               'dataset("fashion-mnist", train: 1, test: 64).test[0..<64])')
    grids = "; ".join(f"show(benchData.test[{i * 32}..<{(i + 1) * 32}])" for i in range(4))
    return [
        (picture, "show(benchPicture)", "image/png",
         "image/png, one picture computed once (64 reconstructions beside their originals) and "
         "shown again each run"),
        ('let benchData = shuffled(dataset("fashion-mnist", train: 1, test: 128))', grids, "image/png",
         "image/png, four 32-image grids of pixel-shuffled Fashion-MNIST in one cell (4 display_data; "
         "each run renders and PNG-encodes the grids, while ipykernel sends pre-encoded bytes)"),
        (f'let benchText = "{"x" * png_size}"', "show(benchText)", "text/plain",
         f"STAND-IN (no image builtin in this build): text/plain display of {png_size // 1000} KB"),
    ]


def fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def report(morph: Numbers, ipy: Numbers, runs: int, png_runs: int, png_size: int, command: str) -> str:
    def ratio(a: float, b: float) -> str:
        return "n/a" if a != a or b != b or b == 0 else f"{a / b:.3f}×"

    def verdict(a: float, b: float, target: float) -> str:
        if a != a or b != b or b == 0:
            return "not measured"
        return "meets" if a / b <= target else "misses"

    rows = [
        ("cold start to kernel_info_reply (ms)", morph.start_ms, ipy.start_ms, TARGETS["start"]),
        (f"trivial execute `{TRIVIAL}`, send→idle p50 (ms, {runs} runs)", morph.p50_ms, ipy.p50_ms, TARGETS["p50"]),
        ("trivial execute, send→idle p99 (ms)", morph.p99_ms, ipy.p99_ms, TARGETS["p99"]),
        (f"PNG display ~{png_size // 1000} KB, send→idle p50 (ms, {png_runs} runs)", morph.png_p50_ms, ipy.png_p50_ms, TARGETS["png"]),
        ("idle RSS after the trivial runs (MB, VmRSS)", morph.rss_mb, ipy.rss_mb, TARGETS["rss"]),
        (f"start as a client sees it, p50 (ms, {len(morph.client_start_ms)} rounds)",
         statistics.median(morph.client_start_ms) if morph.client_start_ms else float("nan"),
         statistics.median(ipy.client_start_ms) if ipy.client_start_ms else float("nan"), TARGETS["client_p50"]),
        ("start as a client sees it, p90 (ms)", percentile(morph.client_start_ms, 0.9),
         percentile(ipy.client_start_ms, 0.9), TARGETS["client_p90"]),
    ]
    lines = [
        "## Kernel",
        "",
        f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()} client), "
        "Morph release build vs ipykernel, both started from their kernelspecs in the same run, "
        "a lean pyzmq client (own HMAC signing, no jupyter_client loop). "
        f"Load average at the end: {os.getloadavg()[0]:.1f} (other jobs on the machine inflate the tails).",
        "",
        f"Command: `{command}`",
        "",
        "| metric | Morph | ipykernel | ratio | target | |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, a, b, target in rows:
        lines.append(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio(a, b)} | ≤ {target}× | {verdict(a, b, target)} |")
    lines += ["", "For scale, issue 2's quiet-machine reference for ipykernel 7.4: start 306 ms, trivial p50 "
              "3.6–4.5 ms (lean client), PNG display 6 ms, idle RSS 51 MB. Under load ipykernel slows more "
              "than Morph, so ratios measured on a busy machine flatter Morph; compare the absolute numbers too."]
    if morph.slider_ms:
        lines += ["", f"Slider round trip (Morph, {len(morph.slider_ms)} runs after 20 warm-up): a comm_msg "
                  "update of `slider(…)`'s value until the kernel's comm_msg rewriting its label arrives: "
                  f"p50 {statistics.median(morph.slider_ms):.3f} ms, p99 {percentile(morph.slider_ms, 0.99):.3f} ms "
                  "(no ipykernel figure: that needs ipywidgets in its environment)."]
    lines += ["", "Start as a client sees it: jupyter_client's `KernelManager.start_kernel()`, then "
              "`km.client().start_channels()` and a kernel_info_request right away (default reconnect "
              "interval), timed until the kernel_info_reply; rounds alternate Morph, ipykernel. "
              "The lean-client cold start above retries every 2 ms instead."]
    for n in (morph, ipy):
        if n.client_start_ms:
            lines.append(f"{n.name} client-view starts (ms, sorted): "
                         + ", ".join(f"{x:.0f}" for x in sorted(n.client_start_ms)) + ".")
    lines += ["", f"Means of the trivial round trip: Morph {fmt(morph.mean_ms)} ms, ipykernel {fmt(ipy.mean_ms)} ms."]
    lines += [f"PNG display, Morph: {morph.png_note}.", "", f"PNG display, ipykernel: {ipy.png_note}."]
    for n in (morph, ipy):
        lines += [f"{n.name}: {note}" for note in n.notes]
    lines.append("")
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replaces the '## Kernel' section of path (or appends it), keeping the others."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.strip() == "## Kernel"), None)
    if start is None:
        if not text.endswith("\n"):
            text += "\n"
        text += ("\n" if not text.endswith("\n\n") else "") + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        text = "".join(lines[:start]) + section + ("\n" if end < len(lines) else "") + "".join(lines[end:])
    path.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--png-runs", type=int, default=50)
    ap.add_argument("--morph-kernel", default=os.environ.get("MORPH_KERNEL_NAME", "morph"))
    ap.add_argument("--ipykernel", default="python3")
    ap.add_argument("--morph-png-setup", default=None, help="Morph cell run once before the PNG runs")
    ap.add_argument("--morph-png-code", default=None, help="Morph cell that displays a ~100 KB PNG")
    ap.add_argument("--start-rounds", type=int, default=30, help="client-view start rounds per kernel")
    ap.add_argument("--only-start", action="store_true", help="measure only the client-view start")
    ap.add_argument("--write", type=Path, default=None, help="write the results into this Markdown file")
    args = ap.parse_args()
    command = "python bench/kernel/bench_kernel.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])

    if args.only_start:
        morph, ipy = Numbers("Morph"), Numbers("ipykernel")
        bench_client_start([(morph, args.morph_kernel), (ipy, args.ipykernel)], args.start_rounds)
        for n in (morph, ipy):
            print(f"{n.name}: p50 {statistics.median(n.client_start_ms):.1f} ms, "
                  f"p90 {percentile(n.client_start_ms, 0.9):.1f} ms; sorted: "
                  + ", ".join(f"{x:.0f}" for x in sorted(n.client_start_ms)))
        m, i = statistics.median(morph.client_start_ms), statistics.median(ipy.client_start_ms)
        print(f"ratios: p50 {m / i:.3f}x, p90 "
              f"{percentile(morph.client_start_ms, 0.9) / percentile(ipy.client_start_ms, 0.9):.3f}x")
        return 0

    work = Path(tempfile.mkdtemp(prefix="bench-png-"))
    png = work / "bench.png"
    png_size = make_png(png)

    py_setup = (f"from IPython.display import Image, display\n"
                f"benchImage = Image(data=open({str(png)!r}, 'rb').read(), format='png')")
    ipy = bench_kernel("ipykernel", args.ipykernel, args.runs, args.png_runs, [
        (py_setup, "display(benchImage)", "image/png", f"a {png_size}-byte PNG through IPython.display.Image"),
    ])
    candidates = morph_png_candidates(png_size)
    if args.morph_png_code:
        candidates.insert(0, (args.morph_png_setup or "", args.morph_png_code, "image/png", "--morph-png-code"))
    morph = bench_kernel("Morph", args.morph_kernel, args.runs, args.png_runs, candidates)
    bench_client_start([(morph, args.morph_kernel), (ipy, args.ipykernel)], args.start_rounds)

    text = report(morph, ipy, args.runs, args.png_runs, png_size, command)
    print(text)
    if args.write:
        write_section(args.write, text)
        print(f"written to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
