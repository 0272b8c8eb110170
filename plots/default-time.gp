# default-time.gp — written by `attnbench plot`; data in default-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-time.gp (in this directory).
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
set xtics ("1k" 1024, "2k" 2048, "4k" 4096)
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1200,798 font "sans,11"; set output 'default-time.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1200,798 dynamic font "sans,11"; set output 'default-time.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 10.91in,7.25in font "sans,9"; set output 'default-time.pdf' }
  set multiplot layout 1,2 title 'median forward time vs n (log-log; slope: least squares on log time vs log n, upper half of n, from 3 or more sizes)' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered' noenhanced
  plot \
    'default-time.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (2 seeds)', \
    'default-time.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (2 seeds)', \
    'default-time.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (2 seeds)', \
    'default-time.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (2 seeds)', \
    'default-time.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (2 seeds)', \
    'default-time.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=64 pinv=svd (2 seeds)', \
    'default-time.dat' index 9 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 10 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (2 seeds)'
  set title 'gaussian' noenhanced
  plot \
    'default-time.dat' index 11 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (2 seeds)', \
    'default-time.dat' index 12 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=16 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 13 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom landmarks=32 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 14 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=1 (2 seeds)', \
    'default-time.dat' index 15 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=3 (2 seeds)', \
    'default-time.dat' index 16 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 17 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=12 (2 seeds)', \
    'default-time.dat' index 18 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=64 pinv=iterative pinv_iters=24 (2 seeds)', \
    'default-time.dat' index 19 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom landmarks=64 pinv=svd (2 seeds)', \
    'default-time.dat' index 20 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'nystrom landmarks=128 pinv=iterative pinv_iters=6 (2 seeds)', \
    'default-time.dat' index 21 using 1:2 with linespoints lc rgb "#009E73" dt 2 lw 1.5 pt 13 ps 0.9 title 'nystrom landmarks=256 pinv=iterative pinv_iters=6 (2 seeds)'
  unset multiplot
  unset output
}
