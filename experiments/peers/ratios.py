#!/usr/bin/env python3
"""ratios.py — the ratio tables: our CPU methods against the PyTorch peers,
time ratios (peer ÷ ours) from two CSVs measured back to back on one machine.

  python3 experiments/peers/ratios.py results/scaling.csv results/peers.csv \
      [--out results/peer-ratios.csv]

Pairs (ours: method and the parameters that identify it; peer: method):
  exact impl=fused            peer:sdpa
  nystrom landmarks=64        peer:hf-nystrom, peer:lucidrains
  performer (default r)       peer:performer-pytorch
  linformer k=256             peer:linformer
Prints a markdown table per pair family, with each row's GFLOP/s, and writes
one CSV row per (n, pair). Standard library only (no torch needed).
"""
import argparse
import csv
import sys

PAIRS = [
    ("exact", {"impl": "fused"}, "peer:sdpa"),
    ("nystrom", {"landmarks": "64", "pinv": "iterative", "pinv_iters": "6"}, "peer:hf-nystrom"),
    ("nystrom", {"landmarks": "64", "pinv": "iterative", "pinv_iters": "6"}, "peer:lucidrains"),
    ("performer", {"features": "0"}, "peer:performer-pytorch"),
    ("linformer", {"k": "256"}, "peer:linformer"),
]


def params(row):
    return dict(kv.split("=", 1) for kv in row["params"].split(";") if "=" in kv)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ours")
    ap.add_argument("peers")
    ap.add_argument("--out", help="write the ratios as CSV")
    a = ap.parse_args()
    ours = [r for r in csv.DictReader(open(a.ours)) if r["status"] == "ok" and r["time_ms_median"]]
    peers = [r for r in csv.DictReader(open(a.peers)) if r["status"] == "ok" and r["time_ms_median"]]
    out = []
    for method, want, peer in PAIRS:
        rows = []
        for p in sorted(peers, key=lambda r: int(r["n"])):
            if p["method"] != peer:
                continue
            mine = [r for r in ours if r["method"] == method and r["n"] == p["n"] and r["d"] == p["d"]
                    and r["heads"] == p["heads"] and all(params(r).get(k) == v for k, v in want.items())]
            if len(mine) != 1:
                print(f"ratios.py: n={p['n']}: {len(mine)} rows of {method} {want} in {a.ours}, "
                      "expected 1", file=sys.stderr)
                continue
            m = mine[0]
            t_ours, t_peer = float(m["time_ms_median"]), float(p["time_ms_median"])
            rows.append((int(p["n"]), t_ours, float(m["gflops"] or "nan"), t_peer,
                         float(p["gflops"] or "nan"), t_peer / t_ours))
            out.append({"n": p["n"], "ours": f"{method} {';'.join(f'{k}={v}' for k, v in want.items())}",
                        "peer": peer, "ours_ms": f"{t_ours:.6g}", "peer_ms": f"{t_peer:.6g}",
                        "ours_gflops": m["gflops"], "peer_gflops": p["gflops"],
                        "ratio": f"{t_peer / t_ours:.4g}", "threads": m["threads"], "cpu": m["cpu"]})
        if not rows:
            continue
        print(f"\n{method} vs {peer} (ratio = {peer} time / ours)\n")
        print("| n | ours (ms) | ours GFLOP/s | peer (ms) | peer GFLOP/s | ratio |")
        print("|---|---|---|---|---|---|")
        for n, to, go, tp, gp, r in rows:
            print(f"| {n} | {to:.4g} | {go:.0f} | {tp:.4g} | {gp:.0f} | {r:.2f}× |")
    if not out:
        print("ratios.py: no pairs found", file=sys.stderr)
        return 1
    if a.out:
        with open(a.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(out[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(out)
        print(f"\nwrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
