"""PNG output decodes to the same pixels with an independent decoder (Pillow): an exported image
is the Fashion-MNIST test image byte for byte, and the displayed one is the same image scaled by
a whole factor (nearest neighbour)."""

from __future__ import annotations

import base64
import gzip
import io
from pathlib import Path

import pytest
from PIL import Image

from morphtest import Kernel

T10K = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")


@pytest.mark.skipif(not T10K.exists(), reason="needs Debian's dataset-fashion-mnist (scripts/install-deps.sh installs it)")
def test_exported_and_displayed_pngs_hold_the_dataset_pixels(kernel: Kernel, tmp_path: Path) -> None:
    index = 2
    raw = gzip.open(T10K).read()
    expected = raw[16 + index * 784:16 + (index + 1) * 784]
    target = tmp_path / "image.png"
    r = kernel.execute(f'let data = dataset("fashion-mnist", train: 1, test: 3)\n'
                       f'export(data.test[{index}], to: "{target}")\n'
                       f'data.test[{index}]')
    assert r.status == "ok", r.describe()

    exported = Image.open(target)
    assert exported.size == (28, 28) and exported.mode == "L"
    assert exported.tobytes() == expected

    shown = Image.open(io.BytesIO(base64.b64decode(r.result["image/png"])))
    assert shown.mode == "L"
    scale = shown.size[0] // 28
    assert scale >= 1 and shown.size == (28 * scale, 28 * scale)
    pixels = shown.tobytes()
    sampled = bytes(pixels[(y * scale) * shown.size[0] + x * scale] for y in range(28) for x in range(28))
    assert sampled == expected
