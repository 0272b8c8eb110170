# precision-pinv.gp — written by `attnbench plot`; data in precision-pinv.dat (blocks: x mean min max y2).
# Render again with: gnuplot precision-pinv.gp (in this directory).
formats = "png svg"
set encoding utf8
set grid lw 0.5 lc rgb "#dddddd"
set border lw 1
set key below left Left reverse noenhanced maxcols 1 spacing 1.1
set xlabel 'pseudo-inverse iterations'
set ylabel 'relative output error ‖Ô − O‖_F / ‖O‖_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set format x "%g"
set mxtics 10
set logscale y
set mytics 10
set y2label '‖I − AZ‖_F'
set ytics nomirror
set y2tics
set format y2 "%g"
set logscale y2
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo enhanced size 1800,2170 font "sans,11"; set output 'precision-pinv.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1800,2170 dynamic font "sans,11"; set output 'precision-pinv.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 16.36in,19.73in font "sans,9"; set output 'precision-pinv.pdf' }
  set multiplot layout 2,3 title 'output error (solid) and ||I - AZ||_F (dashed, right axis) vs pseudo-inverse iterations; dotted: SVD pseudo-inverse' . "\n" . 'experiments/precision.yaml - AMD EPYC - 2 threads' noenhanced
  set title 'clustered, scale=2' noenhanced
  plot \
    'precision-pinv.dat' index 0 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom n=1024 (1 seed)', \
    'precision-pinv.dat' index 0 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#D55E00" notitle, \
    'precision-pinv.dat' index 1 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom n=2000 (1 seed)', \
    'precision-pinv.dat' index 1 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#009E73" notitle, \
    'precision-pinv.dat' index 4 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=1024 (1 seed)', \
    'precision-pinv.dat' index 4 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#F0E442" notitle, \
    'precision-pinv.dat' index 5 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=2000 (1 seed)', \
    'precision-pinv.dat' index 5 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#0072B2" notitle, \
    'precision-pinv.dat' index 48 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=1024, SVD pinv', \
    'precision-pinv.dat' index 49 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=2000, SVD pinv', \
    'precision-pinv.dat' index 50 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 51 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 52 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 53 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 54 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=1024, SVD pinv', \
    'precision-pinv.dat' index 55 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=2000, SVD pinv', \
    'precision-pinv.dat' index 56 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 57 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 58 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=fp16 n=1024, SVD pinv'
  set title 'gaussian, scale=1' noenhanced
  plot \
    'precision-pinv.dat' index 12 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom n=1024 (1 seed)', \
    'precision-pinv.dat' index 12 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#D55E00" notitle, \
    'precision-pinv.dat' index 13 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom n=2000 (1 seed)', \
    'precision-pinv.dat' index 13 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#009E73" notitle, \
    'precision-pinv.dat' index 14 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom precision=bf16 n=1024 (1 seed)', \
    'precision-pinv.dat' index 14 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#E69F00" notitle, \
    'precision-pinv.dat' index 15 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom precision=bf16 n=2000 (1 seed)', \
    'precision-pinv.dat' index 15 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#56B4E9" notitle, \
    'precision-pinv.dat' index 16 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=1024 (1 seed)', \
    'precision-pinv.dat' index 16 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#F0E442" notitle, \
    'precision-pinv.dat' index 17 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=2000 (1 seed)', \
    'precision-pinv.dat' index 17 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#0072B2" notitle, \
    'precision-pinv.dat' index 59 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=1024, SVD pinv', \
    'precision-pinv.dat' index 60 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=2000, SVD pinv', \
    'precision-pinv.dat' index 61 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 62 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 63 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 64 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 65 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=1024, SVD pinv', \
    'precision-pinv.dat' index 66 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=2000, SVD pinv', \
    'precision-pinv.dat' index 67 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 68 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 69 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=fp16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 70 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=fp16 n=2000, SVD pinv'
  set title 'gaussian, scale=4' noenhanced
  plot \
    'precision-pinv.dat' index 24 using 1:2 with linespoints lc rgb "#D55E00" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom n=1024 (1 seed)', \
    'precision-pinv.dat' index 24 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#D55E00" notitle, \
    'precision-pinv.dat' index 25 using 1:2 with linespoints lc rgb "#009E73" dt 1 lw 1.5 pt 9 ps 0.9 title 'nystrom n=2000 (1 seed)', \
    'precision-pinv.dat' index 25 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#009E73" notitle, \
    'precision-pinv.dat' index 26 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom precision=bf16 n=1024 (1 seed)', \
    'precision-pinv.dat' index 26 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#E69F00" notitle, \
    'precision-pinv.dat' index 27 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom precision=bf16 n=2000 (1 seed)', \
    'precision-pinv.dat' index 27 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#56B4E9" notitle, \
    'precision-pinv.dat' index 28 using 1:2 with linespoints lc rgb "#F0E442" dt 1 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=1024 (1 seed)', \
    'precision-pinv.dat' index 28 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#F0E442" notitle, \
    'precision-pinv.dat' index 29 using 1:2 with linespoints lc rgb "#0072B2" dt 2 lw 1.5 pt 5 ps 0.9 title 'nystrom precision=fp16 n=2000 (1 seed)', \
    'precision-pinv.dat' index 29 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#0072B2" notitle, \
    'precision-pinv.dat' index 71 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=1024, SVD pinv', \
    'precision-pinv.dat' index 72 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=2000, SVD pinv', \
    'precision-pinv.dat' index 73 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 74 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 75 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 76 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=2000, SVD pinv', \
    'precision-pinv.dat' index 77 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=1024, SVD pinv', \
    'precision-pinv.dat' index 78 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=2000, SVD pinv', \
    'precision-pinv.dat' index 79 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=1024, SVD pinv', \
    'precision-pinv.dat' index 80 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=2000, SVD pinv'
  set title 'manifest, layer=0, scale=1' noenhanced
  plot \
    'precision-pinv.dat' index 36 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom n=512 (1 seed)', \
    'precision-pinv.dat' index 36 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#0072B2" notitle, \
    'precision-pinv.dat' index 37 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom precision=bf16 n=512 (1 seed)', \
    'precision-pinv.dat' index 37 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#CC79A7" notitle, \
    'precision-pinv.dat' index 38 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom precision=fp16 n=512 (1 seed)', \
    'precision-pinv.dat' index 38 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#000000" notitle, \
    'precision-pinv.dat' index 81 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=512, SVD pinv', \
    'precision-pinv.dat' index 82 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=512, SVD pinv', \
    'precision-pinv.dat' index 83 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=512, SVD pinv', \
    'precision-pinv.dat' index 84 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=512, SVD pinv', \
    'precision-pinv.dat' index 85 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=512, SVD pinv'
  set title 'manifest, layer=5, scale=1' noenhanced
  plot \
    'precision-pinv.dat' index 42 using 1:2 with linespoints lc rgb "#0072B2" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom n=512 (1 seed)', \
    'precision-pinv.dat' index 42 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#0072B2" notitle, \
    'precision-pinv.dat' index 43 using 1:2 with linespoints lc rgb "#CC79A7" dt 1 lw 1.5 pt 13 ps 0.9 title 'nystrom precision=bf16 n=512 (1 seed)', \
    'precision-pinv.dat' index 43 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#CC79A7" notitle, \
    'precision-pinv.dat' index 44 using 1:2 with linespoints lc rgb "#000000" dt 1 lw 1.5 pt 7 ps 0.9 title 'nystrom precision=fp16 n=512 (1 seed)', \
    'precision-pinv.dat' index 44 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#000000" notitle, \
    'precision-pinv.dat' index 86 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom n=512, SVD pinv', \
    'precision-pinv.dat' index 87 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=bf16 n=512, SVD pinv', \
    'precision-pinv.dat' index 88 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom precision=fp16 n=512, SVD pinv', \
    'precision-pinv.dat' index 89 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct n=512, SVD pinv', \
    'precision-pinv.dat' index 90 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=bf16 n=512, SVD pinv', \
    'precision-pinv.dat' index 91 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom-direct precision=fp16 n=512, SVD pinv'
  unset multiplot
  unset output
}
