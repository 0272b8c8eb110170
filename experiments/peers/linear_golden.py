#!/usr/bin/env python3
"""linear_golden.py — golden outputs of pytorch-fast-transformers' LinearAttention
(Katharopoulos et al.; phi = elu + 1, eps = 1e-6) for tests/test_peers.c.

pytorch-fast-transformers 0.4.0 does not pip-install on a CPU-only machine (its
setup.py builds C++/CUDA extensions and fails), but LinearAttention itself is
pure PyTorch: this script takes the sdist (`pip download --no-deps
--no-build-isolation pytorch-fast-transformers==0.4.0`, into --cache), unpacks it
and imports only fast_transformers/attention/linear_attention.py (the package's
attention/__init__.py would import the compiled causal kernels).

Inputs: tests/golden/syn-{q,k,v}.npy (2 heads, n = 500, d = 32). Outputs, (H, n, d):
  linear-syn.npy      batch 1, 2 heads, no mask
  linear-syn-pad.npy  the 2 heads as a batch of 2 sequences (one head each) with
                      key_lengths 437 and 61 (LengthMask: padded keys zeroed in
                      phi(K)); padded query rows set to 0 (the harness's contract)
Run with the peers venv: ~/.venvs/attnbench/bin/python experiments/peers/linear_golden.py
"""
import argparse
import os
import subprocess
import sys
import tarfile
import types
from pathlib import Path

import numpy as np
import torch

VERSION = "0.4.0"
PAD_LENGTHS = (437, 61)  # tests/test_peers.c uses the same


def load_linear_attention(cache):
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / f"pytorch-fast-transformers-{VERSION}.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation",
                        "-d", str(cache), f"pytorch-fast-transformers=={VERSION}"], check=True)
    root = cache / f"pytorch-fast-transformers-{VERSION}"
    if not root.exists():
        with tarfile.open(sdist) as t:
            t.extractall(cache)
    sys.path.insert(0, str(root))
    import fast_transformers  # noqa: F401  (metadata only)
    pkg = types.ModuleType("fast_transformers.attention")
    pkg.__path__ = [str(root / "fast_transformers" / "attention")]
    sys.modules["fast_transformers.attention"] = pkg
    from fast_transformers.attention.linear_attention import LinearAttention
    from fast_transformers.masking import FullMask, LengthMask
    return LinearAttention, FullMask, LengthMask


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", default="tests/golden")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/attnbench/fast-transformers"))
    a = ap.parse_args()
    LinearAttention, FullMask, LengthMask = load_linear_attention(Path(a.cache))
    g = Path(a.golden)
    q, k, v = (np.load(g / f"syn-{t}.npy") for t in "qkv")
    H, n, d = q.shape
    att = LinearAttention(query_dimensions=d).eval()
    t = lambda x: torch.from_numpy(x).permute(1, 0, 2)[None]  # (1, n, H, d)
    with torch.no_grad():
        out = att(t(q), t(k), t(v), FullMask(n), LengthMask(torch.tensor([n]), max_len=n),
                  LengthMask(torch.tensor([n]), max_len=n))
    np.save(g / "linear-syn.npy", out[0].permute(1, 0, 2).contiguous().numpy())
    b = lambda x: torch.from_numpy(x)[:, :, None, :]  # (H as batch, n, 1, d)
    lengths = torch.tensor(PAD_LENGTHS)
    with torch.no_grad():
        out = att(b(q), b(k), b(v), FullMask(n), LengthMask(lengths, max_len=n),
                  LengthMask(lengths, max_len=n))
    pad = out[:, :, 0, :].contiguous().numpy().copy()
    for h, L in enumerate(PAD_LENGTHS):
        pad[h, L:] = 0
    np.save(g / "linear-syn-pad.npy", pad)
    print("wrote linear-syn.npy, linear-syn-pad.npy")


if __name__ == "__main__":
    main()
