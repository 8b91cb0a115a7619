"""Memory is a budget, not an abort: a kernel under an address-space limit (`ulimit -v`, here
through prlimit in a copy of the kernelspec) answers a cell that asks for more than it may use
with a MemoryError, and keeps its variables and its process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from morphtest import KERNEL_NAME, Kernel

LIMIT = 4 << 30  # bytes of address space


def test_a_request_past_the_budget_is_a_memory_error(tmp_path: Path) -> None:
    installed = Path(KernelSpecManager().get_kernel_spec(KERNEL_NAME).resource_dir)
    kernels = tmp_path / "share" / "jupyter" / "kernels"
    spec_dir = kernels / "morph-limited"
    shutil.copytree(installed, spec_dir)
    spec = json.loads((spec_dir / "kernel.json").read_text())
    spec["argv"] = ["prlimit", f"--as={LIMIT}", "--"] + spec["argv"]
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    manager = KernelSpecManager(kernel_dirs=[str(kernels)])
    kernel = Kernel(tmp_path / "kernel.log", name="morph-limited", cwd=str(tmp_path), kernel_spec_manager=manager)
    try:
        assert kernel.execute("let kept = 41").status == "ok"
        pid = kernel.km.provisioner.pid
        # 784 × 1 000 000 weights: 3.1 GB, under the engine's 4 GiB tensor guard, past this
        # process's budget (4 GiB of address space less headroom and what it already maps).
        for code in [
            "let huge = Linear(784, 1000000)\nlet m = AutoEncoder(encoder: Sequential([Flatten(), huge]), decoder: Linear(1000000, 784))",
            "let data = dataset(\"synthetic\", classes: [0, 1], train: 16, test: 8)\n"
            "let ae = AutoEncoder(latent: 2)\njacobianNorms([ae], on: data.test, pairs: 1, steps: 4096)\n"
            "let z = path(ae, from: data.test[0], to: data.test[1], steps: 4096)",
        ]:
            r = kernel.execute(code, timeout=120)
            if code.startswith("let data"):
                # Small: this one fits; it shows the kernel still computes under the limit.
                assert r.status == "ok", r.describe()[:2000]
                continue
            assert r.status == "error", r.describe()[:2000]
            assert r.content["ename"] == "MemoryError", r.describe()[:2000]
            assert "budget" in r.content["evalue"]
        after = kernel.execute("kept + 1")
        assert after.status == "ok" and after.text == "42", after.describe()
        assert kernel.km.provisioner.pid == pid and kernel.is_alive()
    finally:
        kernel.shutdown()


def test_the_kernel_option_sets_the_budget(tmp_path: Path) -> None:
    kernel = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path), extra_arguments=["--memory-limit", "256M"])
    try:
        assert kernel.execute("let kept = 1").status == "ok"
        # 784 × 200 000 weights: 627 MB, well past a 256 MiB budget.
        r = kernel.execute("AutoEncoder(encoder: Sequential([Flatten(), Linear(784, 200000)]), decoder: Linear(200000, 784))")
        assert r.status == "error" and r.content["ename"] == "MemoryError", r.describe()[:2000]
        assert "256 MiB budget" in r.content["evalue"]
        assert kernel.execute("kept").text == "1"
    finally:
        kernel.shutdown()
