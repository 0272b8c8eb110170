# default.gp — charts of the default sweep (results/default.csv):
#   default-landmarks.png  output error vs landmarks, per data kind and n
#   default-pinv.png       output error and ||I - AZ||_F vs pinv iterations
#   default-time.png       time vs landmarks against exact attention
# Points are means over seeds (gnuplot's `smooth unique`).
# usage: gnuplot -e "csv='results/default.csv'; out='plots'" plots/default.gp
if (!exists("csv")) csv = 'results/default.csv'
if (!exists("out")) out = 'plots'
set datafile separator comma
set datafile columnheaders
set datafile missing NaN   # filtered-out rows are skipped, not line breaks
set terminal pngcairo size 1100,420 font "sans,10"
set grid lw 0.5 lc rgb "#dddddd"
set key top right box opaque font ",9"
ok(m)  = strcol("status") eq "ok" && strcol("method") eq m
sweepL(k, n) = ok("nystrom") && strcol("data") eq k && column("n") == n && strcol("pinv") eq "iterative" && column("pinv_iters") == 6
sweepI(k, n) = ok("nystrom") && strcol("data") eq k && column("n") == n && column("landmarks") == 64
kinds = "gaussian clustered"
ns = "1024 4096"

set output out.'/default-landmarks.png'
set multiplot layout 1,2 title "Nystromformer output error vs landmarks (6 pinv iterations; mean of seeds)"
set logscale x 2
set xlabel "landmarks m"
set ylabel "||O^ - O||_F / ||O||_F"
do for [k in kinds] {
  set title k
  plot for [n in ns] csv using (sweepL(k, n+0) ? column("landmarks") : NaN):"out_rel_fro" \
       smooth unique with linespoints pt 7 title sprintf("n = %s", n)
}
unset multiplot

set output out.'/default-pinv.png'
set key top left
set multiplot layout 1,2 title "Pseudo-inverse iterations (m = 64): output error and ||I - AZ||_F; SVD pinv drawn at 48"
set logscale x 2
set logscale y
set logscale y2
set xrange [0.8:64]
set xlabel "pinv iterations"
set ylabel "output rel. error"
set y2label "||I - AZ||_F (dashed)"
set ytics nomirror
set y2tics
do for [k in kinds] {
  set title k
  plot for [n in ns] csv using (sweepI(k, n+0) && strcol("pinv") eq "iterative" ? column("pinv_iters") : NaN):"out_rel_fro" \
         smooth unique with linespoints pt 7 title sprintf("error, n = %s", n), \
       for [n in ns] csv using (sweepI(k, n+0) && strcol("pinv") eq "iterative" ? column("pinv_iters") : NaN):"pinv_resid" \
         smooth unique with linespoints dt 2 pt 6 axes x1y2 title sprintf("resid, n = %s", n), \
       for [n in ns] csv using (sweepI(k, n+0) && strcol("pinv") eq "svd" ? 48 : NaN):"out_rel_fro" \
         smooth unique with points pt 9 ps 1.6 title sprintf("SVD pinv, n = %s", n)
}
unset multiplot
unset logscale y2
unset logscale y
unset xrange
set key top right
unset y2tics
unset y2label
set ytics mirror

set output out.'/default-time.png'
set multiplot layout 1,2 title "Median forward time (2 heads, d = 64): Nystromformer vs exact (stream)"
set logscale xy
set xlabel "landmarks m"
set ylabel "ms"
do for [k in kinds] {
  set title k
  plot for [n in ns] csv using (sweepL(k, n+0) ? column("landmarks") : NaN):"time_ms_median" \
         smooth unique with linespoints pt 7 title sprintf("nystrom, n = %s", n), \
       for [n in ns] csv using (ok("exact") && strcol("data") eq k && column("n") == n+0 ? 16 : NaN):"time_ms_median" \
         smooth unique with points pt 5 ps 1.5 title sprintf("exact, n = %s (drawn at m=16)", n)
}
unset multiplot
