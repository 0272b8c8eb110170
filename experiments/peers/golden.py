#!/usr/bin/env python3
"""golden.py — golden outputs of the public PyTorch implementations, for
tests/test_peers.c to compare attnbench against (outside the test command:
needs torch, transformers, nystrom-attention, performer-pytorch, linformer;
experiments/peers/setup.sh installs the pinned versions into a venv; see
experiments/peers/README.md).

Inputs: the real fixture (tests/fixtures/real, MiniLM layer 0, heads 0-3,
n = 512, d = 32) and a synthetic set written here (2 heads, n = 500, d = 32,
N(0, 1) with the logits at temperature 2). Peers, all float32, batch 1:
  exact    torch.nn.functional.scaled_dot_product_attention
  hf       transformers' NystromformerSelfAttention: identity projections
           (Q|K|V concatenated per token, each projection selecting its
           third), conv_kernel_size None, num_landmarks < seq_len so that the
           Nystrom branch runs (at equality HF silently computes exact
           attention), its default "original" init (one scalar for the batch)
  lucid    lucidrains' NystromAttention(residual=False), to_qkv the identity,
           to_out selecting the heads' output; no mask, so a sequence that
           does not divide by m is left-padded with zero rows that are keys
  performer  performer-pytorch's FastAttention (d = 32, its default
           nb_features = int(d ln d) = 110, ortho_scaling 0): its random
           projection_matrix is exported (performer-W.npy, 110 x 32) and fed to
           our performer (features_file); softmax kernel (its eps = 1e-4 after
           the exponential: our `eps`) and the generalized ReLU kernel; and
           causal=True on the synthetic input (performer-causal-syn.npy: ours
           with eps 1e-4, stabilizer: global, causal_eps: 1e-6)
  hf, lucid with a padding mask (hf-syn-m50-pad, lucid-syn-m64-pad): the
           synthetic heads as a batch of sequences (one head each) of
           NYS_PAD_LENGTHS valid tokens; HF with attention_mask (additive,
           finfo.min on padded keys), lucidrains with mask (bool); padded
           output rows zeroed (the harness's contract)
  linformer  lucidrains' LinformerSelfAttention (k = 64, seq_len 512, to_q/k/v
           selecting Q, K, V, to_out the identity): its proj_k, proj_v
           (512 x 64 each) are exported transposed (linformer-E.npy,
           linformer-F.npy: k x 512) and fed to our linformer (projection:
           file); the 500-token input uses their first 500 columns, as
           lucidrains slices them
Masked goldens (exact attention only, the first two heads of each input,
so that each file stays under 200 KB):
  exact-causal-{real,syn}   scaled_dot_product_attention(is_causal=True)
  exact-padding-{real,syn}  a padded batch: each head is one sequence of the
           batch (shape (H, 1, n, d)) with lengths PAD_LENGTHS, and a boolean
           attn_mask (H, 1, 1, n), True on the valid keys; the padded query
           rows (which SDPA still computes, over the valid keys) are set to 0,
           the harness's definition of a padded row
Random draws are seeded (torch.manual_seed), so a rerun rewrites the same
files. Outputs go to tests/golden/*.npy, shape (heads, n, d).
"""
import argparse
import math
from pathlib import Path

import numpy as np
import torch


def as_tokens(q, k, v):
    """(H, n, d) x3 -> (1, n, 3 H d): per token [Q heads | K heads | V heads]."""
    H, n, d = q.shape
    cat = lambda t: torch.from_numpy(t).permute(1, 0, 2).reshape(n, H * d)
    return torch.cat([cat(q), cat(k), cat(v)], dim=-1)[None]


def selector(H, d, which):
    """A (H d) x (3 H d) matrix picking block `which` of [Q|K|V]."""
    w = torch.zeros(H * d, 3 * H * d)
    w[:, which * H * d:(which + 1) * H * d] = torch.eye(H * d)
    return w


def heads_out(x, H, d):
    n = x.shape[1]
    return x[0, :, :H * d].reshape(n, H, d).permute(1, 0, 2).contiguous().numpy()


def exact(q, k, v):
    t = lambda a: torch.from_numpy(a)[None]
    return torch.nn.functional.scaled_dot_product_attention(t(q), t(k), t(v))[0].numpy()


# valid tokens per head of the padded goldens (not multiples of 32 or 64);
# tests/test_peers.c holds the same numbers
PAD_LENGTHS = {"real": (397, 203), "syn": (431, 77)}


def exact_masked(q, k, v, mask, lengths=None):
    """SDPA on the first two heads under mask 'causal' or 'padding'."""
    q, k, v = (torch.from_numpy(np.ascontiguousarray(a[:2])) for a in (q, k, v))
    H, n, _ = q.shape
    if mask == "causal":
        out = torch.nn.functional.scaled_dot_product_attention(q[None], k[None], v[None],
                                                               is_causal=True)[0]
        return out.numpy()
    valid = torch.arange(n)[None, :] < torch.tensor(lengths)[:, None]  # (H, n)
    out = torch.nn.functional.scaled_dot_product_attention(
        q[:, None], k[:, None], v[:, None], attn_mask=valid[:, None, None, :])[:, 0]
    out = torch.where(valid[:, :, None], out, torch.zeros(()))
    return out.contiguous().numpy()


def hf(q, k, v, m):
    from transformers import NystromformerConfig
    from transformers.models.nystromformer.modeling_nystromformer import NystromformerSelfAttention
    H, n, d = q.shape
    assert n % m == 0 and m < n, "HF needs n divisible by m and m < n (else it runs exact attention)"
    cfg = NystromformerConfig(hidden_size=H * d, num_attention_heads=H, num_landmarks=m,
                              segment_means_seq_len=n)
    att = NystromformerSelfAttention(cfg).eval()
    att.conv_kernel_size = None  # the depthwise-conv skip off (the config refuses None)
    for which, name in enumerate(("query", "key", "value")):
        lin = torch.nn.Linear(3 * H * d, H * d)
        with torch.no_grad():
            lin.weight.copy_(selector(H, d, which))
            lin.bias.zero_()
        setattr(att, name, lin)
    with torch.no_grad():
        out = att(as_tokens(q, k, v))[0]
    return out[0].reshape(n, H, d).permute(1, 0, 2).contiguous().numpy()


def lucid(q, k, v, m):
    from nystrom_attention import NystromAttention
    H, n, d = q.shape
    att = NystromAttention(dim=3 * H * d, dim_head=d, heads=H, num_landmarks=m, pinv_iterations=6,
                           residual=False).eval()
    with torch.no_grad():
        att.to_qkv.weight.copy_(torch.eye(3 * H * d))
        w = torch.zeros(3 * H * d, H * d)
        w[:H * d] = torch.eye(H * d)
        att.to_out[0].weight.copy_(w)
        att.to_out[0].bias.zero_()
        out = att(as_tokens(q, k, v))
    return heads_out(out, H, d)


def batch_tokens(q, k, v):
    """(H, n, d) x3 -> (H, n, 3 d): each head a sequence of its own (batch of H, 1 head)."""
    return torch.cat([as_tokens(q[b:b + 1], k[b:b + 1], v[b:b + 1]) for b in range(q.shape[0])])


def zero_padded(out, lengths):
    for b, L in enumerate(lengths):
        out[b, L:] = 0  # the harness's contract: padded rows are 0
    return out


def hf_masked(q, k, v, m, lengths):
    """HF NystromformerSelfAttention with attention_mask: a batch of H sequences
    (one head each; its "original" init takes one scalar over the batch, our
    pinv_init: global), the additive mask (0 valid, finfo.min padded) as
    NystromformerModel's get_extended_attention_mask makes it."""
    from transformers import NystromformerConfig
    from transformers.models.nystromformer.modeling_nystromformer import NystromformerSelfAttention
    H, n, d = q.shape
    assert n % m == 0 and m < n
    cfg = NystromformerConfig(hidden_size=d, num_attention_heads=1, num_landmarks=m,
                              segment_means_seq_len=n)
    att = NystromformerSelfAttention(cfg).eval()
    att.conv_kernel_size = None
    for which, name in enumerate(("query", "key", "value")):
        lin = torch.nn.Linear(3 * d, d)
        with torch.no_grad():
            lin.weight.copy_(selector(1, d, which))
            lin.bias.zero_()
        setattr(att, name, lin)
    valid = torch.zeros(H, n)
    for b, L in enumerate(lengths):
        valid[b, :L] = 1
    mask = ((1.0 - valid) * torch.finfo(torch.float32).min)[:, None, None, :]
    with torch.no_grad():
        out = att(batch_tokens(q, k, v), attention_mask=mask)[0]
    return zero_padded(out.numpy().copy(), lengths)


def lucid_masked(q, k, v, m, lengths):
    """lucidrains' NystromAttention with `mask` (bool, True = valid): a batch of
    H sequences, one head each (its pinv init: one scalar over the batch)."""
    from nystrom_attention import NystromAttention
    H, n, d = q.shape
    att = NystromAttention(dim=3 * d, dim_head=d, heads=1, num_landmarks=m, pinv_iterations=6,
                           residual=False).eval()
    mask = torch.zeros(H, n, dtype=torch.bool)
    for b, L in enumerate(lengths):
        mask[b, :L] = True
    with torch.no_grad():
        att.to_qkv.weight.copy_(torch.eye(3 * d))
        w = torch.zeros(3 * d, d)
        w[:d] = torch.eye(d)
        att.to_out[0].weight.copy_(w)
        att.to_out[0].bias.zero_()
        out = att(batch_tokens(q, k, v), mask=mask)[:, :, :d]
    return zero_padded(out.numpy().copy(), lengths)


def performer(q, k, v, relu=False, W=None, causal=False):
    """performer-pytorch FastAttention on (1, H, n, d); returns (out, W). causal=True
    runs its causal_linear_attention_noncuda (without fast_transformers' CUDA
    kernel): prefix sums with 1e-6 added to the key sums, the key stabiliser a
    max over all keys (future ones included)."""
    from performer_pytorch import FastAttention
    H, n, d = q.shape
    att = FastAttention(dim_heads=d, generalized_attention=relu, causal=causal).eval()
    if W is not None:
        att.projection_matrix.copy_(torch.from_numpy(W))
    t = lambda a: torch.from_numpy(a)[None]
    with torch.no_grad():
        out = att(t(q), t(k), t(v))[0]
    return out.numpy(), att.projection_matrix.numpy().astype(np.float32)


def linformer(q, k, v, kdim, seq_len, E=None, F=None):
    """lucidrains LinformerSelfAttention; returns (out, E, F), E = proj_k^T (k x seq_len)."""
    from linformer import LinformerSelfAttention
    H, n, d = q.shape
    att = LinformerSelfAttention(dim=3 * H * d, seq_len=seq_len, k=kdim, heads=H, dim_head=d).eval()
    with torch.no_grad():
        for which, lin in enumerate((att.to_q, att.to_k, att.to_v)):
            lin.weight.copy_(selector(H, d, which))
        if E is not None:
            att.proj_k.copy_(torch.from_numpy(E).t())
            att.proj_v.copy_(torch.from_numpy(F).t())
        att.to_out = torch.nn.Identity()
        out = att(as_tokens(q, k, v))
    E = att.proj_k.detach().t().contiguous().numpy()
    F = att.proj_v.detach().t().contiguous().numpy()
    return heads_out(out, H, d), E, F


NYS_PAD_LENGTHS = (437, 61)  # tests/test_peers.c uses the same


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixture", default="tests/fixtures/real/n512")
    ap.add_argument("--out", default="tests/golden")
    a = ap.parse_args()
    torch.set_num_threads(2)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rq, rk, rv = (np.load(f"{a.fixture}/layer0-{t}.npy") for t in "qkv")
    rng = np.random.default_rng(20261122)
    s = math.sqrt(2.0)  # logits at temperature 2
    sq, sk = (rng.standard_normal((2, 500, 32)).astype(np.float32) * s for _ in range(2))
    sv = rng.standard_normal((2, 500, 32)).astype(np.float32)
    for t, arr in zip("qkv", (sq, sk, sv)):
        np.save(out / f"syn-{t}.npy", arr)
    np.save(out / "exact-real.npy", exact(rq, rk, rv))
    np.save(out / "exact-syn.npy", exact(sq, sk, sv))
    for name, (q, k, v) in (("real", (rq, rk, rv)), ("syn", (sq, sk, sv))):
        np.save(out / f"exact-causal-{name}.npy", exact_masked(q, k, v, "causal"))
        np.save(out / f"exact-padding-{name}.npy",
                exact_masked(q, k, v, "padding", PAD_LENGTHS[name]))
    np.save(out / "hf-real-m64.npy", hf(rq, rk, rv, 64))
    np.save(out / "hf-syn-m50.npy", hf(sq, sk, sv, 50))
    np.save(out / "lucid-real-m64.npy", lucid(rq, rk, rv, 64))
    np.save(out / "lucid-syn-m64.npy", lucid(sq, sk, sv, 64))  # 500 = 7 x 64 + 52: 12 zero rows
    # padded batch: the 2 synthetic heads as sequences of 437 and 61 valid tokens
    # (not multiples of m; lucidrains' 12 left zero rows are masked too, and
    # with 61 tokens most of its 64 landmarks are empty)
    np.save(out / "hf-syn-m50-pad.npy", hf_masked(sq, sk, sv, 50, NYS_PAD_LENGTHS))
    np.save(out / "lucid-syn-m64-pad.npy", lucid_masked(sq, sk, sv, 64, NYS_PAD_LENGTHS))
    torch.manual_seed(4)
    o, W = performer(rq, rk, rv)
    np.save(out / "performer-W.npy", W)
    np.save(out / "performer-real.npy", o)
    np.save(out / "performer-syn.npy", performer(sq, sk, sv, W=W)[0])
    np.save(out / "performer-relu-real.npy", performer(rq, rk, rv, relu=True, W=W)[0])
    np.save(out / "performer-causal-syn.npy", performer(sq, sk, sv, W=W, causal=True)[0])
    torch.manual_seed(5)
    o, E, F = linformer(rq, rk, rv, 64, 512)
    np.save(out / "linformer-E.npy", E)
    np.save(out / "linformer-F.npy", F)
    np.save(out / "linformer-real-k64.npy", o)
    np.save(out / "linformer-syn-k64.npy", linformer(sq, sk, sv, 64, 512, E, F)[0])
    print("wrote", sorted(p.name for p in out.glob("*.npy")))


if __name__ == "__main__":
    main()
