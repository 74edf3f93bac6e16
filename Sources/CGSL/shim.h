// GSL for Swift. OpenBLAS's cblas.h comes first and GSL's own gsl_cblas.h is suppressed, so the two
// CBLAS declarations never clash and every cblas_* call (GSL's too) resolves to OpenBLAS.
#ifndef MODELATTICE_CGSL_SHIM_H
#define MODELATTICE_CGSL_SHIM_H
#include <cblas.h>
#define __GSL_CBLAS_H__
#ifndef HAVE_INLINE
#define HAVE_INLINE 1
#endif
#ifndef GSL_RANGE_CHECK_OFF
#define GSL_RANGE_CHECK_OFF 1
#endif
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>

/// Turns GSL's default error handler (which calls abort()) off, so bad arguments come back as
/// status codes that Swift can turn into errors.
static inline void ml_gsl_quiet_errors(void) { gsl_set_error_handler_off(); }
#endif
