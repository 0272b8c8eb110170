# scaling-budget.gp — written by `attnbench plot`; data in scaling-budget.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-budget.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 2 spacing 1.1
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1000,894 font "sans,11"; set output 'scaling-budget.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1000,894 dynamic font "sans,11"; set output 'scaling-budget.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 9.09in,8.13in font "sans,9"; set output 'scaling-budget.pdf' }
  set multiplot layout 1,1 title 'output error vs budget (landmarks m, projection k, features r, window w); band: min-max over seeds' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'gaussian' noenhanced
  plot \
    'scaling-budget.dat' index 16 using 1:2 with linespoints lc rgb "#0072B2" dt 3 lw 1.5 pt 9 ps 0.9 title 'nystrom n=512 (1 seed)', \
    'scaling-budget.dat' index 17 using 1:2 with linespoints lc rgb "#D55E00" dt 3 lw 1.5 pt 13 ps 0.9 title 'nystrom n=1024 (1 seed)', \
    'scaling-budget.dat' index 18 using 1:2 with linespoints lc rgb "#009E73" dt 3 lw 1.5 pt 11 ps 0.9 title 'nystrom n=2048 (1 seed)', \
    'scaling-budget.dat' index 19 using 1:2 with linespoints lc rgb "#CC79A7" dt 3 lw 1.5 pt 3 ps 0.9 title 'nystrom n=4096 (1 seed)', \
    'scaling-budget.dat' index 20 using 1:2 with linespoints lc rgb "#E69F00" dt 3 lw 1.5 pt 7 ps 0.9 title 'nystrom n=8192 (1 seed)', \
    'scaling-budget.dat' index 21 using 1:2 with linespoints lc rgb "#56B4E9" dt 3 lw 1.5 pt 5 ps 0.9 title 'nystrom n=16384 (1 seed)', \
    'scaling-budget.dat' index 22 using 1:2 with linespoints lc rgb "#000000" dt 3 lw 1.5 pt 9 ps 0.9 title 'nystrom n=32768 (1 seed)', \
    'scaling-budget.dat' index 23 using 1:2 with linespoints lc rgb "#F0E442" dt 3 lw 1.5 pt 13 ps 0.9 title 'nystrom n=65536 (1 seed)'
  unset multiplot
  unset output
}
