# masks-pareto.gp — written by `attnbench plot`; data in masks-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot masks-pareto.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'median forward time (ms)'
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2654 font "sans,11"; set output 'masks-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2654 dynamic font "sans,11"; set output 'masks-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,24.13in font "sans,9"; set output 'masks-pareto.pdf' }
  set multiplot layout 3,3 title 'output error vs median time at n = 2048; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/masks.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, scale=2' noenhanced
  set arrow 1 from 493.898, graph 0 to 493.898, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 494 ms' at 493.898, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:642.0674]
  plot \
    'masks-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 2 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 3 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 4 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 5 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 6 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 6 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 7 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 7 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 8 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 8 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 9 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 9 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 10 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 10 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 11 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 11 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 12 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 12 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 99 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 108 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'clustered, scale=2, mask=causal' noenhanced
  set arrow 1 from 236.033, graph 0 to 236.033, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 236 ms' at 236.033, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 13 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 13 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 14 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 14 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 15 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 15 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 16 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 16 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 17 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-pareto.dat' index 17 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'masks-pareto.dat' index 18 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 18 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 19 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 19 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 100 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 109 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'clustered, scale=2, mask=padding, lengths=2048 1391 707 150' noenhanced
  set arrow 1 from 128.522, graph 0 to 128.522, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 129 ms' at 128.522, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 20 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 20 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 21 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 21 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 22 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 22 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 23 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 23 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 24 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 24 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 25 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 25 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 26 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 26 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 27 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 27 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 28 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 28 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 29 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 29 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 30 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 30 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 31 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 31 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 32 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 32 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 101 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 110 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=2' noenhanced
  set arrow 1 from 217.085, graph 0 to 217.085, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 217 ms' at 217.085, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 33 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 33 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 34 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 34 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 35 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 35 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 36 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 36 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 37 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 37 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 38 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 38 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 39 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 39 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 40 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 40 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 41 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 41 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 42 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 42 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 43 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 43 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 44 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 44 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 45 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 45 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 102 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 111 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=2, mask=causal' noenhanced
  set arrow 1 from 174.258, graph 0 to 174.258, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 174 ms' at 174.258, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 46 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 46 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 47 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 47 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 48 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 48 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 49 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 49 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 50 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-pareto.dat' index 50 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'masks-pareto.dat' index 51 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 51 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 52 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 52 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 103 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 112 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=2, mask=padding, lengths=2048 1391 707 150' noenhanced
  set arrow 1 from 244.761, graph 0 to 244.761, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 245 ms' at 244.761, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 53 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 53 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 54 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 54 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 55 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 55 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 56 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 56 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 57 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 57 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 58 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 58 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 59 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 59 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 60 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 60 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 61 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 61 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 62 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 62 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 63 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 63 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 64 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 64 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 65 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 65 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 104 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 113 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'local, scale=1' noenhanced
  set arrow 1 from 339.392, graph 0 to 339.392, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 339 ms' at 339.392, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:441.2096]
  plot \
    'masks-pareto.dat' index 66 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 66 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 67 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 67 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 68 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 68 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 69 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 69 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 70 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 70 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 71 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 71 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 72 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 72 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 73 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 73 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 74 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 74 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 75 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 75 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 76 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 76 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 77 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 77 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 78 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 78 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 105 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 114 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'local, scale=1, mask=causal' noenhanced
  set arrow 1 from 241.664, graph 0 to 241.664, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 242 ms' at 241.664, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 79 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 79 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 80 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 80 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 81 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 81 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 82 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 82 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 83 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-causal (1 seed)', \
    'masks-pareto.dat' index 83 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'masks-pareto.dat' index 84 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 84 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 85 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 85 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 106 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 115 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'local, scale=1, mask=padding, lengths=2048 1391 707 150' noenhanced
  set arrow 1 from 145.672, graph 0 to 145.672, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 146 ms' at 145.672, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:389.5372]
  plot \
    'masks-pareto.dat' index 86 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'masks-pareto.dat' index 86 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 87 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'masks-pareto.dat' index 87 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 88 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'masks-pareto.dat' index 88 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 89 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'masks-pareto.dat' index 89 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 90 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'masks-pareto.dat' index 90 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 91 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'masks-pareto.dat' index 91 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 92 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'masks-pareto.dat' index 92 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'masks-pareto.dat' index 93 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom-direct (1 seed)', \
    'masks-pareto.dat' index 93 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'masks-pareto.dat' index 94 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (1 seed)', \
    'masks-pareto.dat' index 94 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'masks-pareto.dat' index 95 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'masks-pareto.dat' index 95 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'masks-pareto.dat' index 96 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (1 seed)', \
    'masks-pareto.dat' index 96 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'masks-pareto.dat' index 97 using 1:2 with points lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (1 seed)', \
    'masks-pareto.dat' index 97 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'masks-pareto.dat' index 98 using 1:2 with points lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'masks-pareto.dat' index 98 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'masks-pareto.dat' index 107 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'masks-pareto.dat' index 116 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
