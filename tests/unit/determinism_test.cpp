// Determinism (DESIGN.md §1, §3): the same seed gives bit-identical statistics twice in one
// process, on one thread or several, and in two separate processes. The cross-process test
// re-executes this binary (CIRCLESIM_DETERMINISM_CHILD=1 makes it print a digest and stop) and
// compares the children's digests with its own.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/validation/engine_cases.hpp"
#include "models/validation/queue_experiment.hpp"
#include "sim/capacity_schedule.hpp"
#include "sim/distribution.hpp"
#include "sim/server_pool.hpp"

namespace circlesim::models::validation {
namespace {

constexpr std::uint64_t kSeed = 20260307;
constexpr std::uint64_t kReplication = 3;
constexpr const char* kChildVariable = "CIRCLESIM_DETERMINISM_CHILD";
constexpr std::string_view kDigestPrefix = "circlesim-determinism-digest: ";

// Every path of the pool at once: 3 priority classes with preemptive-resume, exponential patience,
// a finite waiting room, a cyclic schedule with a closed period that sends the queue away, and
// lognormal service. Overloaded on purpose so that balking, reneging and closing all happen.
QueueExperiment rich_experiment() {
  using sim::Distribution;
  QueueExperiment e;
  e.name = "determinism: rich pool";
  e.arrival_rates = {0.4, 0.6, 0.8};
  e.service_times = {Distribution::lognormal(1.0, 0.8), Distribution::lognormal(1.5, 1.2),
                     Distribution::lognormal(2.0, 0.5)};
  e.patience = Distribution::exponential(4.0);
  e.pool.name = e.name;
  e.pool.capacity = sim::CapacitySchedule::cyclic({{0, 4}, {60, 2}, {100, 0}, {130, 3}}, 180);
  e.pool.priority_classes = 3;
  e.pool.preemption = sim::Preemption::kPreemptiveResume;
  e.pool.waiting_room = 6;
  e.pool.on_close = sim::ClosingPolicy::kSendAway;
  e.warmup = 500;
  e.measured = 20'000;
  e.service_level_target = 1.0;
  return e;
}

// A result flattened into named 64-bit words: doubles by bit pattern (so NaN == NaN and
// 0.0 != -0.0), integers and flags as they are.
struct Field {
  std::string name;
  std::uint64_t bits;
};
using Fields = std::vector<Field>;

void add(Fields& fields, std::string name, double value) {
  fields.push_back({std::move(name), std::bit_cast<std::uint64_t>(value)});
}
void add(Fields& fields, std::string name, std::uint64_t value) {
  fields.push_back({std::move(name), value});
}
void add(Fields& fields, std::string name, bool value) {
  fields.push_back({std::move(name), value ? 1U : 0U});
}

void add(Fields& fields, const std::string& prefix, const ClassMeasures& m) {
  add(fields, prefix + ".arrivals", m.arrivals);
  add(fields, prefix + ".served", m.served);
  add(fields, prefix + ".reneged", m.reneged);
  add(fields, prefix + ".balked", m.balked);
  add(fields, prefix + ".p_delayed", m.p_delayed);
  add(fields, prefix + ".p_abandon", m.p_abandon);
  add(fields, prefix + ".p_block", m.p_block);
  add(fields, prefix + ".mean_wait", m.mean_wait);
  add(fields, prefix + ".mean_delay", m.mean_delay);
  add(fields, prefix + ".mean_sojourn", m.mean_sojourn);
  add(fields, prefix + ".mean_in_system", m.mean_in_system);
}

Fields fields_of(const QueueMeasures& m) {
  Fields fields;
  add(fields, "classes.size", std::uint64_t{m.classes.size()});
  for (std::size_t k = 0; k < m.classes.size(); ++k) {
    add(fields, "class" + std::to_string(k), m.classes[k]);
  }
  add(fields, "total", m.total);
  add(fields, "mean_in_queue", m.mean_in_queue);
  add(fields, "mean_busy", m.mean_busy);
  add(fields, "service_level", m.service_level);
  add(fields, "flow_conserved", m.flow_conserved);
  add(fields, "present_at_start", m.present_at_start);
  add(fields, "present_at_end", m.present_at_end);
  add(fields, "littles_law_relative_gap", m.littles_law_relative_gap);
  return fields;
}

Fields fields_of(const CaseResult& r) {
  Fields fields;
  add(fields, "checks.size", std::uint64_t{r.checks.size()});
  for (const CheckResult& c : r.checks) {
    const std::string p = c.metric;
    add(fields, p + ".mean", c.interval.mean);
    add(fields, p + ".half_width", c.interval.half_width);
    add(fields, p + ".lower", c.interval.lower);
    add(fields, p + ".upper", c.interval.upper);
    add(fields, p + ".n", std::uint64_t{c.interval.n});
    add(fields, p + ".level", c.interval.level);
    add(fields, p + ".analytic", c.analytic);
    add(fields, p + ".inside", c.inside);
  }
  add(fields, "flow_conserved", r.flow_conserved);
  add(fields, "max_littles_law_gap", r.max_littles_law_gap);
  add(fields, "replications", r.replications);
  return fields;
}

// FNV-1a (64-bit) over the little-endian bytes of every word.
std::uint64_t fnv1a(const Fields& fields) {
  std::uint64_t hash = 0xcbf29ce484222325U;
  for (const Field& f : fields) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (f.bits >> (8 * byte)) & 0xffU;
      hash *= 0x100000001b3U;
    }
  }
  return hash;
}

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << std::hex;
  out.width(16);
  out.fill('0');
  out << value;
  return out.str();
}

// Word-by-word comparison, naming the first fields that differ.
void expect_bit_identical(const Fields& a, const Fields& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].bits, b[i].bits)
        << a[i].name << ": 0x" << hex(a[i].bits) << " (" << std::bit_cast<double>(a[i].bits)
        << " as double) vs 0x" << hex(b[i].bits) << " (" << std::bit_cast<double>(b[i].bits) << ")";
  }
}

const ValidationCase& small_validation_case() {
  static const std::vector<ValidationCase> cases = engine_validation_cases(0.05);
  const auto it = std::find_if(cases.begin(), cases.end(), [](const ValidationCase& c) {
    return c.name.starts_with("M/M/5/8");
  });
  if (it == cases.end()) throw std::runtime_error("no validation case named M/M/5/8 ...");
  return *it;
}

// Everything the cross-process test compares: the rich experiment and a validation case run on
// two threads.
Fields all_fields() {
  Fields fields = fields_of(run_queue_replication(rich_experiment(), kSeed, kReplication));
  const Fields case_fields = fields_of(run_validation_case(small_validation_case(), kSeed, 2));
  fields.insert(fields.end(), case_fields.begin(), case_fields.end());
  return fields;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char ch : text) {
    if (ch == '\'') {
      quoted += "'\\''";
    } else {
      quoted += ch;
    }
  }
  return quoted + "'";
}

struct ChildRun {
  int exit_code = -1;
  std::string output;
};

// Runs this test binary again, filtered to `test_filter`, as a determinism child. Environment
// variables by which ctest or a parent gtest could steer the child (sharding, XML output) are
// removed so that the child runs exactly the one test and writes nothing else.
ChildRun run_child(const std::string& test_filter) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command =
      "env -u GTEST_OUTPUT -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX -u GTEST_SHARD_STATUS_FILE " +
      std::string(kChildVariable) + "=1 " + shell_quote(self) +
      " --gtest_color=no --gtest_filter=" + shell_quote(test_filter);
  ChildRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) run.output += buffer;
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

// The digest a child printed, if it printed exactly one.
std::optional<std::string> digest_line(const std::string& output) {
  std::optional<std::string> found;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(kDigestPrefix)) continue;
    if (found) return std::nullopt;
    found = line.substr(kDigestPrefix.size());
  }
  return found;
}

TEST(DeterminismTest, RichExperimentExercisesEveryPath) {
  const QueueMeasures m = run_queue_replication(rich_experiment(), kSeed, kReplication);
  EXPECT_TRUE(m.flow_conserved);
  ASSERT_EQ(m.classes.size(), 3U);
  for (const ClassMeasures& c : m.classes) EXPECT_GT(c.served, 0U);
  EXPECT_GT(m.total.reneged, 0U);
  EXPECT_GT(m.total.balked, 0U);
  // Sent away at closing: what flow conservation leaves over.
  const std::uint64_t sent_away = m.present_at_start + m.total.arrivals - m.total.served -
                                  m.total.reneged - m.total.balked - m.present_at_end;
  EXPECT_GT(sent_away, 0U);
  // Preemption changes the outcome, so it happened.
  QueueExperiment non_preemptive = rich_experiment();
  non_preemptive.pool.preemption = sim::Preemption::kNone;
  EXPECT_NE(fnv1a(fields_of(run_queue_replication(non_preemptive, kSeed, kReplication))),
            fnv1a(fields_of(m)));
}

TEST(DeterminismTest, SameSeedGivesBitIdenticalStatisticsTwiceInOneProcess) {
  const QueueExperiment experiment = rich_experiment();
  const Fields first = fields_of(run_queue_replication(experiment, kSeed, kReplication));
  const Fields second = fields_of(run_queue_replication(experiment, kSeed, kReplication));
  expect_bit_identical(first, second);
  // A fresh copy of the experiment (new Distribution objects) changes nothing either.
  expect_bit_identical(first,
                       fields_of(run_queue_replication(rich_experiment(), kSeed, kReplication)));
}

TEST(DeterminismTest, DifferentSeedOrReplicationGivesDifferentStatistics) {
  const QueueExperiment experiment = rich_experiment();
  const QueueMeasures base = run_queue_replication(experiment, kSeed, kReplication);
  const QueueMeasures other_seed = run_queue_replication(experiment, kSeed + 1, kReplication);
  const QueueMeasures other_rep = run_queue_replication(experiment, kSeed, kReplication + 1);
  EXPECT_NE(fnv1a(fields_of(base)), fnv1a(fields_of(other_seed)));
  EXPECT_NE(fnv1a(fields_of(base)), fnv1a(fields_of(other_rep)));
  // Not just one stray bit: the headline statistics move.
  EXPECT_NE(std::bit_cast<std::uint64_t>(base.total.mean_wait),
            std::bit_cast<std::uint64_t>(other_seed.total.mean_wait));
  EXPECT_NE(std::bit_cast<std::uint64_t>(base.total.mean_in_system),
            std::bit_cast<std::uint64_t>(other_rep.total.mean_in_system));
}

TEST(DeterminismTest, ValidationCaseDoesNotDependOnThreadCount) {
  const ValidationCase& c = small_validation_case();
  const CaseResult one_thread = run_validation_case(c, kSeed, 1);
  const CaseResult two_threads = run_validation_case(c, kSeed, 2);
  ASSERT_EQ(one_thread.checks.size(), c.checks.size());
  ASSERT_EQ(two_threads.checks.size(), c.checks.size());
  for (std::size_t i = 0; i < c.checks.size(); ++i) {
    EXPECT_EQ(one_thread.checks[i].case_name, two_threads.checks[i].case_name);
    EXPECT_EQ(one_thread.checks[i].metric, two_threads.checks[i].metric);
  }
  expect_bit_identical(fields_of(one_thread), fields_of(two_threads));
  // More threads than replications, and the same again.
  expect_bit_identical(fields_of(one_thread), fields_of(run_validation_case(c, kSeed, 64)));
}

TEST(DeterminismTest, SameSeedGivesBitIdenticalStatisticsAcrossProcesses) {
  const std::string digest = hex(fnv1a(all_fields()));
  if (std::getenv(kChildVariable) != nullptr) {
    // Child mode: report and stop; the parent compares.
    std::printf("%.*s%s\n", static_cast<int>(kDigestPrefix.size()), kDigestPrefix.data(),
                digest.c_str());
    std::fflush(stdout);
    return;
  }
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  std::vector<std::string> child_digests;
  for (int child = 0; child < 2; ++child) {
    const ChildRun run = run_child(filter);
    ASSERT_EQ(run.exit_code, 0) << "child " << child << " failed; its output:\n" << run.output;
    const std::optional<std::string> child_digest = digest_line(run.output);
    ASSERT_TRUE(child_digest.has_value())
        << "child " << child << " printed no single digest line; its output:\n"
        << run.output;
    child_digests.push_back(*child_digest);
  }
  EXPECT_EQ(child_digests[0], child_digests[1]);
  EXPECT_EQ(child_digests[0], digest);
}

}  // namespace
}  // namespace circlesim::models::validation
