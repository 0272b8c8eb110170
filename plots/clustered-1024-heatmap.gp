# clustered-1024-heatmap.gp — written by `attnbench heatmap`: attention rows [32, 128) x keys [32, 128); blocks in clustered-1024-heatmap-<panel>.dat.
# Render again with: gnuplot clustered-1024-heatmap.gp (in this directory).
formats = "png svg"
set encoding utf8
# one colour scale for all panels, symmetric about 0: a = 0.0520135 (largest |weight| over all panels 0.0520135, over exact 0.0487764)
set palette defined (-1 "#2166ac", -0.6 "#67a9cf", -0.25 "#d1e5f0", 0 "#ffffff", 0.25 "#fddbc7", 0.6 "#ef8a62", 1 "#b2182b")
set cbrange [-0.0520135:0.0520135]
set format cb "%g"
set cblabel 'attention weight' noenhanced
set size ratio 1
unset key
set xrange [31.5:127.5]
set yrange [127.5:31.5]
set xlabel "key j"
set ylabel "query i"
set tics out nomirror
set xtics 10
set ytics 10
do for [fmt in formats] {
  if (fmt eq "png") { set terminal pngcairo noenhanced size 1670,463 font "sans,10"; set output 'clustered-1024-heatmap.png' }
  if (fmt eq "svg") { set terminal svg noenhanced size 1670,463 dynamic font "sans,10"; set output 'clustered-1024-heatmap.svg' }
  if (fmt eq "pdf") { set terminal pdfcairo noenhanced size 15.18in,4.21in font "sans,9"; set output 'clustered-1024-heatmap.pdf' }
  set colorbox vertical user origin screen 0.9293, screen 0.1188 size screen 0.0096, screen 0.6479
  set multiplot layout 1,4 margins screen 0.0449, 0.9162, 0.1188, 0.7667 spacing screen 0.0509, 0.2181 title 'attention weights of head 0: queries [32, 128) x keys [32, 128)' . "\n" . 'clustered(heads=1;n=1024;d=64;scale=2;clusters=16;spread=0.3;order=contiguous), seed 1, n = 1024' noenhanced
  set title 'exact softmax' . "\n" . 'float64 reference' noenhanced
  plot 'clustered-1024-heatmap-exact.dat' nonuniform matrix with image
  unset colorbox  # drawn once, by the first panel: one scale for all
  set title 'nystrom landmarks=16 pinv=iterative' . "\n" . 'rel. error: block 0.152, output 0.156' noenhanced
  plot 'clustered-1024-heatmap-m0.dat' nonuniform matrix with image
  set title 'nystrom landmarks=64 pinv=iterative' . "\n" . 'rel. error: block 0.151, output 0.156' noenhanced
  plot 'clustered-1024-heatmap-m1.dat' nonuniform matrix with image
  set title 'nystrom landmarks=64 pinv=svd' . "\n" . 'rel. error: block 0.243, output 0.449' noenhanced
  plot 'clustered-1024-heatmap-m2.dat' nonuniform matrix with image
  unset multiplot
  unset output
}
