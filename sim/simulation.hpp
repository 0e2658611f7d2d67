// The simulation kernel: a clock, the event calendar, and dispatch to registered handlers.
//
// Components (server pools, arrival sources, model processes) register once as handlers and then
// schedule plain events {time, handler, kind, payload}: no closure is built or allocated per event.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "sim/error.hpp"
#include "sim/event_calendar.hpp"
#include "sim/time.hpp"

namespace circlesim::sim {

class Simulation;

using HandlerId = std::uint16_t;

// A component that reacts to its own events. `kind` and `payload` are the component's to define
// (typically an event type and the index of an entity in the component's dense storage).
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void handle_event(Simulation& sim, std::uint16_t kind, std::uint32_t payload) = 0;
};

// Sees every event the simulation dispatches, before its handler does (event-level traces).
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void on_event(const Event& event) = 0;
};

class Simulation {
 public:
  explicit Simulation(Time start_time = 0.0);

  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Registers a handler; it must outlive the simulation run. The calendar dispatches to it
  // through a function made for its type: for a `final` handler class that function calls
  // handle_event directly (inlined there), so an event costs one indirect call and no vtable
  // look-up (docs/performance.md, M/M/3).
  template <std::derived_from<EventHandler> Handler>
  HandlerId add_handler(Handler& handler) {
    // The address as a Handler*, which dispatch_to casts back: through EventHandler* it would be
    // off for a class whose EventHandler base is not its first.
    return register_handler(&dispatch_to<Handler>, static_cast<void*>(&handler));
  }

  [[nodiscard]] Time now() const { return now_; }

  // Schedules an event that is never cancelled at absolute time `time` (not before now()): the
  // cheapest kind, for arrivals, completions that cannot be preempted, and the like.
  void post_at(Time time, HandlerId handler, std::uint16_t kind, std::uint32_t payload,
               int priority = 0) {
    if (handler >= handlers_.size()) [[unlikely]] {
      reject_handler(handler);
    }
    // The calendar checks the time against now() and its own rules in one comparison.
    calendar_.post_not_before(now_, time, handler, kind, payload, priority);
  }
  void post_in(Time delay, HandlerId handler, std::uint16_t kind, std::uint32_t payload,
               int priority = 0) {
    post_at(now_ + delay, handler, kind, payload, priority);
  }
  // Schedules an event that can be cancelled through the returned handle (patience timers).
  EventHandle schedule_at(Time time, HandlerId handler, std::uint16_t kind, std::uint32_t payload,
                          int priority = 0);
  EventHandle schedule_in(Time delay, HandlerId handler, std::uint16_t kind, std::uint32_t payload,
                          int priority = 0) {
    return schedule_at(now_ + delay, handler, kind, payload, priority);
  }
  bool cancel(EventHandle handle) { return calendar_.cancel(handle); }
  [[nodiscard]] bool is_pending(EventHandle handle) const { return calendar_.is_pending(handle); }

  // Processes every event with time <= end, then advances the clock to `end`.
  void run_until(Time end);
  // Processes events until the calendar is empty or stop() is called.
  void run();
  // Makes run()/run_until() return after the event being processed.
  void stop() { stopped_ = true; }

  // Every event from now on is shown to `observer` (nullptr: none). Runs without an observer use
  // a loop that does not even test for one.
  void set_event_observer(EventObserver* observer) { observer_ = observer; }

  // Where a handler keeps one record per payload (events of the kinds in `kinds`, a bit mask,
  // carry an index into `records`, each `record_size` bytes): with a large calendar the run
  // loop prefetches the record of the next event while the current one is handled. A hint
  // only, to be renewed whenever the records move (a vector that grew); nothing is read
  // through it.
  void set_prefetch_records(HandlerId handler, const void* records, std::uint32_t record_size,
                            std::uint32_t kinds) {
    CIRCLESIM_REQUIRE(handler < handlers_.size(), "unknown event handler id {}", handler);
    HandlerEntry& entry = handlers_[handler];
    entry.records = static_cast<const char*>(records);
    entry.record_size = record_size;
    entry.record_kinds = kinds;
  }
  [[nodiscard]] std::uint64_t events_processed() const { return events_processed_; }
  [[nodiscard]] std::size_t pending_events() const { return calendar_.size(); }
  EventCalendar& calendar() { return calendar_; }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] static void reject_handler(HandlerId handler);
  void check_schedule(Time time, HandlerId handler) const {
    CIRCLESIM_REQUIRE(time >= now_, "cannot schedule an event at time {} before now ({})", time,
                      now_);
    CIRCLESIM_REQUIRE(handler < handlers_.size(), "unknown event handler id {}", handler);
  }
  template <bool kObserved>
  void run_events(Time end);
  using DispatchFunction = void (*)(void* handler, Simulation& sim, std::uint16_t kind,
                                    std::uint32_t payload);
  struct HandlerEntry {
    DispatchFunction call;
    void* handler;
    const char* records = nullptr;  // see set_prefetch_records
    std::uint32_t record_size = 0;
    std::uint32_t record_kinds = 0;
  };
  // With many pending events the handlers' state is mostly out of the caches (thousands of
  // server pools in a city): the next event's handler and record are fetched while this one
  // runs. Of the handler, its first lines: for a server pool, its hot fields and the averages
  // of queue and busy servers that nearly every event steps (within the first 320 bytes).
  static constexpr int kHandlerLinesPrefetched = 5;
  void prefetch_next_event() const {
    std::uint16_t handler = 0;
    std::uint16_t kind = 0;
    std::uint32_t payload = 0;
    if (!calendar_.next_hint(handler, kind, payload)) return;
    const HandlerEntry& entry = handlers_[handler];
    const auto* object = static_cast<const char*>(entry.handler);
    for (int line = 0; line < kHandlerLinesPrefetched; ++line)
      __builtin_prefetch(object + 64 * line);
    if (kind < 32 && ((entry.record_kinds >> kind) & 1U) != 0) {
      __builtin_prefetch(entry.records + std::size_t{payload} * entry.record_size);
    }
  }
  template <class Handler>
  static void dispatch_to(void* handler, Simulation& sim, std::uint16_t kind,
                          std::uint32_t payload) {
    auto* typed = static_cast<Handler*>(handler);
    if constexpr (std::is_final_v<Handler>) {
      typed->Handler::handle_event(sim, kind, payload);  // no virtual call: the type is final
    } else {
      typed->handle_event(sim, kind, payload);
    }
  }
  HandlerId register_handler(DispatchFunction call, void* handler);
  void dispatch(const Event& event) {
    now_ = event.time;
    ++events_processed_;
    const HandlerEntry& entry = handlers_[event.handler];
    entry.call(entry.handler, *this, event.kind, event.payload);
  }

  Time now_;
  EventCalendar calendar_;
  std::vector<HandlerEntry> handlers_;
  EventObserver* observer_ = nullptr;
  std::uint64_t events_processed_ = 0;
  bool stopped_ = false;
};

}  // namespace circlesim::sim
