# zoo-ratio.gp — written by `attnbench plot`; data in zoo-ratio.dat (blocks: x mean min max y2).
# Render again with: gnuplot zoo-ratio.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2726 font "sans,11"; set output 'zoo-ratio.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2726 dynamic font "sans,11"; set output 'zoo-ratio.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,24.78in font "sans,9"; set output 'zoo-ratio.pdf' }
  set multiplot layout 3,3 title 'output error vs budget / n (landmark ratio); band: min-max over seeds' . "\n" . 'experiments/zoo.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, order=contiguous' noenhanced
  plot \
    'zoo-ratio.dat' index 0 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (2 seeds)', \
    'zoo-ratio.dat' index 1 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (2 seeds)', \
    'zoo-ratio.dat' index 2 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (2 seeds)', \
    'zoo-ratio.dat' index 3 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (2 seeds)', \
    'zoo-ratio.dat' index 4 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (2 seeds)', \
    'zoo-ratio.dat' index 5 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linformer (2 seeds)', \
    'zoo-ratio.dat' index 6 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#000000" notitle, \
    'zoo-ratio.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'local (2 seeds)', \
    'zoo-ratio.dat' index 7 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#F0E442" notitle, \
    'zoo-ratio.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (2 seeds)', \
    'zoo-ratio.dat' index 8 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=segment-means (2 seeds)', \
    'zoo-ratio.dat' index 9 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 9 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (2 seeds)', \
    'zoo-ratio.dat' index 10 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 10 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (2 seeds)', \
    'zoo-ratio.dat' index 11 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 11 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (2 seeds)', \
    'zoo-ratio.dat' index 12 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 12 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (2 seeds)', \
    'zoo-ratio.dat' index 13 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 13 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (2 seeds)', \
    'zoo-ratio.dat' index 112 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=1024', \
    'zoo-ratio.dat' index 113 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=4096', \
    'zoo-ratio.dat' index 114 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=16384'
  set title 'clustered, order=shuffled' noenhanced
  plot \
    'zoo-ratio.dat' index 14 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 14 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (2 seeds)', \
    'zoo-ratio.dat' index 15 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 15 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (2 seeds)', \
    'zoo-ratio.dat' index 16 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 16 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (2 seeds)', \
    'zoo-ratio.dat' index 17 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 17 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (2 seeds)', \
    'zoo-ratio.dat' index 18 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 18 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (2 seeds)', \
    'zoo-ratio.dat' index 19 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 19 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linformer (2 seeds)', \
    'zoo-ratio.dat' index 20 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#000000" notitle, \
    'zoo-ratio.dat' index 20 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'local (2 seeds)', \
    'zoo-ratio.dat' index 21 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#F0E442" notitle, \
    'zoo-ratio.dat' index 21 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (2 seeds)', \
    'zoo-ratio.dat' index 22 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 22 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=segment-means (2 seeds)', \
    'zoo-ratio.dat' index 23 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 23 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (2 seeds)', \
    'zoo-ratio.dat' index 24 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 24 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (2 seeds)', \
    'zoo-ratio.dat' index 25 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 25 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (2 seeds)', \
    'zoo-ratio.dat' index 26 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 26 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (2 seeds)', \
    'zoo-ratio.dat' index 27 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 27 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (2 seeds)', \
    'zoo-ratio.dat' index 115 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=1024', \
    'zoo-ratio.dat' index 116 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=4096', \
    'zoo-ratio.dat' index 117 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=16384'
  set title 'gaussian' noenhanced
  plot \
    'zoo-ratio.dat' index 28 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 28 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (2 seeds)', \
    'zoo-ratio.dat' index 29 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 29 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (2 seeds)', \
    'zoo-ratio.dat' index 30 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 30 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (2 seeds)', \
    'zoo-ratio.dat' index 31 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 31 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (2 seeds)', \
    'zoo-ratio.dat' index 32 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 32 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (2 seeds)', \
    'zoo-ratio.dat' index 33 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 33 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linformer (2 seeds)', \
    'zoo-ratio.dat' index 34 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#000000" notitle, \
    'zoo-ratio.dat' index 34 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'local (2 seeds)', \
    'zoo-ratio.dat' index 35 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#F0E442" notitle, \
    'zoo-ratio.dat' index 35 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (2 seeds)', \
    'zoo-ratio.dat' index 36 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 36 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=segment-means (2 seeds)', \
    'zoo-ratio.dat' index 37 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 37 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (2 seeds)', \
    'zoo-ratio.dat' index 38 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 38 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (2 seeds)', \
    'zoo-ratio.dat' index 39 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 39 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (2 seeds)', \
    'zoo-ratio.dat' index 40 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 40 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (2 seeds)', \
    'zoo-ratio.dat' index 41 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 41 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (2 seeds)', \
    'zoo-ratio.dat' index 118 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=1024', \
    'zoo-ratio.dat' index 119 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=4096', \
    'zoo-ratio.dat' index 120 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=16384'
  set title 'heavy' noenhanced
  plot \
    'zoo-ratio.dat' index 42 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 42 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (2 seeds)', \
    'zoo-ratio.dat' index 43 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 43 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (2 seeds)', \
    'zoo-ratio.dat' index 44 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 44 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (2 seeds)', \
    'zoo-ratio.dat' index 45 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 45 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (2 seeds)', \
    'zoo-ratio.dat' index 46 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 46 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (2 seeds)', \
    'zoo-ratio.dat' index 47 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 47 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linformer (2 seeds)', \
    'zoo-ratio.dat' index 48 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#000000" notitle, \
    'zoo-ratio.dat' index 48 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'local (2 seeds)', \
    'zoo-ratio.dat' index 49 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#F0E442" notitle, \
    'zoo-ratio.dat' index 49 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (2 seeds)', \
    'zoo-ratio.dat' index 50 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 50 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=segment-means (2 seeds)', \
    'zoo-ratio.dat' index 51 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 51 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (2 seeds)', \
    'zoo-ratio.dat' index 52 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 52 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (2 seeds)', \
    'zoo-ratio.dat' index 53 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 53 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (2 seeds)', \
    'zoo-ratio.dat' index 54 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 54 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (2 seeds)', \
    'zoo-ratio.dat' index 55 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-ratio.dat' index 121 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=1024', \
    'zoo-ratio.dat' index 122 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=4096', \
    'zoo-ratio.dat' index 123 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=16384'
  set title 'local' noenhanced
  plot \
    'zoo-ratio.dat' index 56 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 56 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (2 seeds)', \
    'zoo-ratio.dat' index 57 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 57 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (2 seeds)', \
    'zoo-ratio.dat' index 58 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 58 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (2 seeds)', \
    'zoo-ratio.dat' index 59 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 59 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (2 seeds)', \
    'zoo-ratio.dat' index 60 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 60 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (2 seeds)', \
    'zoo-ratio.dat' index 61 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 61 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linformer (2 seeds)', \
    'zoo-ratio.dat' index 62 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#000000" notitle, \
    'zoo-ratio.dat' index 62 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'local (2 seeds)', \
    'zoo-ratio.dat' index 63 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#F0E442" notitle, \
    'zoo-ratio.dat' index 63 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (2 seeds)', \
    'zoo-ratio.dat' index 64 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#0072B2" notitle, \
    'zoo-ratio.dat' index 64 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=segment-means (2 seeds)', \
    'zoo-ratio.dat' index 65 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#D55E00" notitle, \
    'zoo-ratio.dat' index 65 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom-local (2 seeds)', \
    'zoo-ratio.dat' index 66 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#009E73" notitle, \
    'zoo-ratio.dat' index 66 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'performer (2 seeds)', \
    'zoo-ratio.dat' index 67 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#CC79A7" notitle, \
    'zoo-ratio.dat' index 67 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'reformer (2 seeds)', \
    'zoo-ratio.dat' index 68 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#E69F00" notitle, \
    'zoo-ratio.dat' index 68 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'scatterbrain (2 seeds)', \
    'zoo-ratio.dat' index 69 using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "#56B4E9" notitle, \
    'zoo-ratio.dat' index 69 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'skyformer (2 seeds)', \
    'zoo-ratio.dat' index 124 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=1024', \
    'zoo-ratio.dat' index 125 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=4096', \
    'zoo-ratio.dat' index 126 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor) n=16384'
  set title 'manifest, layer=0' noenhanced
  plot \
    'zoo-ratio.dat' index 127 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  set title 'manifest, layer=2' noenhanced
  plot \
    'zoo-ratio.dat' index 128 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  set title 'manifest, layer=5' noenhanced
  plot \
    'zoo-ratio.dat' index 129 using 1:2 with lines dt 2 lw 2.5 lc rgb "#888888" title 'uniform (floor)'
  unset multiplot
  unset output
}
