#include "sim/simulation.hpp"

#include <cmath>
#include <limits>

#include "sim/error.hpp"

namespace circlesim::sim {

Simulation::Simulation(Time start_time) : now_(start_time) {
  CIRCLESIM_REQUIRE(std::isfinite(start_time) && start_time >= 0,
                    "simulation start time must be >= 0 and finite, got {}", start_time);
}

HandlerId Simulation::register_handler(DispatchFunction call, void* handler) {
  CIRCLESIM_REQUIRE(handlers_.size() < std::numeric_limits<HandlerId>::max(),
                    "simulation: too many event handlers ({})", handlers_.size());
  HandlerEntry entry;
  entry.call = call;
  entry.handler = handler;
  handlers_.push_back(entry);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void Simulation::reject_handler(HandlerId handler) {
  throw InvalidParameter(fmt::format("unknown event handler id {}", handler));
}

EventHandle Simulation::schedule_at(Time time, HandlerId handler, std::uint16_t kind,
                                    std::uint32_t payload, int priority) {
  check_schedule(time, handler);
  return calendar_.schedule(time, handler, kind, payload, priority);
}

template <bool kObserved>
void Simulation::run_events(Time end) {
  stopped_ = false;
  Event event;
  while (!stopped_ && calendar_.pop_not_after(end, event)) {
    if constexpr (kObserved) observer_->on_event(event);
    if (calendar_.large()) prefetch_next_event();
    dispatch(event);
  }
}

void Simulation::run_until(Time end) {
  CIRCLESIM_REQUIRE(!std::isnan(end) && end >= now_,
                    "run_until: end time must be >= now ({}), got {}", now_, end);
  if (observer_ != nullptr) {
    run_events<true>(end);
  } else {
    run_events<false>(end);
  }
  if (!stopped_ && std::isfinite(end)) now_ = end;
}

void Simulation::run() {
  if (observer_ != nullptr) {
    run_events<true>(kNever);
  } else {
    run_events<false>(kNever);
  }
}

}  // namespace circlesim::sim
