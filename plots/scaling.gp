# scaling.gp — time and working memory vs n from results/scaling.csv
# (exact stream vs Nystromformer m = 64, d = 64, one head).
# usage: gnuplot -e "csv='results/scaling.csv'; out='plots'" plots/scaling.gp
if (!exists("csv")) csv = 'results/scaling.csv'
if (!exists("out")) out = 'plots'
set datafile separator comma
set datafile columnheaders
set datafile missing NaN
set terminal pngcairo size 1100,420 font "sans,10"
set grid lw 0.5 lc rgb "#dddddd"
set key top left box opaque font ",9"
set logscale xy 2
ok(m) = strcol("status") eq "ok" && strcol("method") eq m
# fitted log-log slopes from 4096 up
f_e(x) = a_e + b_e * x
f_n(x) = a_n + b_n * x
set fit quiet
set fit logfile "/dev/null"
fit f_e(x) csv using (ok("exact") && column("n") >= 4096 ? log(column("n")) : NaN):(log(column("time_ms_median"))) via a_e, b_e
fit f_n(x) csv using (ok("nystrom") && column("n") >= 4096 ? log(column("n")) : NaN):(log(column("time_ms_median"))) via a_n, b_n
set output out.'/scaling.png'
set multiplot layout 1,2 title "Scaling on 2 cores (OpenBLAS SkylakeX, 2 OpenMP threads), d = 64, 1 head"
set title "median forward time"
set xlabel "n (tokens)"
set ylabel "ms"
set format y "%g"
plot csv using (ok("exact") ? column("n") : NaN):"time_ms_median" with linespoints pt 7 \
       title sprintf("exact stream (slope %.2f)", b_e), \
     csv using (ok("nystrom") ? column("n") : NaN):"time_ms_median" with linespoints pt 7 \
       title sprintf("nystrom m=64 (slope %.2f)", b_n)
set title "working memory (harness allocator) and process RSS"
set ylabel "MiB"
plot csv using (ok("exact") ? column("n") : NaN):(column("peak_bytes")/1048576.) with linespoints pt 7 title "exact: peak working memory", \
     csv using (ok("nystrom") ? column("n") : NaN):(column("peak_bytes")/1048576.) with linespoints pt 7 title "nystrom: peak working memory", \
     csv using (ok("nystrom") ? column("n") : NaN):(column("rss_peak_bytes")/1048576.) with linespoints dt 2 pt 6 title "RSS (inputs, reference, libraries)"
unset multiplot
