set terminal pngcairo size 1000,600
set output 'plots/model-error-growth.png'
set title 'model: every attention layer replaced, hidden-state error after each layer'
set xlabel 'layer'; set ylabel '||h - h_{exact}||_F / ||h_{exact}||_F'
set logscale y; set key outside right; set grid
plot for [i=0:11] 'plots/model-error-growth.dat' index i using 1:2 with linespoints title columnheader(1)
