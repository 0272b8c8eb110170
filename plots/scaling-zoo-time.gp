# scaling-zoo-time.gp — written by `attnbench plot`; data in scaling-zoo-time.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-zoo-time.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 2 spacing 1.1
set xlabel 'sequence length n (tokens)'
set ylabel 'median forward time (ms)'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x 2
set xtics ("512" 512, "1k" 1024, "2k" 2048, "4k" 4096, "8k" 8192, "16k" 16384, "32k" 32768, "64k" 65536)
set logscale y
set mytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1000,630 font "sans,11"; set output 'scaling-zoo-time.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1000,630 dynamic font "sans,11"; set output 'scaling-zoo-time.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 9.09in,5.73in font "sans,9"; set output 'scaling-zoo-time.pdf' }
  set multiplot layout 1,1 title 'median forward time vs n (log-log; slope: least squares on log time vs log n, upper half of n, from 3 or more sizes)' . "\n" . 'experiments/scaling-zoo.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'gaussian' noenhanced
  plot \
    'scaling-zoo-time.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'bigbird (slope 1.04 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'clustered (slope 1.09 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'cosformer (slope 0.88 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'exact (slope 1.99 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'linear (slope 1.08 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'local (slope 1.01 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom (slope 1.11 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'reformer (slope 1.61 over n 8k–64k; 1 seed)', \
    'scaling-zoo-time.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'scatterbrain (slope 0.95 over n 8k–64k; 1 seed)'
  unset multiplot
  unset output
}
