# baselines-pareto.gp — written by `attnbench plot`; data in baselines-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-pareto.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2078 font "sans,11"; set output 'baselines-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2078 dynamic font "sans,11"; set output 'baselines-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,18.89in font "sans,9"; set output 'baselines-pareto.pdf' }
  set multiplot layout 3,3 title 'output error vs median time at n = 16384; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered, scale=1, order=contiguous' noenhanced
  set arrow 1 from 223.583, graph 0 to 223.583, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 224 ms' at 223.583, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 2 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 3 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 4 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 4 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 5 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 5 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 42 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'clustered, scale=1, order=shuffled' noenhanced
  set arrow 1 from 221.978, graph 0 to 221.978, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 222 ms' at 221.978, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 6 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 6 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 7 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 7 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 8 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 8 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 9 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 9 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 10 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 10 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 11 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 11 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 43 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=0.25' noenhanced
  set arrow 1 from 209.896, graph 0 to 209.896, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 210 ms' at 209.896, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 12 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 12 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 13 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 13 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 14 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 14 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 15 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 15 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 16 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 16 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 17 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 17 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 44 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=1' noenhanced
  set arrow 1 from 202.78, graph 0 to 202.78, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 203 ms' at 202.78, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 18 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 18 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 19 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 19 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 20 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 20 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 21 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 21 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 22 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 22 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 23 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 23 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 45 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian, scale=4' noenhanced
  set arrow 1 from 225.249, graph 0 to 225.249, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 225 ms' at 225.249, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 24 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 24 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 25 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 25 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 26 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 26 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 27 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 27 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 28 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 28 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 29 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 29 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 46 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'heavy, scale=1' noenhanced
  set arrow 1 from 217.766, graph 0 to 217.766, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 218 ms' at 217.766, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 30 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 30 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 31 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 31 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 32 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 32 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 33 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 33 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 34 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 34 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 35 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 35 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 47 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'local, scale=1' noenhanced
  set arrow 1 from 218.079, graph 0 to 218.079, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 218 ms' at 218.079, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:300.2532]
  plot \
    'baselines-pareto.dat' index 36 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'baselines-pareto.dat' index 36 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'baselines-pareto.dat' index 37 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'baselines-pareto.dat' index 37 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'baselines-pareto.dat' index 38 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'baselines-pareto.dat' index 38 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'baselines-pareto.dat' index 39 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (1 seed)', \
    'baselines-pareto.dat' index 39 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'baselines-pareto.dat' index 40 using 1:2 with points lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (1 seed)', \
    'baselines-pareto.dat' index 40 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#E69F00" notitle, \
    'baselines-pareto.dat' index 41 using 1:2 with points lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (1 seed)', \
    'baselines-pareto.dat' index 41 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#56B4E9" notitle, \
    'baselines-pareto.dat' index 48 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
