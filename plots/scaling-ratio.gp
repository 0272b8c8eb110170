# scaling-ratio.gp — written by `attnbench plot`; data in scaling-ratio.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-ratio.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel "budget / n"
set ylabel "||O^ - O||_F / ||O||_F"
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,448 font "sans,9"; set output "scaling-ratio.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,448 dynamic font "sans,9"; set output "scaling-ratio.svg" }
  set multiplot layout 1,1 title "output error vs budget / n (landmark ratio); band: min-max over seeds\nexperiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads"
  set title "gaussian"
  plot \
    "scaling-ratio.dat" index 0 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 1 notitle, \
    "scaling-ratio.dat" index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title "linformer", \
    "scaling-ratio.dat" index 1 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 2 notitle, \
    "scaling-ratio.dat" index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title "local", \
    "scaling-ratio.dat" index 2 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 3 notitle, \
    "scaling-ratio.dat" index 2 using 1:2 with linespoints lc 3 pt 7 ps 0.7 title "nystrom", \
    "scaling-ratio.dat" index 3 using 1:3:4 with filledcurves fs transparent solid 0.15 lc 4 notitle, \
    "scaling-ratio.dat" index 3 using 1:2 with linespoints lc 4 pt 7 ps 0.7 title "performer"
  unset multiplot
  unset output
}
