# default-pareto.gp — written by `attnbench plot`; data in default-pareto.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-pareto.gp (in this directory).
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
set ytics add (0.2, 0.5, 1, 2, 5)
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1200,606 font "sans,11"; set output 'default-pareto.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1200,606 dynamic font "sans,11"; set output 'default-pareto.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 10.91in,5.51in font "sans,9"; set output 'default-pareto.pdf' }
  set multiplot layout 1,2 title 'output error vs median time at n = 4096; labels: each point'."'".'s budget; black: the Pareto front; dotted: exact attention'."'".'s time' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered' noenhanced
  set arrow 1 from 25.3106, graph 0 to 25.3106, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 25.3 ms' at 25.3106, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:32.90378]
  plot \
    'default-pareto.dat' index 0 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'default-pareto.dat' index 0 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'default-pareto.dat' index 2 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  set title 'gaussian' noenhanced
  set arrow 1 from 25.5614, graph 0 to 25.5614, graph 1 nohead dt 3 lw 1.5 lc rgb "#444444"
  set label 1 'exact: 25.6 ms' at 25.5614, graph 0.97 right offset -0.5,0 noenhanced font ",9" tc rgb "#444444"
  set xrange [*:33.22982]
  plot \
    'default-pareto.dat' index 1 using 1:2 with points lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (1 seed)', \
    'default-pareto.dat' index 1 using 1:2:(($5 == $5) ? sprintf("%g", $5) : "") with labels left offset 0.5,0.35 font ",8" tc rgb "#0072B2" notitle, \
    'default-pareto.dat' index 3 using 1:2 with steps lw 2 lc rgb "black" title 'Pareto front'
  unset arrow
  unset label
  set autoscale xfix
  unset multiplot
  unset output
}
