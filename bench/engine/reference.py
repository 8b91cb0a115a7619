"""PyTorch reference for bench/engine: the same work as morph-engine-bench, one model per process.

Usage: bench/.venv/bin/python bench/engine/reference.py --model ae|bakeoff|conv --threads N
Prints one JSON object (times in seconds, peak RSS in MiB).
"""
import argparse, gzip, json, resource, time

import numpy as np

import torch
from torch import nn
from torch.func import jacfwd, vmap


def models(name, latent=16):
    if name == "ae":
        enc = nn.Sequential(nn.Linear(784, latent))
        dec = nn.Sequential(nn.Linear(latent, 784), nn.Sigmoid())
        shape = (784,)
    elif name == "bakeoff":
        enc = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, latent))
        dec = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(),
                            nn.Linear(512, 784), nn.Sigmoid())
        shape = (784,)
    else:
        enc = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 32, 4, 2, 1), nn.ReLU(),
                            nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.Flatten(),
                            nn.Linear(1024, 256), nn.ReLU(), nn.Linear(256, latent))
        dec = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 1024), nn.ReLU(),
                            nn.Unflatten(1, (64, 4, 4)),
                            nn.ConvTranspose2d(64, 32, 3, 2, 1), nn.ReLU(),
                            nn.ConvTranspose2d(32, 32, 4, 2, 1), nn.ReLU(),
                            nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Sigmoid(), nn.Flatten())
        shape = (1, 28, 28)
    return enc, dec, shape


FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def fashion_mnist(name, limit):
    """The first `limit` images of an IDX file from Debian's dataset-fashion-mnist, [N, 784] in [0, 1]."""
    with gzip.open(f"{FASHION_MNIST}/{name}-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)[:limit]
    return torch.from_numpy(pixels.astype(np.float32) / 255)


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="ae")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-images", type=int, default=60000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", default="fashion-mnist", choices=["fashion-mnist", "random"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    enc, dec, shape = models(a.model)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params)
    if a.data == "fashion-mnist":
        train, test = fashion_mnist("train", a.train_images), fashion_mnist("t10k", 10000)
    else:
        train, test = torch.rand(a.train_images, 784), torch.rand(10000, 784)

    t0 = time.perf_counter()
    perm = torch.randperm(a.train_images)
    for i in range(0, a.train_images, 128):
        x = train[perm[i:i + 128]]
        r = dec(enc(x.view(-1, *shape))).view(x.shape[0], -1)
        loss = ((x - r) ** 2).sum() / x.shape[0]
        opt.zero_grad(); loss.backward(); opt.step()
    epoch = time.perf_counter() - t0
    rss_train = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with torch.no_grad():
        ends = enc(test[:2].view(-1, *shape))
    def path(n):
        t = torch.linspace(0, 1, n)[:, None]
        return (1 - t) * ends[0] + t * ends[1]
    p64, p1024 = path(64), path(1024)
    decode_one = lambda z: dec(z[None]).reshape(-1)
    jac = vmap(jacfwd(decode_one))

    def run_jac(p):
        with torch.no_grad():
            jac(p)
    def codec():
        with torch.no_grad():
            dec(enc(test.view(-1, *shape)))
    print(json.dumps({"engine": "pytorch", "torch": torch.__version__, "model": a.model, "data": a.data, "threads": a.threads,
                      "epoch_s": epoch, "jacobian64_s": best(lambda: run_jac(p64), a.repeats),
                      "jacobian1024_s": best(lambda: run_jac(p1024), a.repeats),
                      "encode_decode_10k_s": best(codec, a.repeats),
                      "peak_rss_train_mib": rss_train,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
