# default-time.gp — written by `attnbench plot`; data in default-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-time.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 1
set xlabel 'n (tokens)'
set ylabel 'time (ms)'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1040,588 font "sans,9"; set output 'default-time.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1040,588 dynamic font "sans,9"; set output 'default-time.svg' }
  set multiplot layout 1,2 title 'median forward time vs n (log-log; slope fitted on the upper half of n)' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered'
  plot \
    'default-time.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 1.99; 2 seeds)', \
    'default-time.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (slope 0.51; 2 seeds)', \
    'default-time.dat' index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (slope 0.93; 2 seeds)', \
    'default-time.dat' index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (slope 0.15; 2 seeds)', \
    'default-time.dat' index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (slope 0.90; 2 seeds)', \
    'default-time.dat' index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (slope 0.92; 2 seeds)', \
    'default-time.dat' index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (slope 0.71; 2 seeds)', \
    'default-time.dat' index 7 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (slope 0.62; 2 seeds)', \
    'default-time.dat' index 8 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (slope 1.01; 2 seeds)', \
    'default-time.dat' index 9 using 1:2 with linespoints lc 10 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (slope 0.81; 2 seeds)', \
    'default-time.dat' index 10 using 1:2 with linespoints lc 11 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=svd (slope 0.57; 2 seeds)'
  set title 'gaussian'
  plot \
    'default-time.dat' index 11 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 1.96; 2 seeds)', \
    'default-time.dat' index 12 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (slope 0.55; 2 seeds)', \
    'default-time.dat' index 13 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (slope 0.96; 2 seeds)', \
    'default-time.dat' index 14 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (slope 0.28; 2 seeds)', \
    'default-time.dat' index 15 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (slope 0.97; 2 seeds)', \
    'default-time.dat' index 16 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (slope 0.98; 2 seeds)', \
    'default-time.dat' index 17 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (slope 0.73; 2 seeds)', \
    'default-time.dat' index 18 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (slope 0.61; 2 seeds)', \
    'default-time.dat' index 19 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (slope 0.89; 2 seeds)', \
    'default-time.dat' index 20 using 1:2 with linespoints lc 10 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (slope 0.89; 2 seeds)', \
    'default-time.dat' index 21 using 1:2 with linespoints lc 11 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=svd (slope 0.50; 2 seeds)'
  unset multiplot
  unset output
}
