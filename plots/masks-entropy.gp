# masks-entropy.gp — written by `attnbench plot`; data in masks-entropy.dat (blocks: x mean min max y2).
# Render again with: gnuplot masks-entropy.gp (in this directory).
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
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1000,702 font "sans,11"; set output 'masks-entropy.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1000,702 dynamic font "sans,11"; set output 'masks-entropy.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 9.09in,6.38in font "sans,9"; set output 'masks-entropy.pdf' }
  set multiplot layout 1,1 title 'output error vs mean row entropy of the exact attention (all data)' . "\n" . 'experiments/masks.yaml - AMD EPYC - 2 threads' noenhanced
  set title '' noenhanced
  plot \
    'masks-entropy.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-entropy.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-entropy.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-entropy.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-entropy.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-entropy.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-entropy.dat' index 6 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom padding_rule=hf (1 seed)', \
    'masks-entropy.dat' index 7 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom padding_rule=strict (1 seed)', \
    'masks-entropy.dat' index 8 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-entropy.dat' index 9 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-entropy.dat' index 10 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-entropy.dat' index 11 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (1 seed)', \
    'masks-entropy.dat' index 12 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (1 seed)', \
    'masks-entropy.dat' index 13 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-entropy.dat' index 14 using 1:2 with points lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (1 seed)', \
    'masks-entropy.dat' index 15 using 1:2 with points lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  unset multiplot
  unset output
}
