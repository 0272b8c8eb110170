# baselines-pareto.gp — written by `attnbench plot`; data in baselines-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-pareto.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 1
set xlabel 'time (ms)'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1560,1558 font "sans,9"; set output 'baselines-pareto.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1560,1558 dynamic font "sans,9"; set output 'baselines-pareto.svg' }
  set multiplot layout 3,3 title 'output error vs median time at n = 16384; black: the Pareto front' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered, scale=1, order=contiguous'
  plot \
    'baselines-pareto.dat' index 0 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 1 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 2 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 3 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 4 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 5 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 6 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 49 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'clustered, scale=1, order=shuffled'
  plot \
    'baselines-pareto.dat' index 7 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 8 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 9 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 10 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 11 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 12 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 13 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 50 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'gaussian, scale=0.25'
  plot \
    'baselines-pareto.dat' index 14 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 15 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 16 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 17 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 18 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 19 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 20 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 51 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'gaussian, scale=1'
  plot \
    'baselines-pareto.dat' index 21 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 22 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 23 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 24 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 25 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 26 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 27 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 52 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'gaussian, scale=4'
  plot \
    'baselines-pareto.dat' index 28 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 29 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 30 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 31 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 32 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 33 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 34 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 53 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'heavy, scale=1'
  plot \
    'baselines-pareto.dat' index 35 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 36 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 37 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 38 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 39 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 40 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 41 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 54 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  set title 'local, scale=1'
  plot \
    'baselines-pareto.dat' index 42 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'baselines-pareto.dat' index 43 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 44 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'baselines-pareto.dat' index 45 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 46 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 47 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 48 using 1:2 with points lc 7 pt 7 ps 0.7 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 55 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset multiplot
  unset output
}
