# scaling-zoo-entropy.gp — written by `attnbench plot`; data in scaling-zoo-entropy.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-zoo-entropy.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 2 spacing 1.1
set xlabel 'mean row entropy of the exact attention (nats)'
set ylabel 'relative output error ‖Ô − O‖_F / ‖O‖_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale y
set mytics 10
set ytics add (0.5, 1, 2, 5, 10)
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1000,606 font "sans,11"; set output 'scaling-zoo-entropy.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1000,606 dynamic font "sans,11"; set output 'scaling-zoo-entropy.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 9.09in,5.51in font "sans,9"; set output 'scaling-zoo-entropy.pdf' }
  set multiplot layout 1,1 title 'output error vs mean row entropy of the exact attention (all data)' . "\n" . 'experiments/scaling-zoo.yaml - AMD EPYC - 2 threads' noenhanced
  set title '' noenhanced
  plot \
    'scaling-zoo-entropy.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'scaling-zoo-entropy.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'scaling-zoo-entropy.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'scaling-zoo-entropy.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'scaling-zoo-entropy.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'local (1 seed)', \
    'scaling-zoo-entropy.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom (1 seed)', \
    'scaling-zoo-entropy.dat' index 6 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'reformer (1 seed)', \
    'scaling-zoo-entropy.dat' index 7 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'scatterbrain (1 seed)'
  unset multiplot
  unset output
}
