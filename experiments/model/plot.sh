#!/bin/sh
# plot.sh — the model study's charts from `attnbench model` results, with gnuplot:
#   experiments/model/plot.sh results/model.csv [results/model-layers.csv] [OUTDIR]
# writes OUTDIR (default plots/) model-error-growth.png (each layer's hidden-state
# error through the network, every method with all layers replaced),
# model-cheap-vs-costly.png (embedding cosine and top-10 retrieval agreement
# against the attention-level error out_rel: does the cheap metric predict the
# costly one?) and, given the per-layer results, model-sensitivity.png
# (1 - mean embedding cosine when one layer alone is replaced). Rows whose
# status is not ok are left out. The .gp and .dat files stay beside the PNGs.
set -eu
all=$1
each=${2:-}
out=${3:-plots}
mkdir -p "$out"
name=$(basename "$all" .csv)
# label: method and its first parameter (" svd" for the SVD pseudo-inverse)
rows() { # CSV LAYERS-FILTER -> "label<TAB>col=value..." lines of ok rows
  awk -F, -v want="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["status"] != "ok" { next }
    want != "" && $col["layers"] != want { next }
    {
      split($col["params"], p, ";"); lab = $col["method"] " " p[1]
      if ($col["params"] ~ /pinv=svd/) lab = lab " svd"
      if ($col["method"] == "exact") lab = "exact"
      printf "%s", lab
      for (c in col) if (c ~ /^hidden_rel_l|^attn_out_rel$|^emb_cos|^top10|^spearman$|^layers$/) printf "\t%s=%s", c, $col[c]
      printf "\n"
    }' "$1"
}
val() { echo "$1" | tr '\t' '\n' | sed -n "s/^$2=//p"; }

# 1. error growth through the layers (all layers replaced)
dat="$out/model-error-growth.dat"
: > "$dat"
n=0
rows "$all" all | while IFS= read -r line; do
  lab=${line%%"	"*}
  [ "$lab" = exact ] && continue
  printf '"%s" "rel"\n' "$lab" >> "$dat"
  l=1
  while v=$(val "$line" "hidden_rel_l$l") && [ -n "$v" ]; do
    echo "$l $v" >> "$dat"
    l=$((l + 1))
  done
  printf '\n\n' >> "$dat"
done
n=$(grep -c '"rel"' "$dat" || true)
cat > "$out/model-error-growth.gp" <<GP
set terminal pngcairo size 1000,600
set output '$out/model-error-growth.png'
set title '$name: every attention layer replaced, hidden-state error after each layer'
set xlabel 'layer'; set ylabel '||h - h_{exact}||_F / ||h_{exact}||_F'
set logscale y; set key outside right; set grid
plot for [i=0:$((n - 1))] '$dat' index i using 1:2 with linespoints title columnheader(1)
GP
gnuplot "$out/model-error-growth.gp"

# 2. the cheap metric against the costly ones
dat="$out/model-cheap-vs-costly.dat"
echo "# label attn_out_rel emb_cos_mean top10_overlap spearman" > "$dat"
rows "$all" all | while IFS= read -r line; do
  lab=${line%%"	"*}
  [ "$lab" = exact ] && continue
  echo "\"$lab\" $(val "$line" attn_out_rel) $(val "$line" emb_cos_mean) $(val "$line" top10_overlap) $(val "$line" spearman)" >> "$dat"
done
cat > "$out/model-cheap-vs-costly.gp" <<GP
set terminal pngcairo size 1200,520
set output '$out/model-cheap-vs-costly.png'
set multiplot layout 1,2 title '$name: every layer replaced, attention-level error vs what reaches the embedding'
set logscale x; set grid; unset key
set xlabel 'attention out\\_rel (on each layer''s own inputs)'
set ylabel '1 - mean embedding cosine'; set logscale y
plot '$dat' using 2:(1-\$3) with points pt 7, '' using 2:(1-\$3):1 with labels offset 0,0.8 font ',7'
unset logscale y
set ylabel 'retrieval agreement'; set yrange [0:1.05]; set key bottom left
plot '$dat' using 2:4 with points pt 7 title 'top-10 overlap', '' using 2:5 with points pt 5 title 'Spearman (pairwise)', \
     '' using 2:4:1 with labels offset 0,0.8 font ',7' notitle
unset multiplot
GP
gnuplot "$out/model-cheap-vs-costly.gp"

# 3. per-layer sensitivity (one layer replaced at a time)
if [ -n "$each" ]; then
  dat="$out/model-sensitivity.dat"
  : > "$dat"
  for lab in $(rows "$each" "" | cut -f1 | sed 's/ /~/g' | sort -u); do
    [ "$lab" = exact ] && continue
    printf '"%s" "x"\n' "$(echo "$lab" | tr '~' ' ')" >> "$dat"
    rows "$each" "" | while IFS= read -r line; do
      [ "$(echo "${line%%"	"*}" | sed 's/ /~/g')" = "$lab" ] || continue
      l=$(val "$line" layers)
      case $l in *[!0-9]*) continue ;; esac # one layer alone only
      echo "$l $(val "$line" emb_cos_mean)" >> "$dat"
    done
    printf '\n\n' >> "$dat"
  done
  n=$(grep -c '"x"' "$dat" || true)
  cat > "$out/model-sensitivity.gp" <<GP
set terminal pngcairo size 1000,600
set output '$out/model-sensitivity.png'
set title '$(basename "$each" .csv): one attention layer replaced, 1 - mean embedding cosine'
set xlabel 'replaced layer'; set ylabel '1 - cos'; set logscale y; set grid; set key outside right
set xtics 1
plot for [i=0:$((n - 1))] '$dat' index i using 1:(1-\$2) with linespoints title columnheader(1)
GP
  gnuplot "$out/model-sensitivity.gp"
fi
echo "charts in $out/"
