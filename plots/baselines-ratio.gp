# baselines-ratio.gp — written by `attnbench plot`; data in baselines-ratio.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-ratio.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'budget / n (landmark ratio m/n)'
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,1934 font "sans,11"; set output 'baselines-ratio.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,1934 dynamic font "sans,11"; set output 'baselines-ratio.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,17.58in font "sans,9"; set output 'baselines-ratio.pdf' }
  set multiplot layout 3,3 title 'output error vs budget / n (landmark ratio); band: min-max over seeds' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered, scale=1, order=contiguous' noenhanced
  plot \
    'baselines-ratio.dat' index 0 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 1 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 2 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 3 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 4 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 5 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'clustered, scale=1, order=shuffled' noenhanced
  plot \
    'baselines-ratio.dat' index 6 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 6 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 7 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 7 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 8 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 8 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 9 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 9 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 10 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 10 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 11 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 11 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'gaussian, scale=0.25' noenhanced
  plot \
    'baselines-ratio.dat' index 12 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 12 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 13 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 13 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 14 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 14 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 15 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 15 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 16 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 16 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 17 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 17 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'gaussian, scale=1' noenhanced
  plot \
    'baselines-ratio.dat' index 18 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 18 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 19 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 19 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 20 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 20 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 21 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 21 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 22 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 22 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 23 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 23 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'gaussian, scale=4' noenhanced
  plot \
    'baselines-ratio.dat' index 24 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 24 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 25 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 25 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 26 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 26 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 27 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 27 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 28 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 28 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 29 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 29 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'heavy, scale=1' noenhanced
  plot \
    'baselines-ratio.dat' index 30 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 30 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 31 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 31 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 32 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 32 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 33 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 33 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 34 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 34 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 35 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 35 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  set title 'local, scale=1' noenhanced
  plot \
    'baselines-ratio.dat' index 36 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'baselines-ratio.dat' index 36 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (3 seeds)', \
    'baselines-ratio.dat' index 37 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'baselines-ratio.dat' index 37 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (3 seeds)', \
    'baselines-ratio.dat' index 38 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'baselines-ratio.dat' index 38 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom (3 seeds)', \
    'baselines-ratio.dat' index 39 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'baselines-ratio.dat' index 39 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom-direct (3 seeds)', \
    'baselines-ratio.dat' index 40 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'baselines-ratio.dat' index 40 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-local (3 seeds)', \
    'baselines-ratio.dat' index 41 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'baselines-ratio.dat' index 41 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'performer (3 seeds)'
  unset multiplot
  unset output
}
