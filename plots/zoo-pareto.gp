# zoo-pareto.gp — written by `attnbench plot`; data in zoo-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot zoo-pareto.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,1738 font "sans,11"; set output 'zoo-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,1738 dynamic font "sans,11"; set output 'zoo-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,15.80in font "sans,9"; set output 'zoo-pareto.pdf' }
  set multiplot layout 2,3 title 'output error vs median time at n = 16384; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/zoo.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, order=contiguous' noenhanced
  set arrow 1 from 2264.05, graph 0 to 2264.05, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 2.26e+03 ms' at 2264.05, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:2943.265]
  plot \
    'zoo-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'zoo-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'zoo-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'zoo-pareto.dat' index 2 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'zoo-pareto.dat' index 3 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'zoo-pareto.dat' index 4 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'zoo-pareto.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'zoo-pareto.dat' index 5 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'zoo-pareto.dat' index 6 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'zoo-pareto.dat' index 6 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'zoo-pareto.dat' index 7 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'zoo-pareto.dat' index 7 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'zoo-pareto.dat' index 8 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'zoo-pareto.dat' index 8 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 9 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'reformer (1 seed)', \
    'zoo-pareto.dat' index 9 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 10 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'scatterbrain (1 seed)', \
    'zoo-pareto.dat' index 10 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 11 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-pareto.dat' index 11 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 59 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'zoo-pareto.dat' index 64 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'clustered, order=shuffled' noenhanced
  set arrow 1 from 1907.97, graph 0 to 1907.97, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 1.91e+03 ms' at 1907.97, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:2480.361]
  plot \
    'zoo-pareto.dat' index 12 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'zoo-pareto.dat' index 12 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 13 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'zoo-pareto.dat' index 13 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 14 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'zoo-pareto.dat' index 14 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 15 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'zoo-pareto.dat' index 15 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 16 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'zoo-pareto.dat' index 16 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'zoo-pareto.dat' index 17 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'zoo-pareto.dat' index 17 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'zoo-pareto.dat' index 18 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'zoo-pareto.dat' index 18 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'zoo-pareto.dat' index 19 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'zoo-pareto.dat' index 19 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'zoo-pareto.dat' index 20 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'zoo-pareto.dat' index 20 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 21 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'reformer (1 seed)', \
    'zoo-pareto.dat' index 21 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 22 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'scatterbrain (1 seed)', \
    'zoo-pareto.dat' index 22 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 23 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-pareto.dat' index 23 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 60 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'zoo-pareto.dat' index 65 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian' noenhanced
  set arrow 1 from 2858.66, graph 0 to 2858.66, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 2.86e+03 ms' at 2858.66, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:3716.258]
  plot \
    'zoo-pareto.dat' index 24 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'zoo-pareto.dat' index 24 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 25 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'zoo-pareto.dat' index 25 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 26 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'zoo-pareto.dat' index 26 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 27 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'zoo-pareto.dat' index 27 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 28 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'zoo-pareto.dat' index 28 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'zoo-pareto.dat' index 29 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'zoo-pareto.dat' index 29 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'zoo-pareto.dat' index 30 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'zoo-pareto.dat' index 30 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'zoo-pareto.dat' index 31 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'zoo-pareto.dat' index 31 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'zoo-pareto.dat' index 32 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'zoo-pareto.dat' index 32 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 33 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'reformer (1 seed)', \
    'zoo-pareto.dat' index 33 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 34 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'scatterbrain (1 seed)', \
    'zoo-pareto.dat' index 34 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 35 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-pareto.dat' index 35 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 61 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'zoo-pareto.dat' index 66 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'heavy' noenhanced
  set arrow 1 from 1687.47, graph 0 to 1687.47, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 1.69e+03 ms' at 1687.47, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:2193.711]
  plot \
    'zoo-pareto.dat' index 36 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'zoo-pareto.dat' index 36 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 37 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'zoo-pareto.dat' index 37 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 38 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'zoo-pareto.dat' index 38 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 39 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'zoo-pareto.dat' index 39 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 40 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'zoo-pareto.dat' index 40 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'zoo-pareto.dat' index 41 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'zoo-pareto.dat' index 41 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'zoo-pareto.dat' index 42 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'zoo-pareto.dat' index 42 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'zoo-pareto.dat' index 43 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'zoo-pareto.dat' index 43 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'zoo-pareto.dat' index 44 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'zoo-pareto.dat' index 44 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 45 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'reformer (1 seed)', \
    'zoo-pareto.dat' index 45 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 46 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'scatterbrain (1 seed)', \
    'zoo-pareto.dat' index 46 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 62 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'zoo-pareto.dat' index 67 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'local' noenhanced
  set arrow 1 from 1880.26, graph 0 to 1880.26, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 1.88e+03 ms' at 1880.26, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:2444.338]
  plot \
    'zoo-pareto.dat' index 47 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (1 seed)', \
    'zoo-pareto.dat' index 47 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 48 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (1 seed)', \
    'zoo-pareto.dat' index 48 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 49 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (1 seed)', \
    'zoo-pareto.dat' index 49 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 50 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'linear (1 seed)', \
    'zoo-pareto.dat' index 50 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 51 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linformer (1 seed)', \
    'zoo-pareto.dat' index 51 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'zoo-pareto.dat' index 52 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (1 seed)', \
    'zoo-pareto.dat' index 52 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'zoo-pareto.dat' index 53 using 1:2 with points lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'zoo-pareto.dat' index 53 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#000000" notitle, \
    'zoo-pareto.dat' index 54 using 1:2 with points lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'zoo-pareto.dat' index 54 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#F0E442" notitle, \
    'zoo-pareto.dat' index 55 using 1:2 with points lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'zoo-pareto.dat' index 55 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'zoo-pareto.dat' index 56 using 1:2 with points lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'reformer (1 seed)', \
    'zoo-pareto.dat' index 56 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'zoo-pareto.dat' index 57 using 1:2 with points lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'scatterbrain (1 seed)', \
    'zoo-pareto.dat' index 57 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'zoo-pareto.dat' index 58 using 1:2 with points lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-pareto.dat' index 58 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'zoo-pareto.dat' index 63 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'zoo-pareto.dat' index 68 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
