/* threads.c — see threads.h. */
#include "threads.h"

#include <cblas.h>

void ab_blas_set_threads(int n) { openblas_set_num_threads(n); }
