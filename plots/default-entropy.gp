# default-entropy.gp — written by `attnbench plot`; data in default-entropy.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-entropy.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel 'entropy (nats)'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,490 font "sans,9"; set output 'default-entropy.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,490 dynamic font "sans,9"; set output 'default-entropy.svg' }
  set multiplot layout 1,1 title 'output error vs mean row entropy of the exact attention (all data)' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title ''
  plot \
    'default-entropy.dat' index 0 using 1:2 with points lc 1 pt 7 ps 0.7 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (1 seed)', \
    'default-entropy.dat' index 1 using 1:2 with points lc 2 pt 7 ps 0.7 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (1 seed)', \
    'default-entropy.dat' index 2 using 1:2 with points lc 3 pt 7 ps 0.7 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (1 seed)', \
    'default-entropy.dat' index 3 using 1:2 with points lc 4 pt 7 ps 0.7 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (1 seed)', \
    'default-entropy.dat' index 4 using 1:2 with points lc 5 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (1 seed)', \
    'default-entropy.dat' index 5 using 1:2 with points lc 6 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (1 seed)', \
    'default-entropy.dat' index 6 using 1:2 with points lc 7 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (1 seed)', \
    'default-entropy.dat' index 7 using 1:2 with points lc 8 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (1 seed)', \
    'default-entropy.dat' index 8 using 1:2 with points lc 9 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (1 seed)', \
    'default-entropy.dat' index 9 using 1:2 with points lc 10 pt 7 ps 0.7 title 'nystrom landmarks=64 pinv=svd (1 seed)'
  unset multiplot
  unset output
}
