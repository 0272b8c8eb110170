# clustered-1024-heatmap.gp — written by `attnbench heatmap`: attention rows [32, 128) x keys [32, 128) of head 0
formats = "png svg"
set palette defined (-0.00257774 "#2166ac", 0 "white", 0.0487764 "#b2182b")
set cbrange [-0.00257774:0.0487764]
set size ratio -1
unset key
set xrange [31.5:127.5]
set yrange [127.5:31.5]
set xlabel "key j"
set ylabel "query i"
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1580,420 font "sans,8"; set output "clustered-1024-heatmap.png" }
  if (fmt eq "svg") { set terminal svg noenhanced size 1580,420 font "sans,8"; set output "clustered-1024-heatmap.svg" }
  set multiplot layout 1,4 title "attention block, head 0: clustered(heads=1;n=1024;d=64;scale=2;clusters=16;spread=0.3;order=contiguous), seed 1, n = 1024"
  set title "exact"
  plot "clustered-1024-heatmap-exact.dat" nonuniform matrix with image
  set title "nystrom landmarks=16 pinv=iterative"
  plot "clustered-1024-heatmap-m0.dat" nonuniform matrix with image
  set title "nystrom landmarks=64 pinv=iterative"
  plot "clustered-1024-heatmap-m1.dat" nonuniform matrix with image
  set title "nystrom landmarks=64 pinv=svd"
  plot "clustered-1024-heatmap-m2.dat" nonuniform matrix with image
  unset multiplot
  unset output
}
