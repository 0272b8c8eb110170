# scaling-memory.gp — written by `attnbench plot`; data in scaling-memory.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-memory.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel 'n (tokens)'
set ylabel 'MiB'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,490 font "sans,9"; set output 'scaling-memory.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,490 dynamic font "sans,9"; set output 'scaling-memory.svg' }
  set multiplot layout 1,1 title 'peak working memory vs n (harness allocator; inputs and output excluded)' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'gaussian'
  plot \
    'scaling-memory.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact impl=fused (1 seed)', \
    'scaling-memory.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'exact impl=materialize (1 seed)', \
    'scaling-memory.dat' index 2 using 1:2 with points pt 2 ps 1.6 lc rgb "red" title 'exact impl=materialize [refused: drawn at the top]', \
    'scaling-memory.dat' index 3 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'exact impl=stream (1 seed)', \
    'scaling-memory.dat' index 4 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'linformer (1 seed)', \
    'scaling-memory.dat' index 5 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'local (1 seed)', \
    'scaling-memory.dat' index 6 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=128 (1 seed)', \
    'scaling-memory.dat' index 7 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=32 (1 seed)', \
    'scaling-memory.dat' index 8 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 (1 seed)', \
    'scaling-memory.dat' index 9 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'performer (1 seed)'
  unset multiplot
  unset output
}
