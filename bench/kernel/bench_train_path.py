#!/usr/bin/env python3
"""Training as users meet it: one epoch of `train` through a real Morph kernel against PyTorch
doing the same work (one epoch of Fashion-MNIST, batch 128, Adam, then the test-set loss that
`train` reports after each epoch), in one script, alternating.

Morph: a kernel started from the installed kernelspec (jupyter_client, as nbclient does), with
OPENBLAS_NUM_THREADS set to the thread count; after an untimed cell that loads the data and
builds the model, the timed cell is `train(m, on: data, epochs: 1)`, measured from its
execute_input on iopub to its execute_reply. PyTorch: bench/engine/reference.py's models in a
process of their own, timed around the epoch and the test loss.

Usage (after `make kernelspec` and `bash bench/engine/setup.sh`):
  JUPYTER_PATH=.venv/share/jupyter bench/.venv/bin/python bench/kernel/bench_train_path.py \
      [--threads 1 2] [--models ae bakeoff conv] [--rounds 3]
Prints a Markdown table of medians and the per-round ratios Morph / PyTorch.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blas_environment import environment  # noqa: E402

HERE = Path(__file__).resolve().parent
NAMES = {"ae": "AutoEncoder", "bakeoff": "AutoEncoderBakeOff", "conv": "ConvAutoEncoder"}

TORCH_EPOCH = r"""
import json, sys, time, torch
sys.path.insert(0, sys.argv[1])
from reference import models, fashion_mnist
name, threads = sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
enc, dec, shape = models(name)
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()))
train, test = fashion_mnist("train", 60000), fashion_mnist("t10k", 10000)
t0 = time.perf_counter()
perm = torch.randperm(60000)
for i in range(0, 60000, 128):
    x = train[perm[i:i + 128]]
    r = dec(enc(x.view(-1, *shape))).view(x.shape[0], -1)
    loss = ((x - r) ** 2).sum() / x.shape[0]
    opt.zero_grad(); loss.backward(); opt.step()
with torch.no_grad():
    test_loss = sum(((t - dec(enc(t.view(-1, *shape))).view(t.shape[0], -1)) ** 2).sum().item()
                    for t in test.split(1000)) / 10000
print(json.dumps({"seconds": time.perf_counter() - t0, "test_loss": test_loss}))
"""


def morph_epoch(model: str, threads: int) -> float:
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=os.environ.get("MORPH_KERNEL_NAME", "morph"))
    km.start_kernel(env=environment(threads))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        setup = kc.execute_interactive(f'let data = dataset("fashion-mnist")\nlet m = {NAMES[model]}(latent: 16)', timeout=300)
        assert setup["content"]["status"] == "ok", setup
        msg_id = kc.execute("train(m, on: data, epochs: 1)")
        started = None
        while started is None:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                started = time.perf_counter()
        while True:
            reply = kc.get_shell_msg(timeout=3600)
            if reply["parent_header"].get("msg_id") == msg_id:
                ended = time.perf_counter()
                assert reply["content"]["status"] == "ok", reply["content"]
                return ended - started
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def torch_epoch(model: str, threads: int, python: str) -> float:
    out = subprocess.run([python, "-c", TORCH_EPOCH, str(HERE.parent / "engine"), model, str(threads)],
                         env=environment(threads), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", default=["ae", "bakeoff", "conv"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--torch-python", default=str(HERE.parent / ".venv/bin/python"))
    a = ap.parse_args()
    print("| model | threads | Morph kernel, epoch + test loss (s) | PyTorch (s) | Morph / PyTorch | per-round ratios |")
    print("|---|---|---|---|---|---|")
    for threads in a.threads:
        for model in a.models:
            morph, torch, ratios = [], [], []
            for _ in range(a.rounds):
                m = morph_epoch(model, threads)
                t = torch_epoch(model, threads, a.torch_python)
                morph.append(m); torch.append(t); ratios.append(m / t)
            mm, tm = statistics.median(morph), statistics.median(torch)
            print(f"| {NAMES[model]} | {threads} | {mm:.2f} | {tm:.2f} | {mm / tm:.2f}× | "
                  + ", ".join(f"{r:.2f}" for r in ratios) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
