// OpenMPI (Debian libopenmpi-dev). MPI's predefined handles (MPI_COMM_WORLD, MPI_BYTE, …) are
// macros over extern structs that Swift cannot import, so each is wrapped in a static inline
// function. ModeLattice needs only a handful of calls: init/finalize, rank/size, the gathers and
// broadcasts that collect finished units on every rank, and abort.
#ifndef MODELATTICE_CMPI_SHIM_H
#define MODELATTICE_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm ml_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype ml_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype ml_mpi_int(void) { return MPI_INT; }
static inline int ml_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
#endif
