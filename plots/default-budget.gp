# default-budget.gp — written by `attnbench plot`; data in default-budget.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-budget.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 1
set xlabel 'budget'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1040,602 font "sans,9"; set output 'default-budget.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1040,602 dynamic font "sans,9"; set output 'default-budget.svg' }
  set multiplot layout 1,2 title 'output error vs budget (landmarks m, projection k, features r, window w); band: min-max over seeds' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'clustered'
  plot \
    'default-budget.dat' index 8 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 1 notitle, \
    'default-budget.dat' index 8 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'nystrom pinv=iterative pinv_iters=6 n=1024 (2 seeds)', \
    'default-budget.dat' index 9 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 2 notitle, \
    'default-budget.dat' index 9 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom pinv=iterative pinv_iters=6 n=4096 (2 seeds)'
  set title 'gaussian'
  plot \
    'default-budget.dat' index 20 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 1 notitle, \
    'default-budget.dat' index 20 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'nystrom pinv=iterative pinv_iters=6 n=1024 (2 seeds)', \
    'default-budget.dat' index 21 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 2 notitle, \
    'default-budget.dat' index 21 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom pinv=iterative pinv_iters=6 n=4096 (2 seeds)'
  unset multiplot
  unset output
}
