# baselines-time.gp — written by `attnbench plot`; data in baselines-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot baselines-time.gp (in this directory).
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
set xtics ("1k" 1024, "2k" 2048, "4k" 4096, "8k" 8192, "16k" 16384)
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2006 font "sans,11"; set output 'baselines-time.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2006 dynamic font "sans,11"; set output 'baselines-time.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,18.24in font "sans,9"; set output 'baselines-time.pdf' }
  set multiplot layout 3,3 title 'median forward time vs n (log-log; slope: least squares on log time vs log n, upper half of n, from 3 or more sizes)' . "\n" . 'experiments/baselines.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered, scale=1, order=contiguous' noenhanced
  plot \
    'baselines-time.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 2.00 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 0.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.05 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.77 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.82 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 1.01 over n 1k–16k; 3 seeds)'
  set title 'clustered, scale=1, order=shuffled' noenhanced
  plot \
    'baselines-time.dat' index 7 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 2.03 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 8 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 1.03 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 9 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.11 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 10 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.80 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 11 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.83 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 12 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.99 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 13 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 1.01 over n 1k–16k; 3 seeds)'
  set title 'gaussian, scale=0.25' noenhanced
  plot \
    'baselines-time.dat' index 14 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 1.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 15 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 0.96 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 16 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.04 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 17 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.75 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 18 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.80 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 19 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 1.00 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 20 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 0.99 over n 1k–16k; 3 seeds)'
  set title 'gaussian, scale=1' noenhanced
  plot \
    'baselines-time.dat' index 21 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 1.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 22 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 0.90 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 23 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.03 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 24 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.72 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 25 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.79 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 26 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.95 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 27 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 1.00 over n 1k–16k; 3 seeds)'
  set title 'gaussian, scale=4' noenhanced
  plot \
    'baselines-time.dat' index 28 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 2.01 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 29 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 1.04 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 30 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.10 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 31 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.80 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 32 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.82 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 33 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 34 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 1.04 over n 1k–16k; 3 seeds)'
  set title 'heavy, scale=1' noenhanced
  plot \
    'baselines-time.dat' index 35 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 1.99 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 36 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 0.92 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 37 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.04 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 38 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.79 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 39 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.79 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 40 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.98 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 41 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 1.03 over n 1k–16k; 3 seeds)'
  set title 'local, scale=1' noenhanced
  plot \
    'baselines-time.dat' index 42 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (slope 2.02 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 43 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (slope 0.99 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 44 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (slope 1.06 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 45 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom (slope 0.77 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 46 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom-direct (slope 1.79 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 47 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom-local (slope 0.97 over n 1k–16k; 3 seeds)', \
    'baselines-time.dat' index 48 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'performer (slope 0.98 over n 1k–16k; 3 seeds)'
  unset multiplot
  unset output
}
