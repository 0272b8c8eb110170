# scaling-pareto.gp — written by `attnbench plot`; data in scaling-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-pareto.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 2 spacing 1.1
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1000,582 font "sans,11"; set output 'scaling-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1000,582 dynamic font "sans,11"; set output 'scaling-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 9.09in,5.29in font "sans,9"; set output 'scaling-pareto.pdf' }
  set multiplot layout 1,1 title 'output error vs median time at n = 65536; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'gaussian' noenhanced
  set arrow 1 from 3620.38, graph 0 to 3620.38, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 3.62e+03 ms' at 3620.38, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:4706.494]
  plot \
    'scaling-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (1 seed)', \
    'scaling-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'scaling-pareto.dat' index 1 using 1:2 with points lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (1 seed)', \
    'scaling-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#D55E00" notitle, \
    'scaling-pareto.dat' index 2 using 1:2 with points lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (1 seed)', \
    'scaling-pareto.dat' index 2 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#009E73" notitle, \
    'scaling-pareto.dat' index 3 using 1:2 with points lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'performer (1 seed)', \
    'scaling-pareto.dat' index 3 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#CC79A7" notitle, \
    'scaling-pareto.dat' index 4 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
