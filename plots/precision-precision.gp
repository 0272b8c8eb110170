# precision-precision.gp — written by `attnbench plot`; data in precision-precision.dat (blocks: x mean min max y2).
# Render again with: gnuplot precision-precision.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'unit roundoff u of the format (fp32, fp16, bf16)'
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2222 font "sans,11"; set output 'precision-precision.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2222 dynamic font "sans,11"; set output 'precision-precision.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,20.20in font "sans,9"; set output 'precision-precision.pdf' }
  set multiplot layout 3,3 title 'output error vs the number format'."'".'s unit roundoff u (fp32 2^-24, fp16 2^-11, bf16 2^-8); band: min-max over seeds' . "\n" . 'experiments/precision.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, scale=2, n=1024' noenhanced
  plot \
    'precision-precision.dat' index 0 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 1 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 2 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 3 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 6 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 7 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 8 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 9 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'clustered, scale=2, n=2000' noenhanced
  plot \
    'precision-precision.dat' index 10 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 11 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 12 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 13 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 14 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 15 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 16 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 17 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 18 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 19 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'gaussian, scale=1, n=1024' noenhanced
  plot \
    'precision-precision.dat' index 20 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 21 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 22 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 23 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 24 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 25 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 26 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 27 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 28 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 29 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'gaussian, scale=1, n=2000' noenhanced
  plot \
    'precision-precision.dat' index 30 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 31 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 32 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 33 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 34 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 35 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 36 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 37 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 38 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 39 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'gaussian, scale=4, n=1024' noenhanced
  plot \
    'precision-precision.dat' index 40 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 41 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 42 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 43 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 44 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 45 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 46 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 47 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 48 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 49 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'gaussian, scale=4, n=2000' noenhanced
  plot \
    'precision-precision.dat' index 50 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 51 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 52 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 53 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 54 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 55 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 56 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 57 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 58 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 59 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'manifest, layer=0, scale=1, n=512' noenhanced
  plot \
    'precision-precision.dat' index 60 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 61 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 62 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 63 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 64 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 65 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 66 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 67 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 68 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 69 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  set title 'manifest, layer=5, scale=1, n=512' noenhanced
  plot \
    'precision-precision.dat' index 70 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'exact (1 seed)', \
    'precision-precision.dat' index 71 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'linformer (1 seed)', \
    'precision-precision.dat' index 72 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'local (1 seed)', \
    'precision-precision.dat' index 73 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom pinv=iterative pinv_iters=6 (1 seed)', \
    'precision-precision.dat' index 74 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom pinv=iterative pinv_iters=20 (1 seed)', \
    'precision-precision.dat' index 75 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom pinv=svd (1 seed)', \
    'precision-precision.dat' index 76 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom-direct (1 seed)', \
    'precision-precision.dat' index 77 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom-local (1 seed)', \
    'precision-precision.dat' index 78 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'performer (1 seed)', \
    'precision-precision.dat' index 79 using 1:2 with linespoints lc rgb "#D55E00" dt 2 lw 1.5 pt 9 ps 0.9 title 'uniform (1 seed)'
  unset multiplot
  unset output
}
