# scaling-memory.gp — written by `attnbench plot`; data in scaling-memory.dat (blocks: x mean min max y2).
# Render again with: gnuplot scaling-memory.gp (in this directory).
formats = "png svg"
set grid lw 0.5 lc rgb "#dddddd"
set key below left Left reverse font ",8" maxcols 2
set xlabel "n (tokens)"
set ylabel "MiB"
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set format y "%g"
set logscale x
set logscale y
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 960,434 font "sans,9"; set output "scaling-memory.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 960,434 dynamic font "sans,9"; set output "scaling-memory.svg" }
  set multiplot layout 1,1 title "peak working memory vs n (harness allocator; inputs and output excluded)\nexperiments/scaling.yaml - Intel(R) Xeon(R) Processor - 2 threads"
  set title ""
  plot \
    "scaling-memory.dat" index 0 using 1:2 with linespoints lc 1 pt 7 ps 0.7 title "exact", \
    "scaling-memory.dat" index 1 using 1:2 with linespoints lc 2 pt 7 ps 0.7 title "nystrom"
  unset multiplot
  unset output
}
