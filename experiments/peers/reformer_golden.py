#!/usr/bin/env python3
"""reformer_golden.py — golden outputs of reformer-pytorch's LSHAttention, for
tests/test_peers.c to compare attnbench's `reformer` against (outside the test
command: needs torch and reformer-pytorch, pinned in requirements.txt).

Input: the real fixture (tests/fixtures/real/n512, MiniLM layer 0, heads 0-3,
n = 512, d = 32). reformer-pytorch shares queries and keys: LSHAttention takes
one `qk` tensor (the heads as its batch); we give it K, and V as the values —
attnbench's `reformer` with `qk: shared` uses K the same way. Settings:
bucket_size = 32 (so n_buckets = 512 / 32 = 16), n_hashes = 4, its defaults
otherwise (allow_duplicate_attention, attend_across_buckets,
rehash_each_round, one rotation tensor for every head), eval mode, no mask.
Its random rotations (torch.randn of shape (1, d, n_hashes, n_buckets / 2)
inside hash_vectors) are recorded by wrapping torch.randn and exported as
reformer-R.npy (d, n_hashes, n_buckets / 2) for `rotations_file`.
A bucket is an argmax: where the top two of [x R, -x R] are closer than
float32 rounding, torch's float32 product and ours (float32 SGEMM, near-ties
re-decided in float64) may pick different buckets, and one token moved
between buckets shifts the chunks of every slot after it (the first seed
tried had one such token in 8192 hashes: 320 rows differed by up to 16%).
So the script draws from seeds 20261204, 20261205, ... and keeps the first
whose smallest top-2 margin (relative, in float64) exceeds 1e-4 (float32
rounding of a 32-term product is ~1e-6 relative): there both agree on every
bucket. It prints the seed and the margin.
Outputs: tests/golden/reformer-R.npy, tests/golden/reformer-real.npy
(heads, n, d). Seeded (torch.manual_seed): a rerun writes the same bytes.
"""
import argparse
from pathlib import Path

import numpy as np
import torch
from reformer_pytorch.reformer_pytorch import LSHAttention


def min_margin(k, R):
    """The smallest relative gap between the top two of [x R, -x R]."""
    rot = np.einsum("btf,fhi->bhti", k.astype(np.float64), R.astype(np.float64))
    rot = np.sort(np.concatenate([rot, -rot], -1), axis=-1)
    return float(((rot[..., -1] - rot[..., -2]) / np.abs(rot[..., -1])).min())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixture", default="tests/fixtures/real/n512")
    ap.add_argument("--out", default="tests/golden")
    a = ap.parse_args()
    torch.set_num_threads(2)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    k = torch.from_numpy(np.load(f"{a.fixture}/layer0-k.npy"))
    v = torch.from_numpy(np.load(f"{a.fixture}/layer0-v.npy"))
    drawn = []
    randn = torch.randn

    def recording_randn(*args, **kwargs):
        t = randn(*args, **kwargs)
        drawn.append(t.clone())
        return t

    lsh = LSHAttention(bucket_size=32, n_hashes=4, causal=False).eval()
    for seed in range(20261204, 20262204):
        torch.manual_seed(seed)
        drawn.clear()
        torch.randn = recording_randn
        try:
            with torch.no_grad():
                o, _, _ = lsh(k, v)
        finally:
            torch.randn = randn
        assert len(drawn) == 1 and drawn[0].shape == (1, 32, 4, 8), [t.shape for t in drawn]
        margin = min_margin(k.numpy(), drawn[0][0].numpy())
        if margin > 1e-4:
            break
    assert margin > 1e-4, "no seed without a near-tie"
    print(f"seed {seed}: smallest relative top-2 margin {margin:.2e}")
    np.save(out / "reformer-R.npy", drawn[0][0].numpy().astype(np.float32))
    np.save(out / "reformer-real.npy", o.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
