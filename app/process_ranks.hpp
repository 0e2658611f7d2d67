// The processes of a batch: one, or the ranks of an MPI job when circlesim is built with
// CIRCLESIM_WITH_MPI and started by mpirun (a binary built with MPI still runs alone when
// started without it). Only the main thread calls MPI.
#pragma once

namespace circlesim::app {

class ProcessRanks {
 public:
  // Joins the MPI job if there is one (MPI_Init_thread, funneled).
  ProcessRanks();
  ProcessRanks(const ProcessRanks&) = delete;
  ProcessRanks& operator=(const ProcessRanks&) = delete;
  ~ProcessRanks();  // MPI_Finalize when it joined

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] bool distributed() const { return size_ > 1; }

  // Waits for every rank, and returns the largest of their `value`s (exit codes: a failure on
  // any rank fails all).
  int max_over_ranks(int value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool joined_ = false;
};

}  // namespace circlesim::app
