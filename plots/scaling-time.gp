# scaling-time.gp — written by `attnbench plot`; data in scaling-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-time.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel 'n (tokens)'
set ylabel 'time (ms)'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,490 font "sans,9"; set output 'scaling-time.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,490 dynamic font "sans,9"; set output 'scaling-time.svg' }
  set multiplot layout 1,1 title 'median forward time vs n (log-log; slope fitted on the upper half of n)' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'gaussian'
  plot \
    'scaling-time.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact impl=fused (slope 2.01; 1 seed)', \
    'scaling-time.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'exact impl=materialize (slope 2.15; 1 seed)', \
    'scaling-time.dat' index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'exact impl=stream (slope 1.97; 1 seed)', \
    'scaling-time.dat' index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'linformer (slope 1.09; 1 seed)', \
    'scaling-time.dat' index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'local (slope 1.05; 1 seed)', \
    'scaling-time.dat' index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=128 (slope 0.82; 1 seed)', \
    'scaling-time.dat' index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=32 (slope 1.00; 1 seed)', \
    'scaling-time.dat' index 7 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 (slope 0.97; 1 seed)', \
    'scaling-time.dat' index 8 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'performer (slope 1.01; 1 seed)'
  unset multiplot
  unset output
}
