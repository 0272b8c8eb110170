# precision-pareto.gp — written by `attnbench plot`; data in precision-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot precision-pareto.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,750 font "sans,11"; set output 'precision-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,750 dynamic font "sans,11"; set output 'precision-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,6.82in font "sans,9"; set output 'precision-pareto.pdf' }
  set multiplot layout 1,3 title 'output error vs median time at n = 2000; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/precision.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, scale=2' noenhanced
  set arrow 1 from 128.535, graph 0 to 128.535, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 129 ms' at 128.535, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:167.0955]
  plot \
    'precision-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'precision-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'precision-pareto.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'precision-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'precision-pareto.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'precision-pareto.dat' index 2 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'precision-pareto.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-pareto.dat' index 3 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'precision-pareto.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-pareto.dat' index 4 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'precision-pareto.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'precision-pareto.dat' index 5 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'precision-pareto.dat' index 18 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'precision-pareto.dat' index 21 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=1' noenhanced
  set arrow 1 from 110.333, graph 0 to 110.333, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 110 ms' at 110.333, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:143.4329]
  plot \
    'precision-pareto.dat' index 6 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'precision-pareto.dat' index 6 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'precision-pareto.dat' index 7 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'precision-pareto.dat' index 7 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'precision-pareto.dat' index 8 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'precision-pareto.dat' index 8 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'precision-pareto.dat' index 9 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-pareto.dat' index 9 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'precision-pareto.dat' index 10 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-pareto.dat' index 10 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'precision-pareto.dat' index 11 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'precision-pareto.dat' index 11 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'precision-pareto.dat' index 19 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'precision-pareto.dat' index 22 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=4' noenhanced
  set arrow 1 from 124.955, graph 0 to 124.955, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 125 ms' at 124.955, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:162.4415]
  plot \
    'precision-pareto.dat' index 12 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'precision-pareto.dat' index 12 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'precision-pareto.dat' index 13 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'precision-pareto.dat' index 13 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'precision-pareto.dat' index 14 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'precision-pareto.dat' index 14 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'precision-pareto.dat' index 15 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-pareto.dat' index 15 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'precision-pareto.dat' index 16 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-pareto.dat' index 16 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'precision-pareto.dat' index 17 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'precision-pareto.dat' index 17 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'precision-pareto.dat' index 20 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front', \
    'precision-pareto.dat' index 23 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
