# scaling-pareto.gp — written by `attnbench plot`; data in scaling-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-pareto.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel 'time (ms)'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,462 font "sans,9"; set output 'scaling-pareto.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,462 dynamic font "sans,9"; set output 'scaling-pareto.svg' }
  set multiplot layout 1,1 title 'output error vs median time at n = 65536; black: the Pareto front' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'gaussian'
  plot \
    'scaling-pareto.dat' index 0 using 1:2 with points lc 1 pt 7 ps 0.7 title 'exact (1 seed)', \
    'scaling-pareto.dat' index 1 using 1:2 with points lc 2 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'scaling-pareto.dat' index 2 using 1:2 with points lc 3 pt 7 ps 0.7 title 'local (1 seed)', \
    'scaling-pareto.dat' index 3 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom (1 seed)', \
    'scaling-pareto.dat' index 4 using 1:2 with points lc 5 pt 7 ps 0.7 title 'performer (1 seed)', \
    'scaling-pareto.dat' index 5 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset multiplot
  unset output
}
