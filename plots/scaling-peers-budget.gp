# scaling-peers-budget.gp — written by `attnbench plot`; data in scaling-peers-budget.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-peers-budget.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel "budget"
set ylabel "||O^ - O||_F / ||O||_F"
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,644 font "sans,9"; set output "scaling-peers-budget.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,644 dynamic font "sans,9"; set output "scaling-peers-budget.svg" }
  set multiplot layout 1,1 title "output error vs budget (landmarks m, projection k, features r, window w); band: min-max over seeds\nexperiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads"
  set title "gaussian"
  plot \
    "scaling-peers-budget.dat" index 16 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 1 notitle, \
    "scaling-peers-budget.dat" index 16 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title "nystrom n=1024", \
    "scaling-peers-budget.dat" index 17 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 2 notitle, \
    "scaling-peers-budget.dat" index 17 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title "nystrom n=16384", \
    "scaling-peers-budget.dat" index 18 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 3 notitle, \
    "scaling-peers-budget.dat" index 18 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title "nystrom n=2048", \
    "scaling-peers-budget.dat" index 19 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 4 notitle, \
    "scaling-peers-budget.dat" index 19 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title "nystrom n=32768", \
    "scaling-peers-budget.dat" index 20 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 5 notitle, \
    "scaling-peers-budget.dat" index 20 using 1:2 with linespoints lc 5 pt 7 ps 0.7 title "nystrom n=4096", \
    "scaling-peers-budget.dat" index 21 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 6 notitle, \
    "scaling-peers-budget.dat" index 21 using 1:2 with linespoints lc 6 pt 7 ps 0.7 title "nystrom n=512", \
    "scaling-peers-budget.dat" index 22 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 7 notitle, \
    "scaling-peers-budget.dat" index 22 using 1:2 with linespoints lc 7 pt 7 ps 0.7 title "nystrom n=65536", \
    "scaling-peers-budget.dat" index 23 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 8 notitle, \
    "scaling-peers-budget.dat" index 23 using 1:2 with linespoints lc 8 pt 7 ps 0.7 title "nystrom n=8192"
  unset multiplot
  unset output
}
