# scaling-ratio.gp — written by `attnbench plot`; data in scaling-ratio.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-ratio.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel 'budget / n'
set ylabel '||O^ - O||_F / ||O||_F'
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,644 font "sans,9"; set output 'scaling-ratio.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,644 dynamic font "sans,9"; set output 'scaling-ratio.svg' }
  set multiplot layout 1,1 title 'output error vs budget / n (landmark ratio); band: min-max over seeds' . "\n" . 'experiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads'
  set title 'gaussian'
  plot \
    'scaling-ratio.dat' index 16 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title 'nystrom n=1024 (1 seed)', \
    'scaling-ratio.dat' index 17 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title 'nystrom n=16384 (1 seed)', \
    'scaling-ratio.dat' index 18 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title 'nystrom n=2048 (1 seed)', \
    'scaling-ratio.dat' index 19 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title 'nystrom n=32768 (1 seed)', \
    'scaling-ratio.dat' index 20 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title 'nystrom n=4096 (1 seed)', \
    'scaling-ratio.dat' index 21 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title 'nystrom n=512 (1 seed)', \
    'scaling-ratio.dat' index 22 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title 'nystrom n=65536 (1 seed)', \
    'scaling-ratio.dat' index 23 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title 'nystrom n=8192 (1 seed)'
  unset multiplot
  unset output
}
