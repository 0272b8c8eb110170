# default-memory.gp — written by `attnbench plot`; data in default-memory.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-memory.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1040,588 font "sans,9"; set output 'default-memory.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1040,588 dynamic font "sans,9"; set output 'default-memory.svg' }
  set multiplot layout 1,2 title 'peak working memory vs n (harness allocator; inputs and output excluded)' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered'
  plot \
    'default-memory.dat' index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (2 seeds)', \
    'default-memory.dat' index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 4 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 5 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (2 seeds)', \
    'default-memory.dat' index 6 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (2 seeds)', \
    'default-memory.dat' index 7 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (2 seeds)', \
    'default-memory.dat' index 8 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (2 seeds)', \
    'default-memory.dat' index 9 using 1:2 with linespoints lc 10 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 10 using 1:2 with linespoints lc 11 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=svd (2 seeds)'
  set title 'gaussian'
  plot \
    'default-memory.dat' index 11 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'exact (2 seeds)', \
    'default-memory.dat' index 12 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 13 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 14 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 15 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 16 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (2 seeds)', \
    'default-memory.dat' index 17 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (2 seeds)', \
    'default-memory.dat' index 18 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (2 seeds)', \
    'default-memory.dat' index 19 using 1:2 with linespoints lc 9 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (2 seeds)', \
    'default-memory.dat' index 20 using 1:2 with linespoints lc 10 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-memory.dat' index 21 using 1:2 with linespoints lc 11 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=svd (2 seeds)'
  unset multiplot
  unset output
}
