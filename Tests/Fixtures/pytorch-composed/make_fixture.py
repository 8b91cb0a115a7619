"""Writes the PyTorch reference for a composed autoencoder (see README.md beside this file).

Run with PyTorch 2.x and numpy:  python make_fixture.py  (reads Fashion-MNIST from Debian's
dataset-fashion-mnist package; writes composed-state.npz and composed-reference.json here).
"""
import gzip
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
IMAGES = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")


class Composed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(4, 8, 4, stride=2, padding=1), nn.BatchNorm2d(8), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(392, 6),
        )
        self.decoder = nn.Sequential(
            nn.Linear(6, 392), nn.Tanh(), nn.Unflatten(1, (8, 7, 7)),
            nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def main() -> None:
    torch.manual_seed(0)
    model = Composed()
    with torch.no_grad():
        bn = model.encoder[3]
        bn.running_mean.copy_(torch.randn(8) * 0.1)
        bn.running_var.copy_(torch.rand(8) + 0.5)
        bn.weight.copy_(torch.rand(8) + 0.5)
        bn.bias.copy_(torch.randn(8) * 0.1)
        bn.num_batches_tracked.fill_(7)
    model.eval()
    raw = gzip.decompress(IMAGES.read_bytes())[16:]
    x = torch.from_numpy(np.frombuffer(raw, dtype=np.uint8)[: 64 * 784].reshape(64, 1, 28, 28).astype(np.float32) / 255)
    with torch.no_grad():
        z = model.encoder(x)
        r = model.decoder(z).reshape(64, 784)
        loss = ((x.reshape(64, 784) - r) ** 2).sum(dim=1).mean().item()
    t = torch.linspace(0, 1, 16)
    path = (1 - t)[:, None] * z[0] + t[:, None] * z[1]
    jac = torch.func.vmap(torch.func.jacfwd(lambda v: model.decoder(v[None]).reshape(784)))(path)  # [16, 784, 6]
    fro = jac.reshape(16, -1).norm(dim=1)
    np.savez(HERE / "composed-state.npz", **{k: v.numpy() for k, v in model.state_dict().items()})
    reference = {
        "torch": torch.__version__,
        "keys": list(model.state_dict().keys()),
        "loss_first_64": loss,
        "z_first_2": z[:2].tolist(),
        "r_first_image_first_8": r[0, :8].tolist(),
        "t": t.tolist(),
        "fro_per_point": fro.tolist(),
        "J_at_t0_row_400": jac[0, 400].tolist(),
    }
    (HERE / "composed-reference.json").write_text(json.dumps(reference, indent=1) + "\n")


if __name__ == "__main__":
    main()
