// Tests for analysis/trace_reader together with sim/trace/hdf5_trace_writer: every table makes
// a round trip through a real HDF5 file unchanged, and the completeness rules of
// docs/trace-format.md hold (.part files, status, overwrite, unwritable paths, refused files).
#include "analysis/trace_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

namespace fs = std::filesystem;
using sim::trace::EventRecord;
using sim::trace::Hdf5TraceWriter;
using sim::trace::HistogramSet;
using sim::trace::Provenance;
using sim::trace::RequestOutcome;
using sim::trace::RequestRecord;
using sim::trace::ScalarRecord;
using sim::trace::TimeSeries;
using sim::trace::TraceIoError;
using sim::trace::TraceLevel;
using sim::trace::TraceStatus;
using sim::trace::WriterOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::size_t kRequestRows = 20;
constexpr std::size_t kEventRows = 10;
constexpr std::size_t kChunkRows = 7;  // 20 requests: two full chunks and a partial one

// A fresh directory per test (unique across processes and repeated runs), removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(test->test_suite_name()) + "-" + test->name();
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised names contain '/'
    path_ = fs::temp_directory_path() / ("circlesim-" + name + "-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// What the tests write: edge values everywhere (sentinels, NaN, -0, subnormals, widest strings).

Provenance make_provenance(std::int64_t replication = 3) {
  Provenance p;
  p.software_version = "0.1.0";
  p.git_sha = "0123456789abcdef0123456789abcdef01234567";
  p.created_utc = "2026-11-28T05:40:00Z";
  p.scenario_name = "test-city";
  p.variant = "baseline";
  p.replication = replication;
  p.master_seed = 9007199254740993;  // 2^53 + 1: not a double, must stay an exact integer
  p.warmup = 120.5;
  p.horizon = 0.1;  // not exactly representable: compared bit for bit
  p.source_path = "scenarios/test-city.yaml";
  p.source_yaml = "run:\n  name: test-city  # café\n  seed: 7\n";
  p.resolved_yaml = "run:\n  name: test-city\n  seed: 7\n  horizon: 10d\n";
  p.hdf5_version = "1.10.8";
  p.yaml_cpp_version = "0.7.0";
  p.boost_version = "1.74.0";
  return p;
}

std::vector<RequestRecord> make_requests() {
  std::vector<RequestRecord> rows(kRequestRows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RequestRecord& r = rows[i];
    const auto k = static_cast<double>(i);
    r.request = 3 * i + 1;
    r.resident = i % 5 == 0 ? RequestRecord::kNoResident : static_cast<std::uint32_t>(1000 * i);
    r.group = i % 4 == 0 ? RequestRecord::kNoGroup : static_cast<std::uint16_t>(i % 3);
    r.service = static_cast<std::uint16_t>(i % 2);
    r.facility = static_cast<std::uint32_t>(i % 3);
    r.room = static_cast<std::uint32_t>(4000000000u + i);
    r.outcome = static_cast<RequestOutcome>(i % sim::trace::kRequestOutcomeCount);
    r.arrival = 1.1 * k + 1e-9;
    r.start = r.outcome == RequestOutcome::kServed ? r.arrival + 0.3 : kNaN;
    r.end = r.arrival + 0.7 * k;
    r.travel = i % 2 == 0 ? 0.25 * k : 0.0;
  }
  rows[19].arrival = 5e-324;  // smallest subnormal
  rows[19].end = 1e300;
  rows[18].request = std::numeric_limits<std::uint64_t>::max();
  return rows;
}

std::vector<EventRecord> make_events() {
  std::vector<EventRecord> rows(kEventRows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].time = 0.5 * static_cast<double>(i) + 1.0 / 3.0;
    rows[i].handler = static_cast<std::uint16_t>(i % 3);
    rows[i].kind = static_cast<std::uint16_t>(i);
    rows[i].payload = static_cast<std::uint32_t>(7 * i);
  }
  rows[4].kind = std::numeric_limits<std::uint16_t>::max();
  rows[5].payload = std::numeric_limits<std::uint32_t>::max();
  return rows;
}

std::vector<TimeSeries> make_timeseries() {
  TimeSeries queue;
  queue.metric = "queue_length";
  queue.unit = "people";
  queue.entity = "rooms";
  queue.statistic = "time_average";
  queue.interval = 15;
  queue.times = {0, 15, 30, 45};
  queue.entities = 3;
  queue.values = {0.1, -0.0, 1e-310, 2, kNaN, 3.5, 1.0 / 7.0, 0, 4, 5, 6, 1e308};
  TimeSeries busy = queue;
  busy.metric = "busy_servers";
  busy.times = {0, 7.5};
  busy.interval = 7.5;
  busy.values = {1, 2, 3, 4, 5, 6};
  return {queue, busy};
}

std::vector<ScalarRecord> make_scalars() {
  return {
      {"mean_wait", "room", 2, 3.25, "min"},
      {std::string(48, 'n'), "facility_service", 4294967295u, -0.0, std::string(16, 'u')},
      {"utilisation", "run", 0, 0.1, "share"},
      {"p90_wait", "service", 1, kNaN, "min"},
  };
}

HistogramSet make_histograms() {
  HistogramSet h;
  h.metric = "wait";
  h.unit = "min";
  h.entity = "rooms";
  h.relative_error = 0.005;
  h.edges = {0.001, 0.002, 0.004, 0.008};
  h.counts = {1, 2, 3, 9223372036854775813u, 0, 18446744073709551615u};
  h.zero_counts = {4, 0};
  h.overflow_counts = {0, 1};
  return h;
}

const std::vector<std::string> kServices{"gp", "dentist"};
const std::vector<std::string> kRooms{"clinic-a/gp", "clinic-a/dentist", "Zürich/gp"};
const std::vector<std::string> kOutcomes{"served",    "reneged", "balked",
                                         "sent_away", "unmet",   "escalated"};

WriterOptions small_chunks(TraceLevel level = TraceLevel::kRequests) {
  WriterOptions options;
  options.level = level;
  options.chunk_rows = kChunkRows;
  return options;
}

// Writes every table through the writer and finishes with `status`.
void write_trace(const fs::path& path, WriterOptions options,
                 TraceStatus status = TraceStatus::kComplete, double stopped_at = 0,
                 std::int64_t replication = 3) {
  Hdf5TraceWriter writer(path, options);
  writer.begin(make_provenance(replication));
  writer.write_lookup("services", kServices);
  writer.write_lookup("rooms", kRooms);
  writer.write_lookup("outcomes", kOutcomes);
  writer.write_lookup("groups", {});
  const std::vector<RequestRecord> requests = make_requests();
  // Uneven blocks, so that chunk boundaries fall inside appended blocks.
  writer.append_requests(std::span(requests).first(5));
  writer.append_requests(std::span(requests).subspan(5, 11));
  writer.append_requests(std::span(requests).subspan(16));
  writer.append_events(make_events());
  for (const TimeSeries& series : make_timeseries()) writer.write_timeseries(series);
  writer.write_scalars(make_scalars());
  writer.write_histograms(make_histograms());
  writer.finish(status, stopped_at);
}

// ---------------------------------------------------------------------------------------------
// Comparisons: doubles bit for bit (so -0 and the last ulp count), NaN as NaN.

void expect_same(double expected, double actual, const std::string& where) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << where << ": " << actual;
  } else {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(expected), std::bit_cast<std::uint64_t>(actual))
        << where << ": expected " << expected << ", got " << actual;
  }
}

void expect_same(const std::vector<double>& expected, const std::vector<double>& actual,
                 const std::string& where) {
  ASSERT_EQ(expected.size(), actual.size()) << where;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_same(expected[i], actual[i], where + "[" + std::to_string(i) + "]");
  }
}

template <class T>
T attribute_as(const TraceReader& reader, const std::string& name) {
  const std::optional<AttributeValue> value = reader.attribute(name);
  if (!value) {
    ADD_FAILURE() << "no attribute " << name;
    return T{};
  }
  const T* typed = std::get_if<T>(&*value);
  if (typed == nullptr) {
    ADD_FAILURE() << "attribute " << name << " has another type";
    return T{};
  }
  return *typed;
}

// ---------------------------------------------------------------------------------------------
// Round trip at deflate levels 0 and 6, level events (everything the writer can hold).

class TraceRoundTripTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    WriterOptions options;
    options.level = TraceLevel::kEvents;
    options.compression = GetParam();
    options.chunk_rows = kChunkRows;
    write_trace(file_, options);
  }
  TempDir dir_;
  fs::path file_ = dir_.path() / "baseline" / "rep-0000.h5";
};

TEST_P(TraceRoundTripTest, LeavesOnlyTheCompleteFile) {
  EXPECT_TRUE(fs::exists(file_));
  EXPECT_FALSE(fs::exists(file_.string() + ".part"));
  const TraceReader reader(file_);
  EXPECT_EQ(reader.status(), "complete");
  EXPECT_EQ(reader.format_version(), 1);
  EXPECT_EQ(reader.path(), file_);
}

TEST_P(TraceRoundTripTest, Provenance) {
  const TraceReader reader(file_);
  const Provenance p = make_provenance();
  EXPECT_EQ(attribute_as<std::string>(reader, "format"), "circlesim-trace");
  EXPECT_EQ(attribute_as<std::int64_t>(reader, "format_version"), 1);
  EXPECT_EQ(attribute_as<std::string>(reader, "status"), "complete");
  EXPECT_EQ(attribute_as<std::string>(reader, "trace_level"), "events");
  EXPECT_EQ(attribute_as<std::string>(reader, "software_version"), p.software_version);
  EXPECT_EQ(attribute_as<std::string>(reader, "git_sha"), p.git_sha);
  EXPECT_EQ(attribute_as<std::string>(reader, "created_utc"), p.created_utc);
  EXPECT_EQ(attribute_as<std::string>(reader, "scenario_name"), p.scenario_name);
  EXPECT_EQ(attribute_as<std::string>(reader, "variant"), p.variant);
  EXPECT_EQ(attribute_as<std::int64_t>(reader, "replication"), p.replication);
  EXPECT_EQ(attribute_as<std::int64_t>(reader, "master_seed"), p.master_seed);
  EXPECT_EQ(attribute_as<std::string>(reader, "time_unit"), "min");
  expect_same(p.warmup, attribute_as<double>(reader, "warmup"), "warmup");
  expect_same(p.horizon, attribute_as<double>(reader, "horizon"), "horizon");
  EXPECT_EQ(attribute_as<std::int64_t>(reader, "compression_level"), GetParam());
  EXPECT_EQ(attribute_as<std::string>(reader, "hdf5_version"), p.hdf5_version);
  EXPECT_EQ(attribute_as<std::string>(reader, "yaml_cpp_version"), p.yaml_cpp_version);
  EXPECT_EQ(attribute_as<std::string>(reader, "boost_version"), p.boost_version);
  EXPECT_FALSE(reader.attribute("interrupted_at").has_value());
  EXPECT_FALSE(reader.attribute("no_such_attribute").has_value());

  std::vector<std::string> names;
  for (const auto& [name, value] : reader.attributes()) names.push_back(name);
  EXPECT_THAT(names,
              ElementsAre("boost_version", "compression_level", "created_utc", "format",
                          "format_version", "git_sha", "hdf5_version", "horizon", "master_seed",
                          "replication", "scenario_name", "software_version", "status", "time_unit",
                          "trace_level", "variant", "warmup", "yaml_cpp_version"));

  EXPECT_EQ(reader.source_yaml(), p.source_yaml);
  EXPECT_EQ(reader.resolved_yaml(), p.resolved_yaml);
}

TEST_P(TraceRoundTripTest, Lookups) {
  const TraceReader reader(file_);
  EXPECT_THAT(reader.lookup_kinds(), ElementsAre("groups", "outcomes", "rooms", "services"));
  EXPECT_EQ(reader.lookup("services"), kServices);
  EXPECT_EQ(reader.lookup("rooms"), kRooms);
  EXPECT_EQ(reader.lookup("outcomes"), kOutcomes);
  EXPECT_TRUE(reader.lookup("groups").empty());
  EXPECT_TRUE(reader.lookup("handlers").empty());  // not written
}

TEST_P(TraceRoundTripTest, Requests) {
  const TraceReader reader(file_);
  ASSERT_TRUE(reader.has_requests());
  EXPECT_EQ(reader.request_count(), kRequestRows);
  const std::vector<RequestRecord> expected = make_requests();
  const std::vector<RequestRecord> actual = reader.requests();
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string row = "request row " + std::to_string(i);
    EXPECT_EQ(actual[i].request, expected[i].request) << row;
    EXPECT_EQ(actual[i].resident, expected[i].resident) << row;
    EXPECT_EQ(actual[i].group, expected[i].group) << row;
    EXPECT_EQ(actual[i].service, expected[i].service) << row;
    EXPECT_EQ(actual[i].facility, expected[i].facility) << row;
    EXPECT_EQ(actual[i].room, expected[i].room) << row;
    EXPECT_EQ(actual[i].outcome, expected[i].outcome) << row;
    expect_same(expected[i].arrival, actual[i].arrival, row + " arrival");
    expect_same(expected[i].start, actual[i].start, row + " start");
    expect_same(expected[i].end, actual[i].end, row + " end");
    expect_same(expected[i].travel, actual[i].travel, row + " travel");
  }
  // 20 rows over 6 outcomes in turn: 4 of the first two, 3 of the rest.
  EXPECT_THAT(reader.outcome_counts(), ElementsAre(4, 4, 3, 3, 3, 3));
}

TEST_P(TraceRoundTripTest, Events) {
  const TraceReader reader(file_);
  ASSERT_TRUE(reader.has_events());
  const std::vector<EventRecord> expected = make_events();
  const std::vector<EventRecord> actual = reader.events();
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string row = "event row " + std::to_string(i);
    expect_same(expected[i].time, actual[i].time, row + " time");
    EXPECT_EQ(actual[i].handler, expected[i].handler) << row;
    EXPECT_EQ(actual[i].kind, expected[i].kind) << row;
    EXPECT_EQ(actual[i].payload, expected[i].payload) << row;
  }
}

TEST_P(TraceRoundTripTest, TimeSeries) {
  const TraceReader reader(file_);
  EXPECT_THAT(reader.timeseries_metrics(), ElementsAre("busy_servers", "queue_length"));
  for (const TimeSeries& expected : make_timeseries()) {
    const TimeSeries actual = reader.timeseries(expected.metric);
    EXPECT_EQ(actual.metric, expected.metric);
    EXPECT_EQ(actual.unit, expected.unit);
    EXPECT_EQ(actual.entity, expected.entity);
    EXPECT_EQ(actual.statistic, expected.statistic);
    expect_same(expected.interval, actual.interval, expected.metric + " interval");
    EXPECT_EQ(actual.entities, expected.entities);
    expect_same(expected.times, actual.times, expected.metric + " times");
    expect_same(expected.values, actual.values, expected.metric + " values");
  }
  EXPECT_THAT([&] { (void)reader.timeseries("capacity"); },
              ThrowsMessage<TraceIoError>(HasSubstr("no time series 'capacity'")));
}

TEST_P(TraceRoundTripTest, Scalars) {
  const TraceReader reader(file_);
  const std::vector<ScalarRecord> expected = make_scalars();
  const std::vector<ScalarRecord> actual = reader.scalars();
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string row = "scalar row " + std::to_string(i);
    EXPECT_EQ(actual[i].name, expected[i].name) << row;
    EXPECT_EQ(actual[i].entity, expected[i].entity) << row;
    EXPECT_EQ(actual[i].entity_id, expected[i].entity_id) << row;
    expect_same(expected[i].value, actual[i].value, row + " value");
    EXPECT_EQ(actual[i].unit, expected[i].unit) << row;
  }
}

TEST_P(TraceRoundTripTest, Histograms) {
  const TraceReader reader(file_);
  EXPECT_THAT(reader.histogram_metrics(), ElementsAre("wait"));
  const HistogramSet expected = make_histograms();
  const HistogramSet actual = reader.histograms("wait");
  EXPECT_EQ(actual.metric, expected.metric);
  EXPECT_EQ(actual.unit, expected.unit);
  EXPECT_EQ(actual.entity, expected.entity);
  expect_same(expected.relative_error, actual.relative_error, "relative_error");
  expect_same(expected.edges, actual.edges, "edges");
  EXPECT_EQ(actual.counts, expected.counts);
  EXPECT_EQ(actual.zero_counts, expected.zero_counts);
  EXPECT_EQ(actual.overflow_counts, expected.overflow_counts);
  EXPECT_THROW((void)reader.histograms("sojourn"), TraceIoError);
}

TEST_P(TraceRoundTripTest, Datasets) {
  const TraceReader reader(file_);
  const std::vector<DatasetInfo> datasets = reader.datasets();
  std::vector<std::string> paths;
  for (const DatasetInfo& d : datasets) paths.push_back(d.path);
  EXPECT_THAT(paths,
              ElementsAre("/histograms/wait/counts", "/histograms/wait/edges",
                          "/histograms/wait/overflow_count", "/histograms/wait/zero_count",
                          "/lookup/groups", "/lookup/outcomes", "/lookup/rooms", "/lookup/services",
                          "/scalars", "/scenario/resolved_yaml", "/scenario/source_yaml",
                          "/timeseries/busy_servers/time", "/timeseries/busy_servers/value",
                          "/timeseries/queue_length/time", "/timeseries/queue_length/value",
                          "/trace/events", "/trace/requests"));
  auto find = [&](const std::string& path) {
    return *std::find_if(datasets.begin(), datasets.end(),
                         [&](const DatasetInfo& d) { return d.path == path; });
  };
  const DatasetInfo requests = find("/trace/requests");
  EXPECT_EQ(requests.rows, kRequestRows);
  EXPECT_EQ(requests.element_bytes, 57u);
  EXPECT_EQ(requests.logical_bytes, kRequestRows * 57);
  EXPECT_FALSE(requests.variable_length);
  if (GetParam() == 0) {
    // Uncompressed chunks are stored whole: 3 chunks of 7 rows.
    EXPECT_EQ(requests.storage_bytes, 3 * kChunkRows * 57);
  } else {
    EXPECT_GT(requests.storage_bytes, 0u);
  }
  EXPECT_EQ(find("/trace/events").rows, kEventRows);
  EXPECT_EQ(find("/trace/events").element_bytes, 16u);
  EXPECT_EQ(find("/scalars").rows, make_scalars().size());
  EXPECT_EQ(find("/scalars").element_bytes, 92u);
  EXPECT_EQ(find("/timeseries/queue_length/value").rows, 4u);
  EXPECT_EQ(find("/timeseries/queue_length/value").logical_bytes, 12 * sizeof(double));
  EXPECT_EQ(find("/histograms/wait/counts").rows, 2u);
  EXPECT_EQ(find("/lookup/groups").rows, 0u);
  const DatasetInfo source = find("/scenario/source_yaml");
  EXPECT_EQ(source.rows, 1u);
  EXPECT_TRUE(source.variable_length);
}

// docs/trace-format.md: "Each has a sha256 attribute (lowercase hex of its bytes); source_yaml
// also has path."
TEST_P(TraceRoundTripTest, ScenarioDigestsAndSourcePath) {
  const TraceReader reader(file_);
  // printf 'run:\n  name: test-city  # café\n  seed: 7\n' | sha256sum
  EXPECT_EQ(reader.source_yaml_sha256(),
            "5c8aab283fd03831f563f0bae1964b6b1f899f45d0f9e68319dbb0db2f8421de");
  // printf 'run:\n  name: test-city\n  seed: 7\n  horizon: 10d\n' | sha256sum
  EXPECT_EQ(reader.resolved_yaml_sha256(),
            "bd6fb68a5041015da98ed8e46bafee9055ba7b93398f1b347a7909884798207c");
  EXPECT_EQ(reader.source_path(), make_provenance().source_path);
}

// Many chunks (more than the writer's queues hold, a partial last one), more rows than the reader
// reads at once, and arrays large enough for the writer to chunk and compress them.
TEST_P(TraceRoundTripTest, LargeTablesSpanManyChunks) {
  const fs::path file = dir_.path() / "large.h5";
  constexpr std::size_t kRows = 70001;
  constexpr std::size_t kChunk = 4096;
  std::vector<RequestRecord> requests(kRows);
  std::vector<EventRecord> events(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    requests[i].request = i;
    requests[i].room = static_cast<std::uint32_t>(i % 97);
    requests[i].outcome = static_cast<RequestOutcome>(i % 7 % sim::trace::kRequestOutcomeCount);
    requests[i].arrival = static_cast<double>(i) / 3.0;
    requests[i].start = i % 11 == 0 ? kNaN : requests[i].arrival + 0.5;
    requests[i].end = requests[i].arrival + 1.0;
    events[i].time = static_cast<double>(i) / 7.0;
    events[i].payload = static_cast<std::uint32_t>(i);
  }
  TimeSeries series = make_timeseries().front();
  series.entities = 10;
  series.times.resize(200);
  series.values.resize(series.times.size() * series.entities);
  for (std::size_t i = 0; i < series.times.size(); ++i)
    series.times[i] = 15.0 * static_cast<double>(i);
  for (std::size_t i = 0; i < series.values.size(); ++i)
    series.values[i] = static_cast<double>(i % 13) / 3;
  HistogramSet histograms = make_histograms();
  histograms.edges.resize(101);
  for (std::size_t k = 0; k < histograms.edges.size(); ++k)
    histograms.edges[k] = 0.01 * static_cast<double>(k);
  histograms.zero_counts.assign(10, 1);
  histograms.overflow_counts.assign(10, 2);
  histograms.counts.resize(10 * 100);
  for (std::size_t i = 0; i < histograms.counts.size(); ++i) histograms.counts[i] = i % 5;
  {
    WriterOptions options = small_chunks(TraceLevel::kEvents);
    options.compression = GetParam();
    options.chunk_rows = kChunk;
    Hdf5TraceWriter writer(file, options);
    writer.begin(make_provenance());
    for (std::size_t first = 0; first < kRows; first += 1000) {  // blocks across chunk edges
      const std::size_t count = std::min<std::size_t>(1000, kRows - first);
      writer.append_requests(std::span(requests).subspan(first, count));
      writer.append_events(std::span(events).subspan(first, count));
    }
    writer.write_timeseries(series);
    writer.write_histograms(histograms);
    writer.finish(TraceStatus::kComplete, 0);
  }
  const TraceReader reader(file);
  const std::vector<RequestRecord> read = reader.requests();
  ASSERT_EQ(read.size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(read[i].request, requests[i].request) << i;
    ASSERT_EQ(read[i].room, requests[i].room) << i;
    ASSERT_EQ(read[i].outcome, requests[i].outcome) << i;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(read[i].arrival),
              std::bit_cast<std::uint64_t>(requests[i].arrival))
        << i;
    ASSERT_EQ(std::isnan(read[i].start), std::isnan(requests[i].start)) << i;
  }
  std::array<std::uint64_t, sim::trace::kRequestOutcomeCount> counts{};
  for (const RequestRecord& r : requests) ++counts[static_cast<std::size_t>(r.outcome)];
  EXPECT_EQ(reader.outcome_counts(), counts);
  const std::vector<EventRecord> read_events = reader.events();
  ASSERT_EQ(read_events.size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(read_events[i].payload, events[i].payload) << i;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(read_events[i].time),
              std::bit_cast<std::uint64_t>(events[i].time))
        << i;
  }
  const TimeSeries read_series = reader.timeseries(series.metric);
  EXPECT_EQ(read_series.entities, series.entities);
  expect_same(series.times, read_series.times, "times");
  expect_same(series.values, read_series.values, "values");
  const HistogramSet read_histograms = reader.histograms(histograms.metric);
  expect_same(histograms.edges, read_histograms.edges, "edges");
  EXPECT_EQ(read_histograms.counts, histograms.counts);
  EXPECT_EQ(read_histograms.zero_counts, histograms.zero_counts);

  for (const DatasetInfo& d : reader.datasets()) {
    if (d.path == "/trace/requests") {
      EXPECT_EQ(d.rows, kRows);
      EXPECT_EQ(d.logical_bytes, kRows * 57);
      // Uncompressed: 18 whole chunks; compressed: these regular rows shrink well.
      if (GetParam() == 0) {
        EXPECT_EQ(d.storage_bytes, 18 * kChunk * 57);
      } else {
        EXPECT_LT(d.storage_bytes, d.logical_bytes / 2);
      }
    }
  }
}

// A time series as wide as a city's rooms, written a few rows at a time: with compression its
// values go to the file in whole chunks (6 rows of 20,000 columns) through the compressor, and
// the rows left at the end as a padded last chunk that the dataset's extent cuts.
TEST_P(TraceRoundTripTest, WideTimeSeriesInBlocksAcrossChunks) {
  const fs::path file = dir_.path() / "wide.h5";
  constexpr std::size_t kEntities = 20000;
  constexpr std::size_t kRows = 23;
  constexpr std::size_t kBlock = 4;
  TimeSeries all = make_timeseries().front();
  all.entities = kEntities;
  for (std::size_t i = 0; i < kRows; ++i) all.times.push_back(60.0 * static_cast<double>(i));
  all.times.erase(all.times.begin(), all.times.begin() + 4);  // make_timeseries' own four
  all.values.clear();
  for (std::size_t i = 0; i < kRows * kEntities; ++i) {
    all.values.push_back(i % 17 == 0 ? 0.0 : static_cast<double>(i) / 7.0);
  }
  {
    WriterOptions options = small_chunks(TraceLevel::kSummary);
    options.compression = GetParam();
    Hdf5TraceWriter writer(file, options);
    writer.begin(make_provenance());
    for (std::size_t first = 0; first < kRows; first += kBlock) {
      const std::size_t rows = std::min(kBlock, kRows - first);
      TimeSeries block = all;
      block.times.assign(all.times.begin() + static_cast<std::ptrdiff_t>(first),
                         all.times.begin() + static_cast<std::ptrdiff_t>(first + rows));
      block.values.assign(
          all.values.begin() + static_cast<std::ptrdiff_t>(first * kEntities),
          all.values.begin() + static_cast<std::ptrdiff_t>((first + rows) * kEntities));
      writer.write_timeseries(block);
    }
    writer.finish(TraceStatus::kComplete, 0);
  }
  const TraceReader reader(file);
  const TimeSeries read = reader.timeseries(all.metric);
  EXPECT_EQ(read.entities, kEntities);
  expect_same(all.times, read.times, "times");
  expect_same(all.values, read.values, "values");
}

INSTANTIATE_TEST_SUITE_P(TraceDeflate, TraceRoundTripTest, ::testing::Values(0, 6),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return "level" + std::to_string(param.param);
                         });

// The reader inflates stored chunks itself (outside HDF5's lock): a damaged chunk must be
// reported with the dataset's name, never read as numbers.
TEST(TraceReaderChunks, ADamagedChunkOfATimeSeriesIsReported) {
  TempDir dir;
  const fs::path file = dir.path() / "damaged.h5";
  TimeSeries series = make_timeseries().front();
  series.entities = 1000;
  series.times = {0, 15, 30, 45, 60, 75, 90};
  series.values.assign(series.times.size() * series.entities, 0.0);
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    series.values[i] = static_cast<double>(i % 13) / 4.0;
  }
  {
    WriterOptions options = small_chunks(TraceLevel::kSummary);
    options.compression = 6;
    Hdf5TraceWriter writer(file, options);
    writer.begin(make_provenance());
    writer.write_timeseries(series);
    writer.finish(TraceStatus::kComplete, 0);
  }
  EXPECT_EQ(TraceReader(file).timeseries(series.metric).values, series.values);
  // Where the value dataset's first chunk lies in the file, then one of its bytes flipped.
  haddr_t address = 0;
  hsize_t size = 0;
  {
    const sim::trace::Hid h5 =
        sim::trace::make_file(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
    const sim::trace::Hid value = sim::trace::make_dataset(
        H5Dopen2(h5.get(), "/timeseries/queue_length/value", H5P_DEFAULT), "open value");
    const sim::trace::Hid space = sim::trace::make_space(H5Dget_space(value.get()), "space");
    std::array<hsize_t, 2> offset{};
    unsigned mask = 0;
    ASSERT_GE(H5Dget_chunk_info(value.get(), space.get(), 0, offset.data(), &mask, &address, &size),
              0);
  }
  ASSERT_GT(size, 16u);
  {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekg(static_cast<std::streamoff>(address + size / 2));
    char c = 0;
    bytes.get(c);
    bytes.seekp(static_cast<std::streamoff>(address + size / 2));
    bytes.put(static_cast<char>(c ^ 0x5a));
  }
  EXPECT_THAT([&] { (void)TraceReader(file).timeseries(series.metric); },
              ThrowsMessage<TraceIoError>(HasSubstr("/timeseries/queue_length/value")));
}

// ---------------------------------------------------------------------------------------------
// Levels, completeness, overwrite, unwritable paths.

TEST(TraceFilesTest, SummaryLevelHasNoRequestTable) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  write_trace(file, small_chunks(TraceLevel::kSummary));
  const TraceReader reader(file);
  EXPECT_EQ(attribute_as<std::string>(reader, "trace_level"), "summary");
  EXPECT_FALSE(reader.has_requests());
  EXPECT_FALSE(reader.has_events());
  EXPECT_EQ(reader.request_count(), 0u);
  EXPECT_THAT([&] { (void)reader.requests(); },
              ThrowsMessage<TraceIoError>(HasSubstr("no /trace/requests (trace level 'summary')")));
  EXPECT_THROW((void)reader.events(), TraceIoError);
  for (const DatasetInfo& d : reader.datasets()) {
    EXPECT_FALSE(d.path.starts_with("/trace/")) << d.path;
  }
  EXPECT_EQ(reader.scalars().size(), make_scalars().size());  // the summary is still there
}

TEST(TraceFilesTest, RequestsLevelHasNoEventTable) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  write_trace(file, small_chunks(TraceLevel::kRequests));
  const TraceReader reader(file);
  EXPECT_EQ(reader.requests().size(), kRequestRows);
  EXPECT_FALSE(reader.has_events());
}

TEST(TraceFilesTest, InterruptedRunStaysPartialAndIsReadOnlyOnRequest) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  const fs::path part = dir.path() / "rep-0000.h5.part";
  write_trace(file, small_chunks(), TraceStatus::kInterrupted, 1234.5);
  EXPECT_FALSE(fs::exists(file));
  ASSERT_TRUE(fs::exists(part));

  EXPECT_THAT([&] { TraceReader refused(part); },
              ThrowsMessage<TraceIoError>(::testing::AllOf(
                  HasSubstr(part.string()), HasSubstr("'interrupted'"), HasSubstr("1234.5"))));

  const TraceReader reader(part, /*allow_partial=*/true);
  EXPECT_EQ(reader.status(), "interrupted");
  expect_same(1234.5, attribute_as<double>(reader, "interrupted_at"), "interrupted_at");
  EXPECT_EQ(reader.requests().size(), kRequestRows);  // buffers were flushed
  EXPECT_EQ(reader.scalars().size(), make_scalars().size());
}

TEST(TraceFilesTest, WriterDestroyedWithoutFinishLeavesNoFile) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  {
    Hdf5TraceWriter writer(file, small_chunks());
    writer.begin(make_provenance());
    writer.append_requests(make_requests());  // two full chunks reach the file
    EXPECT_TRUE(fs::exists(writer.part_path()));
  }
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file.string() + ".part"));
}

TEST(TraceFilesTest, ExistingFileIsReplacedOnlyWithOverwrite) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  write_trace(file, small_chunks(), TraceStatus::kComplete, 0, /*replication=*/3);

  EXPECT_THAT([&] { Hdf5TraceWriter refused(file, small_chunks()); },
              ThrowsMessage<TraceIoError>(
                  ::testing::AllOf(HasSubstr(file.string()), HasSubstr("already exists"))));
  EXPECT_EQ(attribute_as<std::int64_t>(TraceReader(file), "replication"), 3);  // untouched

  WriterOptions overwrite = small_chunks();
  overwrite.overwrite = true;
  write_trace(file, overwrite, TraceStatus::kComplete, 0, /*replication=*/7);
  EXPECT_EQ(attribute_as<std::int64_t>(TraceReader(file), "replication"), 7);
  EXPECT_FALSE(fs::exists(file.string() + ".part"));
}

TEST(TraceFilesTest, UnwritableDirectoryNamesThePath) {
  const TempDir dir;
  const fs::path blocker = dir.path() / "not-a-directory";
  std::ofstream(blocker) << "a regular file\n";
  for (const fs::path& file : {blocker / "rep-0000.h5", blocker / "baseline" / "rep-0000.h5"}) {
    EXPECT_THAT([&] { Hdf5TraceWriter writer(file, small_chunks()); },
                ThrowsMessage<TraceIoError>(HasSubstr(blocker.string())))
        << file;
  }
}

// ---------------------------------------------------------------------------------------------
// Files the reader refuses, each with the file name and the reason.

// Rewrites one root attribute of an existing trace, as another program (or a newer version)
// could have left it.
template <class T>
void set_root_attribute(const fs::path& file, const std::string& name, T value) {
  sim::trace::silence_hdf5_errors();
  const sim::trace::Hid handle = sim::trace::make_file(
      H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "opening " + file.string());
  sim::trace::write_attribute(handle.get(), name, value);
}

TEST(TraceReaderErrorsTest, MissingFile) {
  const TempDir dir;
  const fs::path file = dir.path() / "absent.h5";
  EXPECT_THAT(
      [&] { TraceReader reader(file); },
      ThrowsMessage<TraceIoError>(HasSubstr(file.string() + ": cannot open: no such file")));
}

TEST(TraceReaderErrorsTest, Directory) {
  const TempDir dir;
  EXPECT_THAT([&] { TraceReader reader(dir.path()); },
              ThrowsMessage<TraceIoError>(HasSubstr("is a directory")));
}

TEST(TraceReaderErrorsTest, NotHdf5) {
  const TempDir dir;
  const fs::path file = dir.path() / "text.h5";
  std::ofstream(file) << "run:\n  name: x\n";
  EXPECT_THAT([&] { TraceReader reader(file); },
              ThrowsMessage<TraceIoError>(HasSubstr(file.string() + ": not an HDF5 file")));
}

TEST(TraceReaderErrorsTest, Hdf5FileOfAnotherProgram) {
  const TempDir dir;
  const fs::path file = dir.path() / "other.h5";
  {
    sim::trace::silence_hdf5_errors();
    const sim::trace::Hid handle = sim::trace::make_file(
        H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "creating");
  }
  EXPECT_THAT([&] { TraceReader reader(file); },
              ThrowsMessage<TraceIoError>(::testing::AllOf(HasSubstr(file.string()),
                                                           HasSubstr("not a circlesim trace"),
                                                           HasSubstr("no 'format' attribute"))));
  set_root_attribute(file, "format", std::string("netcdf"));
  EXPECT_THAT([&] { TraceReader reader(file); },
              ThrowsMessage<TraceIoError>(HasSubstr("format 'netcdf'")));
}

TEST(TraceReaderErrorsTest, UnsupportedFormatVersion) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  write_trace(file, small_chunks());
  set_root_attribute(file, "format_version", std::int64_t{2});
  EXPECT_THAT([&] { TraceReader reader(file, /*allow_partial=*/true); },
              ThrowsMessage<TraceIoError>(::testing::AllOf(
                  HasSubstr(file.string()), HasSubstr("unsupported format_version 2"))));
}

TEST(TraceReaderErrorsTest, RunningFileNeedsAllowPartial) {
  const TempDir dir;
  const fs::path file = dir.path() / "rep-0000.h5";
  write_trace(file, small_chunks());
  set_root_attribute(file, "status", std::string("running"));  // as a killed run leaves it
  EXPECT_THAT([&] { TraceReader reader(file); },
              ThrowsMessage<TraceIoError>(HasSubstr("trace status is 'running'")));
  EXPECT_EQ(TraceReader(file, /*allow_partial=*/true).status(), "running");
}

}  // namespace
}  // namespace circlesim::analysis
