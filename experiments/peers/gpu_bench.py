#!/usr/bin/env python3
"""gpu_bench.py -- the GPU peers of experiments/scaling-gpu.yaml, on the same GPU.

  * PyTorch's scaled_dot_product_attention (whatever backend PyTorch picks:
    flash / memory-efficient / math), fp32, fp16 and bf16;
  * HF transformers' Nystromformer self-attention (NystromformerSelfAttention,
    m = 64 landmarks, 6 pinv iterations, the "original" global init, no
    depthwise-conv skip), fp32. That module also applies its Q, K, V input
    projections: they are timed alone and subtracted (both columns are kept).

Same shapes as attnbench's rows: heads = batch x heads = 2 x 8 = 16, d = 64,
i.i.d. N(0, 1) inputs (the `gaussian` data kind, scale 1). Timing: CUDA events
around each call after warm-up, median of --reps calls, inputs rotated among
3 sets so that repeated calls do not run out of L2. One CSV row per
(peer, n, dtype) with the device named; `status` says ok / oom / error.

Usage (on the GPU machine, in a venv with torch and transformers):
  python3 experiments/peers/gpu_bench.py --out results/peers-gpu.csv
  python3 experiments/peers/gpu_bench.py --n 1024 4096 --peers sdpa --check

--check first compares SDPA (fp32 and fp16) and the HF module with
projections set to identity against a float64 computation on a small problem,
and stops on a mismatch: a peer is only worth timing if it computes the
function we think it does.

NOT RUN YET: written and syntax-checked on a machine without a GPU.
"""
import argparse
import csv
import datetime
import math
import os
import platform
import statistics
import sys


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+",
                    default=[1024, 2048, 4096, 8192, 16384, 32768, 65536])
    ap.add_argument("--nystrom-n", type=int, nargs="+", default=[262144, 1048576],
                    help="extra sizes for the Nystromformer peer only")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--landmarks", type=int, default=64)
    ap.add_argument("--dtypes", nargs="+", default=["fp32", "fp16", "bf16"])
    ap.add_argument("--peers", nargs="+", default=["sdpa", "hf-nystrom"],
                    choices=["sdpa", "hf-nystrom"])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true",
                    help="check each peer against float64 on a small problem first")
    ap.add_argument("--out", default="results/peers-gpu.csv")
    return ap.parse_args()


COLUMNS = ["peer", "backend_used", "dtype", "batch", "heads", "n", "d", "landmarks", "status",
           "error", "time_ms_median", "time_ms_min", "time_ms_max", "reps",
           "proj_ms_median", "attn_ms_median", "flops", "gflops", "peak_bytes", "device",
           "torch", "transformers", "cuda", "host", "date"]


def time_calls(torch, fn, inputs, reps, warmup):
    """Median/min/max milliseconds of fn(*inputs[i % len(inputs)]) by CUDA events."""
    for i in range(warmup):
        fn(*inputs[i % len(inputs)])
    torch.cuda.synchronize()
    times = []
    for i in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn(*inputs[i % len(inputs)])
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times), min(times), max(times)


def exact_flops(b, h, n, d):
    return b * h * 4.0 * n * n * d  # 2 n^2 d for Q K^T, 2 n^2 d for P V


def nystrom_flops(b, h, n, d, m, iters=6):
    per_head = (2 * n * d + 2 * m * m * d + iters * 8.0 * m ** 3 + 2 * m * n * d + 2 * m * n * d
                + 2 * m * m * d + 2 * n * m * d + 2 * n * m * d)
    return b * h * per_head


def sdpa_backend_name(torch, q, k, v):
    """Which fused backend SDPA can use for these inputs (best effort)."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:
        return "default"
    for name, be in (("flash", SDPBackend.FLASH_ATTENTION),
                     ("efficient", SDPBackend.EFFICIENT_ATTENTION),
                     ("cudnn", getattr(SDPBackend, "CUDNN_ATTENTION", None)),
                     ("math", SDPBackend.MATH)):
        if be is None:
            continue
        try:
            with sdpa_kernel(be):
                torch.nn.functional.scaled_dot_product_attention(q[:, :, :64], k[:, :, :64],
                                                                 v[:, :, :64])
            return name  # the first in PyTorch's own priority order that accepts them
        except RuntimeError:
            continue
    return "none"


def make_hf_module(torch, args, n):
    from transformers import NystromformerConfig
    from transformers.models.nystromformer.modeling_nystromformer import (
        NystromformerSelfAttention)
    cfg = NystromformerConfig(hidden_size=args.heads * args.d,
                              num_attention_heads=args.heads,
                              num_landmarks=args.landmarks,
                              segment_means_seq_len=n,
                              conv_kernel_size=None,
                              inv_coeff_init_option=False,
                              attention_probs_dropout_prob=0.0)
    return NystromformerSelfAttention(cfg).cuda().eval()


def check_peers(torch, args):
    """Each peer against float64 on a small problem; raises on a mismatch."""
    g = torch.Generator(device="cuda").manual_seed(args.seed)
    b, h, n, d = 1, 2, 256, args.d
    q, k, v = (torch.randn(b, h, n, d, device="cuda", generator=g, dtype=torch.float64)
               for _ in range(3))
    ref = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1) @ v
    for name, dt, tol in (("fp32", torch.float32, 1e-5), ("fp16", torch.float16, 1e-2),
                          ("bf16", torch.bfloat16, 2e-2)):
        o = torch.nn.functional.scaled_dot_product_attention(q.to(dt), k.to(dt), v.to(dt))
        err = ((o.double() - ref).norm() / ref.norm()).item()
        print(f"check: sdpa {name}: rel err {err:.3g} (tol {tol})")
        if not err < tol:
            raise SystemExit(f"sdpa {name} does not compute softmax attention (rel err {err})")
    if "hf-nystrom" in args.peers:
        # with m = n the module takes its exact-attention branch: it must equal
        # softmax attention (identity projections, Q = K = V = x)
        mod = make_hf_module(torch, argparse.Namespace(heads=h, d=d, landmarks=n), n).double()
        with torch.no_grad():
            for lin in (mod.query, mod.key, mod.value):
                lin.weight.copy_(torch.eye(h * d, dtype=torch.float64))
                lin.bias.zero_()
            x = q.transpose(1, 2).reshape(b, n, h * d)
            r2 = torch.softmax(q @ q.transpose(-1, -2) / math.sqrt(d), -1) @ q
            o = mod(x)[0].reshape(b, n, h, d).transpose(1, 2)
        err = ((o - r2).norm() / r2.norm()).item()
        print(f"check: hf-nystrom (m = n, identity projections): rel err vs exact {err:.3g}")
        if not err < 1e-8:
            raise SystemExit(f"hf-nystrom with m = n is not exact attention (rel err {err})")


def main():
    args = parse_args()
    import torch
    if not torch.cuda.is_available():
        raise SystemExit("gpu_bench.py: no CUDA device visible to PyTorch")
    try:
        import transformers
        tf_version = transformers.__version__
    except ImportError:
        tf_version = ""
        if "hf-nystrom" in args.peers:
            raise SystemExit("gpu_bench.py: pip install transformers (or --peers sdpa)")
    props = torch.cuda.get_device_properties(0)
    device = f"{props.name}; cc {props.major}.{props.minor}; {props.multi_processor_count} SMs"
    if args.check:
        check_peers(torch, args)
    dtypes = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    b, h, d = args.batch, args.heads, args.d
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()

        def emit(row):
            base = {"batch": b, "heads": h, "d": d, "device": device,
                    "torch": torch.__version__, "transformers": tf_version,
                    "cuda": torch.version.cuda, "host": platform.node(),
                    "date": datetime.datetime.now(datetime.timezone.utc).isoformat()}
            base.update(row)
            w.writerow(base)
            f.flush()
            print(f"{row['peer']:11s} {row['dtype']:5s} n={row['n']:8d} {row['status']:6s} "
                  f"{row.get('time_ms_median', '')}", file=sys.stderr)

        g = torch.Generator(device="cuda").manual_seed(args.seed)
        if "sdpa" in args.peers:
            for n in args.n:
                for name in args.dtypes:
                    row = {"peer": "sdpa", "dtype": name, "n": n, "landmarks": ""}
                    try:
                        torch.cuda.empty_cache()
                        torch.cuda.reset_peak_memory_stats()
                        sets = [tuple(torch.randn(b, h, n, d, device="cuda", generator=g,
                                                  dtype=dtypes[name]) for _ in range(3))
                                for _ in range(3)]
                        row["backend_used"] = sdpa_backend_name(torch, *sets[0])
                        fn = torch.nn.functional.scaled_dot_product_attention
                        with torch.no_grad():
                            med, lo, hi = time_calls(torch, fn, sets, args.reps, args.warmup)
                        fl = exact_flops(b, h, n, d)
                        row.update(status="ok", time_ms_median=f"{med:.6g}",
                                   time_ms_min=f"{lo:.6g}", time_ms_max=f"{hi:.6g}",
                                   reps=args.reps, attn_ms_median=f"{med:.6g}",
                                   flops=f"{fl:.6g}", gflops=f"{fl / (med * 1e6):.6g}",
                                   peak_bytes=torch.cuda.max_memory_allocated())
                        del sets
                    except torch.cuda.OutOfMemoryError as e:
                        row.update(status="oom", error=str(e).splitlines()[0])
                    except RuntimeError as e:
                        row.update(status="error", error=str(e).splitlines()[0])
                    emit(row)
        if "hf-nystrom" in args.peers:
            for n in list(args.n) + list(args.nystrom_n):
                row = {"peer": "hf-nystrom", "dtype": "fp32", "n": n,
                       "landmarks": args.landmarks, "backend_used": "transformers"}
                if n % args.landmarks:
                    row.update(status="error", error="n must be a multiple of the landmarks")
                    emit(row)
                    continue
                try:
                    torch.cuda.empty_cache()
                    torch.cuda.reset_peak_memory_stats()
                    mod = make_hf_module(torch, args, n)
                    sets = [(torch.randn(b, n, h * d, device="cuda", generator=g),)
                            for _ in range(3)]

                    def proj(x):
                        return mod.query(x), mod.key(x), mod.value(x)

                    with torch.no_grad():
                        med, lo, hi = time_calls(torch, mod, sets, args.reps, args.warmup)
                        pmed, _, _ = time_calls(torch, proj, sets, args.reps, args.warmup)
                    fl = nystrom_flops(b, h, n, d, args.landmarks)
                    attn = med - pmed
                    row.update(status="ok", time_ms_median=f"{med:.6g}", time_ms_min=f"{lo:.6g}",
                               time_ms_max=f"{hi:.6g}", reps=args.reps,
                               proj_ms_median=f"{pmed:.6g}", attn_ms_median=f"{attn:.6g}",
                               flops=f"{fl:.6g}", gflops=f"{fl / (attn * 1e6):.6g}",
                               peak_bytes=torch.cuda.max_memory_allocated())
                    del mod, sets
                except torch.cuda.OutOfMemoryError as e:
                    row.update(status="oom", error=str(e).splitlines()[0])
                except RuntimeError as e:
                    row.update(status="error", error=str(e).splitlines()[0])
                emit(row)
    print(f"gpu_bench.py: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
