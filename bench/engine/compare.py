"""Runs the engine benchmark and the PyTorch reference side by side and prints the ratios.

Usage (from the package root, after `bash bench/engine/setup.sh`):
  swift build -c release --scratch-path .build-engine --product morph-engine-bench
  bench/.venv/bin/python bench/engine/compare.py [--threads 1 2] [--models ae bakeoff conv]
      [--train-images 60000] [--data fashion-mnist|random] [--binary .build-engine/release/morph-engine-bench]

Both engines run in their own processes, alternately, with OMP/OPENBLAS thread variables set to the
thread count; the Morph binary sets its own OpenBLAS core type and thread timeout as `morph` does
(BLAS.launchEnvironment), and OPENBLAS_CORETYPE is also set for PyTorch's process (it uses its own
bundled BLAS and oneDNN, so it makes no difference there).
Prints a Markdown table: time (or MiB) for Morph and PyTorch and the ratio Morph / PyTorch
(with --rounds N: medians over N alternating runs, and the range of the per-round ratios).
With --baseline BINARY the reference is another build of morph-engine-bench instead of PyTorch
(an A/B run of two builds, alternating in one session).
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = [("epoch_s", "training epoch (s)"), ("jacobian64_s", "decoder Jacobian, 64 points (s)"),
           ("jacobian1024_s", "decoder Jacobian, 1024 points (s)"),
           ("encode_decode_10k_s", "encode + decode 10k (s)"), ("peak_rss_train_mib", "peak RSS after training (MiB)")]
NAMES = {"ae": "AutoEncoder", "bakeoff": "AutoEncoderBakeOff", "conv": "ConvAutoEncoder"}


def core_type():
    try:
        flags = next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split()
    except (OSError, StopIteration):
        return None
    return "SkylakeX" if "avx512f" in flags else ("Haswell" if "avx2" in flags else None)


def run(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    core = core_type()
    if core:
        env["OPENBLAS_CORETYPE"] = core
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in out.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"no result from {' '.join(cmd)}:\n{out.stdout}\n{out.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", default=["ae", "bakeoff", "conv"])
    ap.add_argument("--train-images", type=int, default=60000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", default="fashion-mnist", choices=["fashion-mnist", "random"],
                    help="Fashion-MNIST from Debian's dataset-fashion-mnist (the issue's data), or uniform noise")
    ap.add_argument("--rounds", type=int, default=1,
                    help="runs of each engine per (model, threads), alternating; the table shows medians "
                         "and the spread of the per-round ratios (this machine's 2-thread timings swing)")
    ap.add_argument("--binary", default=os.path.join(HERE, "../../.build-engine/release/morph-engine-bench"))
    ap.add_argument("--baseline", help="another morph-engine-bench binary to compare with instead of PyTorch")
    a = ap.parse_args()
    spread = a.rounds > 1
    reference = [a.baseline] if a.baseline else [sys.executable, os.path.join(HERE, "reference.py")]
    names = ("this build", "baseline build") if a.baseline else ("Morph", "PyTorch")
    print(f"| model | threads | measure | {names[0]} | {names[1]} | {names[0]} / {names[1]} |" + (" per-round ratios |" if spread else ""))
    print("|---|---|---|---|---|---|" + ("---|" if spread else ""))
    for threads in a.threads:
        for model in a.models:
            common = ["--model", model, "--threads", str(threads), "--train-images", str(a.train_images),
                      "--repeats", str(a.repeats), "--data", a.data]
            mines, refs = [], []
            for _ in range(a.rounds):
                mines.append(run([a.binary] + common, threads))
                refs.append(run(reference + common, threads))
            mine, ref = mines[-1], refs[-1]
            for key, label in METRICS:
                m, r = statistics.median(x[key] for x in mines), statistics.median(x[key] for x in refs)
                row = f"| {NAMES[model]} | {threads} | {label} | {m:.4g} | {r:.4g} | {m / r:.2f}× |"
                if spread:
                    ratios = sorted(x[key] / y[key] for x, y in zip(mines, refs))
                    row += f" {ratios[0]:.2f}–{ratios[-1]:.2f} |"
                print(row, flush=True)
    print(f"\nData: {a.data}; OpenBLAS core: {mine.get('core')}; " + (f"baseline {a.baseline}" if a.baseline else f"PyTorch {ref.get('torch')}"))


if __name__ == "__main__":
    main()
