"""The environment a benchmark starts a kernel or a reference process with: the BLAS thread
count pinned, and OPENBLAS_CORETYPE set from the CPU's features as `morph` sets it (OpenBLAS
picks slow kernels on CPUs it does not know)."""

from __future__ import annotations

import os


def core_type() -> str | None:
    try:
        flags = next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split()
    except (OSError, StopIteration):
        return None
    return "SkylakeX" if "avx512f" in flags else ("Haswell" if "avx2" in flags else None)


def environment(threads: int) -> dict[str, str]:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    if core_type():
        env["OPENBLAS_CORETYPE"] = core_type()
    return env
