# default-time.gp — written by `attnbench plot`; data in default-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-time.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,504 font "sans,9"; set output "default-time.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,504 dynamic font "sans,9"; set output "default-time.svg" }
  set multiplot layout 1,1 title "median forward time vs n (log-log; slope fitted on the upper half of n)\nexperiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads"
  set title ""
  plot \
    "default-time.dat" index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title "exact (slope 1.97)", \
    "default-time.dat" index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title "nystrom landmarks=128 pinv=iterative pinv_iters=6 (slope 0.53)", \
    "default-time.dat" index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title "nystrom landmarks=16 pinv=iterative pinv_iters=6 (slope 0.94)", \
    "default-time.dat" index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title "nystrom landmarks=256 pinv=iterative pinv_iters=6 (slope 0.21)", \
    "default-time.dat" index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title "nystrom landmarks=32 pinv=iterative pinv_iters=6 (slope 0.93)", \
    "default-time.dat" index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=iterative pinv_iters=1 (slope 0.95)", \
    "default-time.dat" index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=iterative pinv_iters=12 (slope 0.72)", \
    "default-time.dat" index 7 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=iterative pinv_iters=24 (slope 0.62)", \
    "default-time.dat" index 8 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=iterative pinv_iters=3 (slope 0.95)", \
    "default-time.dat" index 9 using 1:2 with linespoints lc 10 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=iterative pinv_iters=6 (slope 0.85)", \
    "default-time.dat" index 10 using 1:2 with linespoints lc 11 pt 7 ps 0.7 title "nystrom landmarks=64 pinv=svd pinv_iters=6 (slope 0.53)"
  unset multiplot
  unset output
}
