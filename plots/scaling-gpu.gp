# scaling-gpu.gp — GPU time and device memory vs n from results/scaling-gpu.csv
# and results/scaling-gpu-long.csv (experiments/scaling-gpu*.yaml), with the
# PyTorch SDPA and HF Nystromformer peers from results/peers-gpu.csv when present.
# usage: gnuplot -e "dir='results'; out='plots'" plots/scaling-gpu.gp
# NOT RUN ON REAL DATA YET: no session so far had a GPU.
if (!exists("dir")) dir = 'results'
if (!exists("out")) out = 'plots'
a = dir.'/scaling-gpu.csv'
b = dir.'/scaling-gpu-long.csv'
p = dir.'/peers-gpu.csv'
set datafile separator comma
set datafile columnheaders
set datafile missing NaN
set terminal pngcairo size 1100,440 font "sans,10"
set grid lw 0.5 lc rgb "#dddddd"
set key top left box opaque font ",8"
set logscale xy 2
row(m, i, pr) = strcol("status") eq "ok" && strcol("method") eq m && \
                (i eq "" || strcol("impl") eq i) && (pr eq "" || strcol("precision") eq pr)
tc(x) = strcol("tensor_cores") eq x
nys(init) = strcol("status") eq "ok" && strcol("method") eq "nystrom" && strcol("pinv_init") eq init
peer(name, dt) = strcol("status") eq "ok" && strcol("peer") eq name && strcol("dtype") eq dt
set output out.'/scaling-gpu.png'
set multiplot layout 1,2 title "GPU scaling, d = 64, 16 heads (device: see the CSV's device column)"
set title "median forward time (CUDA events)"
set xlabel "n (tokens)"
set ylabel "ms"
set format y "%g"
havep = system("test -f ".p." && echo 1 || echo 0") + 0
haveb = system("test -f ".b." && echo 1 || echo 0") + 0
plot a using (row("exact", "fused", "fp32") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "exact fused fp32", \
     a using (row("exact", "fused", "fp16") && tc("true") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "exact fused fp16 (tensor cores)", \
     a using (row("exact", "fused", "fp16") && tc("false") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "exact fused fp16 (CUDA cores)", \
     a using (row("exact", "fused", "bf16") && tc("true") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "exact fused bf16 (tensor cores)", \
     a using (row("exact", "chunked", "") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "exact chunked (cuBLAS) fp32", \
     a using (nys("per-head") ? column("n") : NaN):"time_ms_median" w lp pt 7 t "nystrom m=64", \
     (haveb ? b : a) using (haveb && nys("per-head") ? column("n") : NaN):"time_ms_median" w lp pt 7 lc 5 notitle, \
     (havep ? p : a) using (havep && peer("sdpa", "fp16") ? column("n") : NaN):"time_ms_median" w lp dt 2 pt 6 t "PyTorch SDPA fp16", \
     (havep ? p : a) using (havep && peer("hf-nystrom", "fp32") ? column("n") : NaN):"attn_ms_median" w lp dt 2 pt 6 t "HF Nystromformer (attention)"
set title "device memory: working (harness allocator) and in use (cudaMemGetInfo)"
set ylabel "MiB"
plot a using (row("exact", "fused", "fp32") ? column("n") : NaN):(column("peak_bytes")/1048576.) w lp pt 7 t "exact fused: working", \
     a using (row("exact", "chunked", "") ? column("n") : NaN):(column("peak_bytes")/1048576.) w lp pt 7 t "exact chunked: working", \
     a using (nys("per-head") ? column("n") : NaN):(column("peak_bytes")/1048576.) w lp pt 7 t "nystrom: working", \
     a using (nys("per-head") ? column("n") : NaN):(column("dev_mem_bytes")/1048576.) w lp dt 2 pt 6 t "nystrom: in use"
unset multiplot
