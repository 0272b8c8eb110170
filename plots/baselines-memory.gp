# baselines-memory.gp — written by `attnbench plot`; data in baselines-memory.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-memory.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 1
set xlabel 'n (tokens)'
set ylabel 'MiB'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1560,1516 font "sans,9"; set output 'baselines-memory.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1560,1516 dynamic font "sans,9"; set output 'baselines-memory.svg' }
  set multiplot layout 3,3 title 'peak working memory vs n (harness allocator; inputs and output excluded)' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered, scale=1, order=contiguous'
  plot \
    'baselines-memory.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'clustered, scale=1, order=shuffled'
  plot \
    'baselines-memory.dat' index 7 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 8 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 9 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 10 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 11 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 12 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 13 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'gaussian, scale=0.25'
  plot \
    'baselines-memory.dat' index 14 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 15 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 16 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 17 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 18 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 19 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 20 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'gaussian, scale=1'
  plot \
    'baselines-memory.dat' index 21 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 22 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 23 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 24 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 25 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 26 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 27 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'gaussian, scale=4'
  plot \
    'baselines-memory.dat' index 28 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 29 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 30 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 31 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 32 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 33 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 34 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'heavy, scale=1'
  plot \
    'baselines-memory.dat' index 35 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 36 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 37 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 38 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 39 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 40 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 41 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  set title 'local, scale=1'
  plot \
    'baselines-memory.dat' index 42 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (3 seeds)', \
    'baselines-memory.dat' index 43 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'linformer (3 seeds)', \
    'baselines-memory.dat' index 44 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'local (3 seeds)', \
    'baselines-memory.dat' index 45 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom (3 seeds)', \
    'baselines-memory.dat' index 46 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom-direct (3 seeds)', \
    'baselines-memory.dat' index 47 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom-local (3 seeds)', \
    'baselines-memory.dat' index 48 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'performer (3 seeds)'
  unset multiplot
  unset output
}
