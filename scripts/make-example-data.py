#!/usr/bin/env python3
"""Writes examples/data/mnist-7k.npz: the first 6,000 training and the first 1,000 test digits of
MNIST, taken from Yann LeCun's original idx files, in the layout of Keras's mnist.npz (x_train,
y_train, x_test, y_test; uint8), compressed. `npm run example` trains on it without a download.

    python3 scripts/make-example-data.py /path/to/mnist-lecun   (the four *-ubyte.gz files)
"""
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

N_TRAIN, N_TEST = 6000, 1000


def read_idx(path: Path, magic: int, n: int) -> np.ndarray:
    raw = gzip.decompress(path.read_bytes())
    assert int.from_bytes(raw[:4], "big") == magic, f"{path}: not an idx file of magic {magic:#x}"
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(magic & 0xFF)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)
    return np.ascontiguousarray(data[:n])


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/mnist-lecun")
    arrays = {
        "x_train": read_idx(src / "train-images-idx3-ubyte.gz", 0x803, N_TRAIN),
        "y_train": read_idx(src / "train-labels-idx1-ubyte.gz", 0x801, N_TRAIN),
        "x_test": read_idx(src / "t10k-images-idx3-ubyte.gz", 0x803, N_TEST),
        "y_test": read_idx(src / "t10k-labels-idx1-ubyte.gz", 0x801, N_TEST),
    }
    out = Path(__file__).resolve().parent.parent / "examples" / "data" / "mnist-7k.npz"
    np.savez_compressed(out, **arrays)
    for key, a in arrays.items():
        digest = hashlib.sha256(a.tobytes()).hexdigest()
        print(f"{key}: {a.dtype} {a.shape} sha256 of the elements {digest}")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
