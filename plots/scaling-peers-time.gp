# scaling-peers-time.gp — written by `attnbench plot`; data in scaling-peers-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-peers-time.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel "n (tokens)"
set ylabel "time (ms)"
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,518 font "sans,9"; set output "scaling-peers-time.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,518 dynamic font "sans,9"; set output "scaling-peers-time.svg" }
  set multiplot layout 1,1 title "median forward time vs n (log-log; slope fitted on the upper half of n)\nexperiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads"
  set title ""
  plot \
    "scaling-peers-time.dat" index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title "exact impl=fused (slope 2.01)", \
    "scaling-peers-time.dat" index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title "exact impl=materialize (slope 2.15)", \
    "scaling-peers-time.dat" index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title "exact impl=stream (slope 1.97)", \
    "scaling-peers-time.dat" index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title "linformer (slope 1.09)", \
    "scaling-peers-time.dat" index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title "local (slope 1.05)", \
    "scaling-peers-time.dat" index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title "nystrom landmarks=128 (slope 0.82)", \
    "scaling-peers-time.dat" index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title "nystrom landmarks=32 (slope 1.00)", \
    "scaling-peers-time.dat" index 7 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title "nystrom landmarks=64 (slope 0.97)", \
    "scaling-peers-time.dat" index 8 using 1:2 with linespoints lc 9 dt 2 pt 6 ps 0.7 title "peer:hf-nystrom (slope 1.22)", \
    "scaling-peers-time.dat" index 9 using 1:2 with linespoints lc 10 dt 2 pt 6 ps 0.7 title "peer:linformer (slope 1.44)", \
    "scaling-peers-time.dat" index 10 using 1:2 with linespoints lc 11 dt 2 pt 6 ps 0.7 title "peer:lucidrains (slope 1.02)", \
    "scaling-peers-time.dat" index 11 using 1:2 with linespoints lc 12 dt 2 pt 6 ps 0.7 title "peer:performer-pytorch (slope 1.14)", \
    "scaling-peers-time.dat" index 12 using 1:2 with linespoints lc 13 dt 2 pt 6 ps 0.7 title "peer:sdpa (slope 2.00)", \
    "scaling-peers-time.dat" index 13 using 1:2 with linespoints lc 14 pt 7 ps 0.7 title "performer (slope 1.01)"
  unset multiplot
  unset output
}
