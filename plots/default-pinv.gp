# default-pinv.gp — written by `attnbench plot`; data in default-pinv.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-pinv.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 1
set xlabel 'pinv iterations'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
set y2label '||I - AZ||_F'
set ytics nomirror
set y2tics
set format y2 "%g"
set logscale y2
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1040,602 font "sans,9"; set output 'default-pinv.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1040,602 dynamic font "sans,9"; set output 'default-pinv.svg' }
  set multiplot layout 1,2 title 'output error (solid) and ||I - AZ||_F (dashed, right axis) vs pseudo-inverse iterations; dotted: SVD pseudo-inverse' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered'
  plot \
    'default-pinv.dat' index 8 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'nystrom landmarks=64 n=1024 (2 seeds)', \
    'default-pinv.dat' index 8 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc 1 notitle, \
    'default-pinv.dat' index 9 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=64 n=4096 (2 seeds)', \
    'default-pinv.dat' index 9 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc 2 notitle, \
    'default-pinv.dat' index 20 using 1:2 with lines dt 3 lw 1.5 lc 3 title 'nystrom landmarks=64 n=1024, SVD pinv', \
    'default-pinv.dat' index 21 using 1:2 with lines dt 3 lw 1.5 lc 4 title 'nystrom landmarks=64 n=4096, SVD pinv'
  set title 'gaussian'
  plot \
    'default-pinv.dat' index 18 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'nystrom landmarks=64 n=1024 (2 seeds)', \
    'default-pinv.dat' index 18 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc 1 notitle, \
    'default-pinv.dat' index 19 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom landmarks=64 n=4096 (2 seeds)', \
    'default-pinv.dat' index 19 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc 2 notitle, \
    'default-pinv.dat' index 22 using 1:2 with lines dt 3 lw 1.5 lc 3 title 'nystrom landmarks=64 n=1024, SVD pinv', \
    'default-pinv.dat' index 23 using 1:2 with lines dt 3 lw 1.5 lc 4 title 'nystrom landmarks=64 n=4096, SVD pinv'
  unset multiplot
  unset output
}
