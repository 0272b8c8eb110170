#!/usr/bin/env python3
"""bench.py — time the PyTorch peers on the CPU, same shapes and threads as
attnbench's scaling study, and write their rows in attnbench's CSV schema
(method `peer:<name>`), so that `attnbench plot` draws them on the same axes.

  /work/venv/bin/python experiments/peers/bench.py --like results/scaling.csv --out results/peers.csv
  build/attnbench merge results/scaling.csv results/peers.csv --out results/scaling-peers.csv
  build/attnbench plot results/scaling-peers.csv

Peers (float32, batch 1, 1 head, d = 64, torch.set_num_threads(threads)):
  peer:sdpa        torch.nn.functional.scaled_dot_product_attention
  peer:hf-nystrom  transformers' NystromformerSelfAttention core (64 landmarks,
                   6 iterations, conv off; identity projections: timed is the
                   attention itself, as attnbench times it)
  peer:lucidrains  nystrom-attention's NystromAttention (64 landmarks, residual
                   off; its to_qkv/to_out projections are part of its call and
                   are timed: 2 x n x 3d x 3d + ... FLOPs, small at d = 64)
  peer:performer-pytorch  performer-pytorch's FastAttention (FAVOR+, its
                   default r = int(d ln d) = 266 features, as our performer's
                   default), called on (1, 1, n, d) Q, K, V: no projections
  peer:linformer   lucidrains' LinformerSelfAttention (k = 256, our default;
                   seq_len = n), its to_q/to_k/to_v/to_out replaced by the
                   identity: timed is the attention with its n -> k projections
Timing: one warm-up call, then `repeats` timed calls (median, min, max), like
attnbench. Errors are not measured here (tests/test_peers.c checks them).
"""
import argparse
import csv
import os
import platform
import statistics
import time
from datetime import datetime, timezone

import numpy as np
import torch


def timeit(fn, repeats, budget):
    fn()
    times = []
    t0 = time.perf_counter()
    for _ in range(repeats):
        a = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - a))
        if time.perf_counter() - t0 > budget:
            break
    return times


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--like", default="results/scaling.csv", help="a CSV whose columns to use")
    ap.add_argument("--out", default="results/peers.csv")
    ap.add_argument("--n", default="1024,4096,16384,65536")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=40.0, help="seconds of timed calls per row")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cols = next(csv.reader(open(a.like)))
    d, m, H = 64, 64, 1
    from transformers import NystromformerConfig
    from transformers.models.nystromformer.modeling_nystromformer import NystromformerSelfAttention
    from nystrom_attention import NystromAttention
    from performer_pytorch import FastAttention
    from linformer import LinformerSelfAttention
    rows = []
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-peers"
    for n in [int(x) for x in a.n.split(",")]:
        g = torch.Generator().manual_seed(n)
        q, k, v = (torch.randn(1, H, n, d, generator=g) for _ in range(3))
        cfg = NystromformerConfig(hidden_size=H * d, num_attention_heads=H, num_landmarks=m,
                                  segment_means_seq_len=n)
        hf = NystromformerSelfAttention(cfg).eval()
        hf.conv_kernel_size = None
        for lin in (hf.query, hf.key, hf.value):
            with torch.no_grad():
                lin.weight.copy_(torch.eye(H * d))
                lin.bias.zero_()
        x = q.permute(0, 2, 1, 3).reshape(1, n, H * d)
        lucid = NystromAttention(dim=H * d, dim_head=d, heads=H, num_landmarks=m, pinv_iterations=6,
                                 residual=False).eval()
        torch.manual_seed(n)
        favor = FastAttention(dim_heads=d).eval()
        r = favor.nb_features
        lin = LinformerSelfAttention(dim=H * d, seq_len=n, k=256, heads=H, dim_head=d).eval()
        lin.to_q = lin.to_k = lin.to_v = lin.to_out = torch.nn.Identity()
        peers = {
            "peer:sdpa": (lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v), 4.0 * n * n * d),
            "peer:hf-nystrom": (lambda: hf(x), 4.0 * n * m * 2 * d),
            "peer:lucidrains": (lambda: lucid(x), 4.0 * n * m * 2 * d),
            "peer:performer-pytorch": (lambda: favor(q, k, v), H * (4.0 * n * r * d + 4.0 * n * r * d)),
            "peer:linformer": (lambda: lin(x), H * (2.0 * 256 * n * 2 * d + 2.0 * n * 256 * 2 * d)),
        }
        knobs = {"peer:sdpa": ("", n), "peer:hf-nystrom": ("landmarks=64;pinv_iters=6", m),
                 "peer:lucidrains": ("landmarks=64;pinv_iters=6", m),
                 "peer:performer-pytorch": (f"features={r}", r), "peer:linformer": ("k=256", 256)}
        for name, (fn, flops) in peers.items():
            with torch.no_grad():
                t = timeit(fn, a.repeats, a.budget)
            med = statistics.median(t)
            print(f"n={n:6d} {name:16s} {med:10.3f} ms  ({len(t)} reps)", flush=True)
            r = {c: "" for c in cols}
            r.update(row_id=f"{name}-{n}", run_id=run_id, config="experiments/peers/bench.py",
                     data="gaussian", data_params=f"heads={H};n={n};d={d};scale=1", heads=H, n=n, d=d,
                     dv=d, scale=1, seed=n, method=name, params=knobs[name][0], budget=knobs[name][1],
                     status="ok",
                     time_ms_median=f"{med:.6g}", time_ms_min=f"{min(t):.6g}", time_ms_max=f"{max(t):.6g}",
                     reps=len(t), flops=f"{flops:.6g}", gflops=f"{flops / med / 1e6:.6g}", threads=a.threads,
                     date=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     git_rev=f"torch {torch.__version__}", host=platform.node(), cpu=cpu_model(),
                     blas=torch.__config__.show().split("\n")[0][:120], device="cpu")
            rows.append({c: r.get(c, "") for c in cols})
    with open(a.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
