// ProcessRanks (process_ranks.hpp).
#include "app/process_ranks.hpp"

#include <cstdlib>
#include <initializer_list>

#ifdef CIRCLESIM_WITH_MPI
// The C API only: Open MPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace circlesim::app {

namespace {

#ifdef CIRCLESIM_WITH_MPI
// Whether a launcher started this process as part of a job: Open MPI's mpirun sets
// OMPI_COMM_WORLD_SIZE, PMIx-based launchers PMIX_RANK, Hydra and Slurm PMI_SIZE.
bool launched_by_mpirun() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}
#endif

}  // namespace

ProcessRanks::ProcessRanks() {
#ifdef CIRCLESIM_WITH_MPI
  if (!launched_by_mpirun()) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  joined_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
}

ProcessRanks::~ProcessRanks() {
#ifdef CIRCLESIM_WITH_MPI
  if (joined_) MPI_Finalize();
#endif
}

int ProcessRanks::max_over_ranks(int value) const {
#ifdef CIRCLESIM_WITH_MPI
  if (joined_) {
    int result = value;
    MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return result;
  }
#endif
  return value;
}

}  // namespace circlesim::app
