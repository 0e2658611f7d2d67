// The hot path allocates nothing (DESIGN.md §3): once a server pool and the event calendar are
// sized, a million more customers through the pool make no heap allocation at all.
//
// This is its own executable because it replaces the global operator new and delete (every
// overload, aligned and sized ones included) with versions that count allocations.
#include <gtest/gtest.h>

#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "sim/arrival_process.hpp"
#include "sim/capacity_schedule.hpp"
#include "sim/distribution.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::size_t> g_last_size{0};  // size of the latest allocation, for failure messages

std::uint64_t allocation_count() { return g_allocations.load(std::memory_order_seq_cst); }

void count(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_last_size.store(size, std::memory_order_relaxed);
}

void* try_allocate(std::size_t size, std::align_val_t alignment) {
  const auto align = std::max(static_cast<std::size_t>(alignment), alignof(std::max_align_t));
  if (align == alignof(std::max_align_t)) return std::malloc(std::max<std::size_t>(size, 1));
  // aligned_alloc wants the size to be a multiple of the alignment.
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + align - 1) / align * align;
  return std::aligned_alloc(align, rounded);
}

// The standard's loop: retry through the new-handler, throw bad_alloc when there is none.
void* allocate(std::size_t size, std::align_val_t alignment) {
  count(size);
  for (;;) {
    if (void* p = try_allocate(size, alignment)) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* allocate_nothrow(std::size_t size, std::align_val_t alignment) noexcept {
  try {
    return allocate(size, alignment);
  } catch (...) {
    return nullptr;
  }
}

constexpr std::align_val_t kDefaultAlignment{alignof(std::max_align_t)};

}  // namespace

// The replacements: every form of new counts; every form of delete frees (malloc and
// aligned_alloc memory both go back through free).
void* operator new(std::size_t size) { return allocate(size, kDefaultAlignment); }
void* operator new[](std::size_t size) { return allocate(size, kDefaultAlignment); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate(size, alignment);
}
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  return allocate_nothrow(size, kDefaultAlignment);
}
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  return allocate_nothrow(size, kDefaultAlignment);
}
void* operator new(std::size_t size, std::align_val_t alignment,
                   const std::nothrow_t& /*tag*/) noexcept {
  return allocate_nothrow(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t& /*tag*/) noexcept {
  return allocate_nothrow(size, alignment);
}

// GCC (at -O1, where it inlines a test's `delete` into gtest's `new TestClass`) takes the
// replaced `new` for the library's and warns that `free` does not match it. It does: these
// `new`s allocate with malloc or aligned_alloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t /*alignment*/) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t /*alignment*/) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t /*alignment*/,
                     const std::nothrow_t& /*tag*/) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t /*alignment*/,
                       const std::nothrow_t& /*tag*/) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace circlesim::sim {
namespace {

constexpr std::uint64_t kSeed = 424242;
constexpr std::uint64_t kWarmupCustomers = 20'000;
constexpr std::uint64_t kMeasuredCustomers = 1'000'000;
constexpr std::size_t kPoolReserve = 10'000;
constexpr std::size_t kCalendarReserve = 8'192;

// Keeps an allocation observable so that the optimiser cannot remove a new/delete pair.
void* volatile g_sink = nullptr;

struct PoolSetup {
  ServerPoolConfig config;
  std::vector<double> class_rates;  // Poisson rate per priority class
  Distribution service = Distribution::exponential(1.0);
  std::optional<Distribution> patience;
};

// One Poisson stream at the total rate; each arrival's class is drawn in proportion to the rates.
// All storage is built in the constructor.
class PoissonSource final : public EventHandler {
 public:
  PoissonSource(Simulation& sim, ServerPool& pool, const PoolSetup& setup)
      : sim_(sim),
        pool_(pool),
        setup_(setup),
        handler_(sim.add_handler(*this)),
        process_(total(setup.class_rates)) {
    const RandomStreams streams(kSeed, 0);
    arrival_rng_ = streams.stream("arrivals");
    class_rng_ = streams.stream("class");
    service_rng_ = streams.stream("service");
    patience_rng_ = streams.stream("patience");
    double sum = 0;
    for (const double rate : setup.class_rates) {
      sum += rate;
      cumulative_share_.push_back(sum / total(setup.class_rates));
    }
    schedule_next();
  }

  // Feeds `customers` more arrivals into the pool and returns after the last of them.
  void run_customers(std::uint64_t customers) {
    target_ = arrived_ + customers;
    sim_.run();
  }
  [[nodiscard]] std::uint64_t arrived() const { return arrived_; }

  void handle_event(Simulation& /*sim*/, std::uint16_t /*kind*/,
                    std::uint32_t /*payload*/) override {
    const double u = boost::random::uniform_01<double>()(class_rng_);
    std::size_t k = 0;
    while (k + 1 < cumulative_share_.size() && u >= cumulative_share_[k]) ++k;
    const Time service = setup_.service.sample(service_rng_);
    const Time patience = setup_.patience ? setup_.patience->sample(patience_rng_) : kNever;
    pool_.arrive(static_cast<int>(k), service, patience, static_cast<std::uint32_t>(arrived_));
    ++arrived_;
    schedule_next();
    if (arrived_ >= target_) sim_.stop();
  }

 private:
  static double total(const std::vector<double>& rates) {
    double sum = 0;
    for (const double rate : rates) sum += rate;
    return sum;
  }
  void schedule_next() {
    sim_.post_at(process_.next_after(sim_.now(), arrival_rng_), handler_, 0, 0);
  }

  Simulation& sim_;
  ServerPool& pool_;
  const PoolSetup& setup_;
  HandlerId handler_;
  PoissonArrivals process_;
  RandomEngine arrival_rng_;
  RandomEngine class_rng_;
  RandomEngine service_rng_;
  RandomEngine patience_rng_;
  std::vector<double> cumulative_share_;
  std::uint64_t arrived_ = 0;
  std::uint64_t target_ = 0;
};

// Warms the pool up, then checks that a million more customers allocate nothing. Returns the
// pool's statistics of the whole run for the caller's sanity checks.
ClassStatistics expect_no_allocation_per_customer(const PoolSetup& setup) {
  Simulation sim;
  ServerPool pool(sim, setup.config);
  PoissonSource source(sim, pool, setup);
  pool.reserve(kPoolReserve);
  sim.calendar().reserve(kCalendarReserve);

  source.run_customers(kWarmupCustomers);
  const std::uint64_t before = allocation_count();
  source.run_customers(kMeasuredCustomers);
  const std::uint64_t after = allocation_count();
  const std::size_t last_size = g_last_size.load();  // before gtest allocates for messages

  EXPECT_EQ(after, before) << after - before << " heap allocations during " << kMeasuredCustomers
                           << " customers after warm-up; the last was of " << last_size << " bytes";
  EXPECT_EQ(source.arrived(), kWarmupCustomers + kMeasuredCustomers);
  return pool.statistics().total();
}

TEST(NoAllocationTest, CounterSeesVectorGrowthAndAlignedNew) {
  // Counts are read first and checked at the end, so that gtest's own work stays outside.
  const std::uint64_t before = allocation_count();
  std::vector<int> values;
  values.push_back(1);
  g_sink = values.data();
  const std::uint64_t after_vector = allocation_count();

  struct alignas(128) Wide {
    unsigned char bytes[128];
  };
  Wide* wide = new Wide{};
  g_sink = wide;
  const auto address = reinterpret_cast<std::uintptr_t>(wide);
  delete wide;
  const std::uint64_t after_aligned = allocation_count();

  void* nothrow = ::operator new(64, std::nothrow);
  g_sink = nothrow;
  ::operator delete(nothrow, std::nothrow);
  const std::uint64_t after_nothrow = allocation_count();

  EXPECT_EQ(after_vector, before + 1);
  EXPECT_EQ(after_aligned, after_vector + 1);
  EXPECT_EQ(address % 128, 0U);
  EXPECT_EQ(after_nothrow, after_aligned + 1);
}

TEST(NoAllocationTest, MM3PoolAllocatesNothingPerCustomer) {
  PoolSetup setup;
  setup.config.name = "M/M/3";
  setup.config.capacity = CapacitySchedule::constant(3);
  setup.class_rates = {2.7};
  setup.service = Distribution::exponential(1.0);
  const ClassStatistics total = expect_no_allocation_per_customer(setup);
  EXPECT_GT(total.served, kMeasuredCustomers);  // rho = 0.9: nearly everyone was served
  EXPECT_GT(total.delayed, 0U);
}

TEST(NoAllocationTest, PreemptivePriorityPoolWithPatienceAllocatesNothingPerCustomer) {
  PoolSetup setup;
  setup.config.name = "M/M/3+M, 3 classes, preemptive-resume";
  setup.config.capacity = CapacitySchedule::constant(3);
  setup.config.priority_classes = 3;
  setup.config.preemption = Preemption::kPreemptiveResume;
  setup.class_rates = {0.6, 0.9, 1.2};
  setup.service = Distribution::exponential(1.0);
  setup.patience = Distribution::exponential(5.0);
  const ClassStatistics total = expect_no_allocation_per_customer(setup);
  EXPECT_GT(total.reneged, 0U);
  EXPECT_GT(total.preempted, 0U);
}

TEST(NoAllocationTest, ScheduledPoolThatClosesAllocatesNothingPerCustomer) {
  PoolSetup setup;
  setup.config.name = "cyclic schedule with closing, waiting room";
  setup.config.capacity = CapacitySchedule::cyclic({{0, 4}, {60, 2}, {100, 0}, {130, 3}}, 180);
  setup.config.priority_classes = 3;
  setup.config.preemption = Preemption::kPreemptiveResume;
  setup.config.waiting_room = 6;
  setup.config.on_close = ClosingPolicy::kSendAway;
  setup.class_rates = {0.4, 0.6, 0.8};
  setup.service = Distribution::lognormal(1.5, 0.8);
  setup.patience = Distribution::exponential(4.0);
  const ClassStatistics total = expect_no_allocation_per_customer(setup);
  EXPECT_GT(total.balked, 0U);
  EXPECT_GT(total.sent_away, 0U);
}

}  // namespace
}  // namespace circlesim::sim
