# default-pinv.gp — written by `attnbench plot`; data in default-pinv.dat (blocks: x mean min max y2).
# Render again with: gnuplot default-pinv.gp (in this directory).
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
  if (fmt eq "png") { set terminal pngcairo enhanced size 1200,822 font "sans,11"; set output 'default-pinv.png' }
  if (fmt eq "svg") { set terminal svg enhanced size 1200,822 dynamic font "sans,11"; set output 'default-pinv.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo enhanced size 10.91in,7.47in font "sans,9"; set output 'default-pinv.pdf' }
  set multiplot layout 1,2 title 'output error (solid) and ||I - AZ||_F (dashed, right axis) vs pseudo-inverse iterations; dotted: SVD pseudo-inverse' . "\n" . 'experiments/default.yaml - Intel(R) Xeon(R) Processor - 2 threads' noenhanced
  set title 'clustered' noenhanced
  plot \
    'default-pinv.dat' index 4 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom landmarks=64 n=1024 (2 seeds)', \
    'default-pinv.dat' index 4 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#E69F00" notitle, \
    'default-pinv.dat' index 5 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom landmarks=64 n=4096 (2 seeds)', \
    'default-pinv.dat' index 5 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#56B4E9" notitle, \
    'default-pinv.dat' index 20 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom landmarks=64 n=1024, SVD pinv', \
    'default-pinv.dat' index 21 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom landmarks=64 n=4096, SVD pinv'
  set title 'gaussian' noenhanced
  plot \
    'default-pinv.dat' index 14 using 1:2 with linespoints lc rgb "#E69F00" dt 1 lw 1.5 pt 11 ps 0.9 title 'nystrom landmarks=64 n=1024 (2 seeds)', \
    'default-pinv.dat' index 14 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#E69F00" notitle, \
    'default-pinv.dat' index 15 using 1:2 with linespoints lc rgb "#56B4E9" dt 1 lw 1.5 pt 3 ps 0.9 title 'nystrom landmarks=64 n=4096 (2 seeds)', \
    'default-pinv.dat' index 15 using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "#56B4E9" notitle, \
    'default-pinv.dat' index 22 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom landmarks=64 n=1024, SVD pinv', \
    'default-pinv.dat' index 23 using 1:2 with lines dt 3 lw 1.5 lc rgb "#009E73" title 'nystrom landmarks=64 n=4096, SVD pinv'
  unset multiplot
  unset output
}
