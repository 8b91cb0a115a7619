#!/usr/bin/env python3
"""Two Morph builds side by side: the trivial execute round trip (p50, p99), a ~100 KB PNG
display (p50), cold start and idle RSS of each, measured by bench_kernel.py's lean client in alternating rounds (so that
load on the machine hits both alike).

Usage: python bench/kernel/compare_builds.py OLD_MORPH_BINARY NEW_MORPH_BINARY [--rounds 3] [--runs 1000]

Each binary gets a temporary kernelspec (the installed `morph` one with argv[0] replaced).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

import bench_kernel  # noqa: E402


def kernelspec_for(binary: str, name: str, root: Path) -> None:
    installed = Path(KernelSpecManager().get_kernel_spec("morph").resource_dir)
    target = root / "kernels" / name
    shutil.copytree(installed, target)
    spec = json.loads((target / "kernel.json").read_text())
    spec["argv"][0] = os.path.abspath(binary)
    (target / "kernel.json").write_text(json.dumps(spec))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--png-runs", type=int, default=50)
    args = ap.parse_args()
    png = Path(tempfile.mkdtemp(prefix="morph-compare-png-")) / "bench.png"
    candidates = bench_kernel.morph_png_candidates(bench_kernel.make_png(png))
    root = Path(tempfile.mkdtemp(prefix="morph-compare-"))
    kernelspec_for(args.old, "morph-old", root)
    kernelspec_for(args.new, "morph-new", root)
    os.environ["JUPYTER_PATH"] = f"{root}{os.pathsep}{os.environ.get('JUPYTER_PATH', '')}"
    results: dict[str, list[bench_kernel.Numbers]] = {"old": [], "new": []}
    for round_ in range(args.rounds):
        for label in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
            numbers = bench_kernel.bench_kernel(label, f"morph-{label}", args.runs, args.png_runs, candidates)
            results[label].append(numbers)
            print(f"round {round_ + 1} {label}: p50 {numbers.p50_ms:.3f} ms, p99 {numbers.p99_ms:.3f} ms, "
                  f"PNG p50 {numbers.png_p50_ms:.3f} ms, start {numbers.start_ms:.1f} ms, idle RSS {numbers.rss_mb:.1f} MB", flush=True)
    print(f"\nmedians of {args.rounds} rounds, {args.runs} round trips each:")
    for label, binary in (("old", args.old), ("new", args.new)):
        rows = results[label]
        med = lambda f: statistics.median(getattr(n, f) for n in rows)  # noqa: E731
        print(f"  {label} ({binary}): p50 {med('p50_ms'):.3f} ms, p99 {med('p99_ms'):.3f} ms, "
              f"PNG p50 {med('png_p50_ms'):.3f} ms, start {med('start_ms'):.1f} ms, idle RSS {med('rss_mb'):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
