// Trace writing throughput: request rows through the HDF5 writer, from the simulation thread's
// side (the time to hand over every row and close the file), at several deflate levels. Peak
// memory is reported so that runs of different lengths show it does not grow with the rows.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>

#include <filesystem>
#include <vector>

#include "sim/trace/hdf5_trace_writer.hpp"

namespace {

namespace trace = circlesim::sim::trace;

// Rows like a month of a busy centre's requests: increasing times, a few services and rooms,
// mostly served, waits and services of minutes.
std::vector<trace::RequestRecord> make_rows(std::size_t count) {
  boost::random::mt19937_64 rng(11);
  boost::random::exponential_distribution<double> gap(2.0), wait(0.25), service(0.1);
  std::vector<trace::RequestRecord> rows(count);
  double now = 0;
  for (std::size_t i = 0; i < count; ++i) {
    trace::RequestRecord& r = rows[i];
    now += gap(rng);
    r.request = i;
    r.service = static_cast<std::uint16_t>(i % 7);
    r.room = static_cast<std::uint32_t>(i % 7);
    r.facility = 0;
    r.arrival = now;
    r.start = now + wait(rng);
    r.end = r.start + service(rng);
    r.outcome = i % 11 == 0 ? trace::RequestOutcome::kReneged : trace::RequestOutcome::kServed;
  }
  return rows;
}

double max_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Arguments: deflate level, rows per file.
void BM_TraceWriteRequests(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const auto total = static_cast<std::size_t>(state.range(1));
  const std::vector<trace::RequestRecord> block = make_rows(16384);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "circlesim-trace-bench.h5";
  std::uintmax_t bytes = 0;
  for (auto _ : state) {
    trace::WriterOptions options;
    options.level = trace::TraceLevel::kRequests;
    options.compression = level;
    options.overwrite = true;
    trace::Hdf5TraceWriter writer(path, options);
    writer.begin(trace::Provenance{});
    for (std::size_t written = 0; written < total; written += block.size()) {
      writer.append_requests(block);
    }
    writer.finish(trace::TraceStatus::kComplete, 0.0);
    state.PauseTiming();
    bytes = std::filesystem::file_size(path);
    std::filesystem::remove(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(total));
  state.counters["file_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
  state.counters["bytes_per_row"] = static_cast<double>(bytes) / static_cast<double>(total);
  state.counters["max_rss_MiB"] = max_rss_mib();
}

BENCHMARK(BM_TraceWriteRequests)
    ->ArgNames({"level", "rows"})
    ->Args({0, 4 << 20})
    ->Args({1, 4 << 20})
    ->Args({4, 4 << 20})
    ->Args({6, 4 << 20})
    ->Args({1, 16 << 20})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
