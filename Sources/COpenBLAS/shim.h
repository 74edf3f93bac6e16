// OpenBLAS's CBLAS interface (Debian libopenblas-dev), including openblas_set_num_threads.
#ifndef MODELATTICE_COPENBLAS_SHIM_H
#define MODELATTICE_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
