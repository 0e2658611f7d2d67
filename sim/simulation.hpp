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
  };
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
