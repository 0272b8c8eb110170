# zoo-time.gp — written by `attnbench plot`; data in zoo-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot zoo-time.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'sequence length n (tokens)'
set ylabel 'median forward time (ms)'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x 2
set xtics ("512" 512, "1k" 1024, "2k" 2048, "4k" 4096, "8k" 8192, "16k" 16384)
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,1786 font "sans,11"; set output 'zoo-time.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,1786 dynamic font "sans,11"; set output 'zoo-time.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,16.24in font "sans,9"; set output 'zoo-time.pdf' }
  set multiplot layout 2,3 title 'median forward time vs n (log-log; slope: least squares on log time vs log n, upper half of n, from 3 or more sizes)' . "\n" . 'experiments/zoo.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, order=contiguous' noenhanced
  plot \
    'zoo-time.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 0.47 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (slope 0.71 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (slope 0.82 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (slope 0.49 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'exact (slope 1.86 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linear (slope 0.47 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (slope 0.95 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (slope 0.32 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (slope 0.11 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 9 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom selection=segment-means (slope 0.68 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 10 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (slope 0.44 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 11 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (slope 0.31 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 12 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (slope 0.58 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 13 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (slope 0.91 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 14 using 1:2 with linespoints lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (slope -0.49 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 15 using 1:2 with linespoints lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (slope 0.37 over n 1k–16k; 2 seeds)'
  set title 'clustered, order=shuffled' noenhanced
  plot \
    'zoo-time.dat' index 16 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 1.06 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 17 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (slope 0.79 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 18 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (slope 0.92 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 19 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (slope 0.61 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 20 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'exact (slope 1.97 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 21 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linear (slope 0.71 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 22 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (slope 0.35 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 23 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (slope 0.58 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 24 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (slope -0.02 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 25 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom selection=segment-means (slope -0.04 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 26 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (slope 1.22 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 27 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (slope 0.30 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 28 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (slope 0.90 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 29 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (slope 0.93 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 30 using 1:2 with linespoints lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (slope 0.51 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 31 using 1:2 with linespoints lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (slope -0.79 over n 1k–16k; 2 seeds)'
  set title 'gaussian' noenhanced
  plot \
    'zoo-time.dat' index 32 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 0.75 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 33 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (slope 0.98 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 34 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (slope 0.82 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 35 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (slope 0.69 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 36 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'exact (slope 2.10 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 37 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linear (slope 0.64 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 38 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (slope 0.50 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 39 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (slope 1.31 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 40 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (slope 0.47 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 41 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom selection=segment-means (slope 0.45 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 42 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (slope 0.41 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 43 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (slope 1.33 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 44 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (slope 0.89 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 45 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (slope 0.91 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 46 using 1:2 with linespoints lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (slope 1.39 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 47 using 1:2 with linespoints lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (slope 0.03 over n 1k–16k; 2 seeds)'
  set title 'heavy' noenhanced
  plot \
    'zoo-time.dat' index 48 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 0.95 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 49 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (slope 0.85 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 50 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (slope 1.02 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 51 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (slope 0.65 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 52 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'exact (slope 1.70 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 53 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linear (slope 0.56 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 54 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (slope 0.91 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 55 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (slope 0.51 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 56 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (slope 0.91 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 57 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom selection=segment-means (slope 0.03 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 58 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (slope 0.92 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 59 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (slope 0.90 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 60 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (slope 0.71 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 61 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (slope 0.86 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 62 using 1:2 with linespoints lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (1 seed)', \
    'zoo-time.dat' index 63 using 1:2 with linespoints lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (slope -1.05 over n 1k–16k; 2 seeds)'
  set title 'local' noenhanced
  plot \
    'zoo-time.dat' index 64 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 0.58 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 65 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered topk=0 (slope 1.10 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 66 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'clustered topk=32 (slope 1.03 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 67 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'cosformer (slope 0.76 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 68 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'exact (slope 1.86 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 69 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'linear (slope 1.32 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 70 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'linformer (slope 0.15 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 71 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'local (slope 0.58 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 72 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom selection=importance (slope 0.27 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 73 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom selection=segment-means (slope 0.05 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 74 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom-local (slope 1.08 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 75 using 1:2 with linespoints lc rgb "#CC79A7" dt 2 lw 1.5 pt 11 ps 0.9 title 'performer (slope 0.37 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 76 using 1:2 with linespoints lc rgb "#E69F00" dt 2 lw 1.5 pt 3 ps 0.9 title 'reformer (slope 0.98 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 77 using 1:2 with linespoints lc rgb "#56B4E9" dt 2 lw 1.5 pt 7 ps 0.9 title 'scatterbrain (slope 1.10 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 78 using 1:2 with linespoints lc rgb "#000000" dt 2 lw 1.5 pt 5 ps 0.9 title 'skyformer (slope 0.94 over n 1k–16k; 2 seeds)', \
    'zoo-time.dat' index 79 using 1:2 with linespoints lc rgb "#F0E442" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (slope 0.03 over n 1k–16k; 2 seeds)'
  unset multiplot
  unset output
}
