set terminal pngcairo size 1200,520
set output 'plots/model-cheap-vs-costly.png'
set multiplot layout 1,2 title 'model: every layer replaced, attention-level error vs what reaches the embedding'
set logscale x; set grid; unset key
set xlabel 'attention out\_rel (on each layer''s own inputs)'
set ylabel '1 - mean embedding cosine'; set logscale y
plot 'plots/model-cheap-vs-costly.dat' using 2:(1-$3) with points pt 7, '' using 2:(1-$3):1 with labels offset 0,0.8 font ',7'
unset logscale y
set ylabel 'retrieval agreement'; set yrange [0:1.05]; set key bottom left
plot 'plots/model-cheap-vs-costly.dat' using 2:4 with points pt 7 title 'top-10 overlap', '' using 2:5 with points pt 5 title 'Spearman (pairwise)',      '' using 2:4:1 with labels offset 0,0.8 font ',7' notitle
unset multiplot
