// zlib (Debian zlib1g-dev): gzip-compressed IDX files (MNIST, Fashion-MNIST) are read with gzread.
#ifndef MODELATTICE_CZLIB_SHIM_H
#define MODELATTICE_CZLIB_SHIM_H
#include <zlib.h>
#endif
