"""The notebooks on MNIST, as the article used it: `-p dataset=mnist` (a bare word, as papermill
takes it) reads the four IDX files from MORPH_DATA through the same reader as Fashion-MNIST.
Offline, the files are generated here in MNIST's layout (gzip IDX, 28×28 uint8, labels 0–9);
without them the run stops with a message saying which files to put where."""

from __future__ import annotations

import gzip
import math
import os
import random
import struct
import subprocess
from pathlib import Path

import nbformat

from notebooks_small import article_notebooks, small_overrides

RUN_TIMEOUT = 600  # seconds: a bound against hangs, not a speed requirement
FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def write_idx(path: Path, shape: tuple[int, ...], values: bytes) -> None:
    """IDX: magic (0, 0, type 0x08 = uint8, rank), big-endian sizes, then the bytes; gzipped."""
    header = struct.pack(">BBBB", 0, 0, 0x08, len(shape)) + struct.pack(f">{len(shape)}I", *shape)
    with gzip.open(path.with_name(path.name + ".gz"), "wb") as f:
        f.write(header + values)


def generated_mnist(directory: Path, train: int = 600, test: int = 200) -> None:
    """Digit-like images: each class a bright bar at its own angle, with noise, 28×28."""
    rng = random.Random(0)

    def images(count: int) -> tuple[bytes, bytes]:
        labels = [rng.randrange(10) for _ in range(count)]
        pixels = bytearray()
        for label in labels:
            angle = label * math.pi / 10 + rng.gauss(0, 0.05)
            s, c = math.sin(angle), math.cos(angle)
            for y in range(28):
                for x in range(28):
                    u, v = x - 13.5, y - 13.5
                    bar = abs(u * s - v * c) < 2.5 and math.hypot(u, v) < 11
                    pixels.append(max(0, min(255, int(bar * 230 + rng.gauss(0, 10)))))
        return bytes(pixels), bytes(labels)

    for prefix, count in (("train", train), ("t10k", test)):
        pixels, labels = images(count)
        write_idx(directory / f"{prefix}-images-idx3-ubyte", (count, 28, 28), pixels)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte", (count,), labels)


def run_tour(tmp_path: Path, data: Path) -> tuple[subprocess.CompletedProcess, Path]:
    tour = next(p for p in article_notebooks() if p.name.startswith("01-"))
    small = small_overrides(nbformat.read(tour, as_version=4))
    params = [a for k, v in small.items() for a in ("-p", f"{k}={v}")] + ["-p", "dataset=mnist"]
    env = dict(os.environ, MORPH_DATA=str(data), MORPH_MNIST_DOWNLOAD="0")
    proc = subprocess.run(
        [os.environ["MORPH_BIN"], "run", str(tour), "--output", str(tmp_path / "out"), *params],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env,
    )
    return proc, tmp_path / "out" / tour.name


def test_a_notebook_runs_on_mnist_files_given_as_a_bare_word(tmp_path: Path) -> None:
    data = tmp_path / "mnist"
    data.mkdir()
    generated_mnist(data)
    proc, executed = run_tour(tmp_path, data)
    assert proc.returncode == 0, f"morph run failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    nb = nbformat.read(executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs)
    assert "mnist" in text.lower() and "fashion" not in text.lower(), "the notebook did not describe the MNIST data it loaded"
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_missing_mnist_files_say_where_to_put_them(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    proc, executed = run_tour(tmp_path, empty)
    assert proc.returncode != 0
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1, errors
    message = errors[0]["evalue"]
    assert str(empty) in message and all(f + ".gz" in message for f in FILES), message
    assert "MORPH_MNIST_DOWNLOAD=0" in message, message
