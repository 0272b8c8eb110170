# masks-position.gp — written by `attnbench plot`; data in masks-position.dat (blocks: x mean min max y2).
# Render again with: gnuplot masks-position.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'query position i / n (centre of each eighth)'
set ylabel 'relative output error ‖Ô − O‖_F / ‖O‖_F in that eighth'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,1402 font "sans,11"; set output 'masks-position.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,1402 dynamic font "sans,11"; set output 'masks-position.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,12.75in font "sans,9"; set output 'masks-position.pdf' }
  set multiplot layout 2,3 title 'causal rows: output error along the sequence (eighths of the query positions); band: min-max over seeds' . "\n" . 'experiments/masks.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, scale=2, mask=causal' noenhanced
  plot \
    'masks-position.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-position.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'cosformer (1 seed)', \
    'masks-position.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'linear (1 seed)', \
    'masks-position.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'local (1 seed)', \
    'masks-position.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-position.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-position.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (1 seed)', \
    'masks-position.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'uniform (1 seed)'
  set title 'gaussian, scale=2, mask=causal' noenhanced
  plot \
    'masks-position.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-position.dat' index 9 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'cosformer (1 seed)', \
    'masks-position.dat' index 10 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'linear (1 seed)', \
    'masks-position.dat' index 11 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'local (1 seed)', \
    'masks-position.dat' index 12 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-position.dat' index 13 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-position.dat' index 14 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (1 seed)', \
    'masks-position.dat' index 15 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'uniform (1 seed)'
  set title 'local, scale=1, mask=causal' noenhanced
  plot \
    'masks-position.dat' index 16 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-position.dat' index 17 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'cosformer (1 seed)', \
    'masks-position.dat' index 18 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'linear (1 seed)', \
    'masks-position.dat' index 19 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'local (1 seed)', \
    'masks-position.dat' index 20 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-position.dat' index 21 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-position.dat' index 22 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (1 seed)', \
    'masks-position.dat' index 23 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'uniform (1 seed)'
  set title 'manifest, manifest=../tests/fixtures/real/manifest.yaml, sequence=n512, layer=0, scale=1, mask=causal' noenhanced
  plot \
    'masks-position.dat' index 24 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-position.dat' index 25 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'cosformer (1 seed)', \
    'masks-position.dat' index 26 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'linear (1 seed)', \
    'masks-position.dat' index 27 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'local (1 seed)', \
    'masks-position.dat' index 28 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-position.dat' index 29 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-position.dat' index 30 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (1 seed)', \
    'masks-position.dat' index 31 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'uniform (1 seed)'
  set title 'manifest, manifest=../tests/fixtures/real/manifest.yaml, sequence=n512, layer=5, scale=1, mask=causal' noenhanced
  plot \
    'masks-position.dat' index 32 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-position.dat' index 33 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'cosformer (1 seed)', \
    'masks-position.dat' index 34 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'linear (1 seed)', \
    'masks-position.dat' index 35 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'local (1 seed)', \
    'masks-position.dat' index 36 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-position.dat' index 37 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-position.dat' index 38 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (1 seed)', \
    'masks-position.dat' index 39 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'uniform (1 seed)'
  unset multiplot
  unset output
}
