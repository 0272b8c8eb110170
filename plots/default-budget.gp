# default-budget.gp — written by `attnbench plot`; data in default-budget.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-budget.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'budget (m, k, r or w)'
set ylabel 'relative output error ‖Ô − O‖_F / ‖O‖_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set format x "%g"
set mxtics 10
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1200,822 font "sans,11"; set output 'default-budget.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1200,822 dynamic font "sans,11"; set output 'default-budget.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 10.91in,7.47in font "sans,9"; set output 'default-budget.pdf' }
  set multiplot layout 1,2 title 'output error vs budget (landmarks m, projection k, features r, window w); band: min-max over seeds' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered' noenhanced
  plot \
    'default-budget.dat' index 4 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'default-budget.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 n=1024 (2 seeds)', \
    'default-budget.dat' index 5 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'default-budget.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 n=4096 (2 seeds)'
  set title 'gaussian' noenhanced
  plot \
    'default-budget.dat' index 16 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'default-budget.dat' index 16 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 n=1024 (2 seeds)', \
    'default-budget.dat' index 17 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'default-budget.dat' index 17 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 n=4096 (2 seeds)'
  unset multiplot
  unset output
}
