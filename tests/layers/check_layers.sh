#!/bin/sh
# check_layers.sh SRC — the layering of harness/ and methods/, read from the
# #include lines: each layer includes only itself and the layers below it,
#   kernels, base  <  formats  <  data, report, model  <  methods  <  the driver
# (harness/*.c, flat), so there is no cycle and the kernels are at the
# bottom. A header is named by where it lives ("kernels/qtile.h"); a bare
# name is the driver's (harness/<name>.h), attnbench.h (the plugin contract,
# below everything) and gitrev.h (generated) excepted. Exit 1 with a line per
# violation.
set -eu
src=$1
allowed() { # layer -> the folders its files may include from
  case $1 in
    kernels) echo "kernels" ;;
    base) echo "base" ;;
    formats) echo "formats base" ;;
    data) echo "data formats base" ;;
    report) echo "report formats base" ;;
    model) echo "model kernels formats base" ;;
    methods) echo "methods kernels formats base" ;;
  esac
}
bad=0
check() { # file layer
  file=$1 layer=$2
  ok=$(allowed "$layer")
  for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file"); do
    case $inc in
      attnbench.h) continue ;;
      */*) dir=${inc%%/*} ;;
      *) dir=driver ;;
    esac
    # a method's folder (nystrom/nystrom.h) is the methods layer
    [ -d "$src/methods/$dir" ] && dir=methods
    case " $ok " in
      *" $dir "*) ;;
      *) echo "layering: ${file#"$src"/} ($layer) includes \"$inc\" ($dir)"; bad=1 ;;
    esac
  done
}
for layer in kernels base formats data report model; do
  for f in "$src"/harness/$layer/*.[ch] "$src"/harness/$layer/*.cu "$src"/harness/$layer/*.cuh; do
    [ -f "$f" ] && check "$f" "$layer"
  done
done
for f in "$src"/methods/*/*.[ch] "$src"/methods/*/*.cu; do
  [ -f "$f" ] && check "$f" methods
done
[ "$bad" = 0 ] && echo "layering: harness/ and methods/ include only downward"
exit "$bad"
