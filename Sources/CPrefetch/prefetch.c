// CPrefetch is header-only (see include/CPrefetch.h); SwiftPM needs one C source in a C target.
#include "CPrefetch.h"
