#!/usr/bin/env python3
"""The explore slider's round trip as JupyterLab meets it: a comm_msg update of the slider's t
sent on the shell channel → the decoded image's comm_msg update (PNG buffer) received on iopub.

A kernel started from the installed kernelspec (jupyter_client, as JupyterLab's server does),
OPENBLAS_NUM_THREADS set to the thread count. An untimed cell loads Fashion-MNIST (classes 0 and
1), builds the article's ConvAutoEncoder(latent: 16) and opens
`explore(conv, from: data.test[0], to: data.test[1])`; then each timed move sends one update and
waits for its image before the next (no coalescing: every move is one decode and one Jacobian),
t stepping through [0, 1] the way a slow drag does. The kernel's work per move does not depend on
the weights, so the model is left untrained.

Usage (after `make build-release kernelspec`):
  JUPYTER_PATH=.venv/share/jupyter .venv/bin/python bench/kernel/bench_explore.py [--moves 300] [--threads 1 2]
Prints a Markdown table: p50, p90, p99 and max of the round trip in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from queue import Empty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blas_environment import environment  # noqa: E402

SETUP = """
let data = dataset("fashion-mnist", classes: [0, 1], test: 64)
let conv = ConvAutoEncoder(latent: 16)
explore(conv, from: data.test[0], to: data.test[1])
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def round_trips(threads: int, moves: int, warmup: int) -> list[float]:
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=os.environ.get("MORPH_KERNEL_NAME", "morph"))
    km.start_kernel(env=environment(threads))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        opens: list[dict] = []
        reply = kc.execute_interactive(SETUP, timeout=300, output_hook=lambda m: opens.append(m))
        assert reply["content"]["status"] == "ok", reply["content"]
        models = {m["content"]["data"]["state"]["_model_name"]: m["content"]["comm_id"]
                  for m in opens if m["msg_type"] == "comm_open"}
        slider = models["FloatSliderModel"]
        image = next(m["content"]["comm_id"] for m in opens if m["msg_type"] == "comm_open"
                     and m["content"]["data"]["state"]["_model_name"] == "ImageModel")
        times: list[float] = []
        for i in range(warmup + moves):
            t = round((i % 101) / 100, 2)
            t = 0.005 if t == 0.5 else t  # every move changes t (0.5 is where it starts)
            msg = kc.session.msg("comm_msg", {"comm_id": slider, "data": {
                "method": "update", "state": {"value": t}, "buffer_paths": []}})
            started = time.perf_counter()
            kc.session.send(kc.shell_channel.socket, msg)
            while True:
                try:
                    out = kc.get_iopub_msg(timeout=30)
                except Empty:
                    raise TimeoutError(f"no image update for move {i}")
                if (out["msg_type"] == "comm_msg" and out["content"]["comm_id"] == image
                        and out["parent_header"].get("msg_id") == msg["header"]["msg_id"]):
                    ended = time.perf_counter()
                    break
                if out["msg_type"] == "error":
                    raise RuntimeError(out["content"])
            if i >= warmup:
                times.append((ended - started) * 1000)
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--moves", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    a = ap.parse_args()
    print("| threads | moves | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | mean (ms) |")
    print("|---|---|---|---|---|---|---|")
    for threads in a.threads:
        times = round_trips(threads, a.moves, a.warmup)
        print(f"| {threads} | {len(times)} | {percentile(times, 50):.2f} | {percentile(times, 90):.2f} | "
              f"{percentile(times, 99):.2f} | {max(times):.2f} | {statistics.mean(times):.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
