set terminal pngcairo size 1000,600
set output 'plots/model-sensitivity.png'
set title 'model-layers: one attention layer replaced, 1 - mean embedding cosine'
set xlabel 'replaced layer'; set ylabel '1 - cos'; set logscale y; set grid; set key outside right
set xtics 1
plot for [i=0:2] 'plots/model-sensitivity.dat' index i using 1:(1-$2) with linespoints title columnheader(1)
