# baselines-time.gp — written by `attnbench plot`; data in baselines-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-time.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1560,1516 font "sans,9"; set output 'baselines-time.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1560,1516 dynamic font "sans,9"; set output 'baselines-time.svg' }
  set multiplot layout 3,3 title 'median forward time vs n (log-log; slope fitted on the upper half of n)' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered, scale=1, order=contiguous'
  plot \
    'baselines-time.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 2.00; 3 seeds)', \
    'baselines-time.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 0.97; 3 seeds)', \
    'baselines-time.dat' index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.05; 3 seeds)', \
    'baselines-time.dat' index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.77; 3 seeds)', \
    'baselines-time.dat' index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.82; 3 seeds)', \
    'baselines-time.dat' index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.97; 3 seeds)', \
    'baselines-time.dat' index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 1.01; 3 seeds)'
  set title 'clustered, scale=1, order=shuffled'
  plot \
    'baselines-time.dat' index 7 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 2.03; 3 seeds)', \
    'baselines-time.dat' index 8 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 1.03; 3 seeds)', \
    'baselines-time.dat' index 9 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.11; 3 seeds)', \
    'baselines-time.dat' index 10 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.80; 3 seeds)', \
    'baselines-time.dat' index 11 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.83; 3 seeds)', \
    'baselines-time.dat' index 12 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.99; 3 seeds)', \
    'baselines-time.dat' index 13 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 1.01; 3 seeds)'
  set title 'gaussian, scale=0.25'
  plot \
    'baselines-time.dat' index 14 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 1.97; 3 seeds)', \
    'baselines-time.dat' index 15 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 0.96; 3 seeds)', \
    'baselines-time.dat' index 16 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.04; 3 seeds)', \
    'baselines-time.dat' index 17 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.75; 3 seeds)', \
    'baselines-time.dat' index 18 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.80; 3 seeds)', \
    'baselines-time.dat' index 19 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 1.00; 3 seeds)', \
    'baselines-time.dat' index 20 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 0.99; 3 seeds)'
  set title 'gaussian, scale=1'
  plot \
    'baselines-time.dat' index 21 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 1.97; 3 seeds)', \
    'baselines-time.dat' index 22 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 0.90; 3 seeds)', \
    'baselines-time.dat' index 23 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.03; 3 seeds)', \
    'baselines-time.dat' index 24 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.72; 3 seeds)', \
    'baselines-time.dat' index 25 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.79; 3 seeds)', \
    'baselines-time.dat' index 26 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.95; 3 seeds)', \
    'baselines-time.dat' index 27 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 1.00; 3 seeds)'
  set title 'gaussian, scale=4'
  plot \
    'baselines-time.dat' index 28 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 2.01; 3 seeds)', \
    'baselines-time.dat' index 29 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 1.04; 3 seeds)', \
    'baselines-time.dat' index 30 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.10; 3 seeds)', \
    'baselines-time.dat' index 31 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.80; 3 seeds)', \
    'baselines-time.dat' index 32 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.82; 3 seeds)', \
    'baselines-time.dat' index 33 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.97; 3 seeds)', \
    'baselines-time.dat' index 34 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 1.04; 3 seeds)'
  set title 'heavy, scale=1'
  plot \
    'baselines-time.dat' index 35 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 1.99; 3 seeds)', \
    'baselines-time.dat' index 36 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 0.92; 3 seeds)', \
    'baselines-time.dat' index 37 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.04; 3 seeds)', \
    'baselines-time.dat' index 38 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.79; 3 seeds)', \
    'baselines-time.dat' index 39 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.79; 3 seeds)', \
    'baselines-time.dat' index 40 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.98; 3 seeds)', \
    'baselines-time.dat' index 41 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 1.03; 3 seeds)'
  set title 'local, scale=1'
  plot \
    'baselines-time.dat' index 42 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (slope 2.02; 3 seeds)', \
    'baselines-time.dat' index 43 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (slope 0.99; 3 seeds)', \
    'baselines-time.dat' index 44 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (slope 1.06; 3 seeds)', \
    'baselines-time.dat' index 45 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (slope 0.77; 3 seeds)', \
    'baselines-time.dat' index 46 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (slope 1.79; 3 seeds)', \
    'baselines-time.dat' index 47 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (slope 0.97; 3 seeds)', \
    'baselines-time.dat' index 48 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (slope 0.98; 3 seeds)'
  unset multiplot
  unset output
}
