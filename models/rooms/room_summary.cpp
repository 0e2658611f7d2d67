#include <fmt/format.h>

#include "analysis/confidence_interval.hpp"
#include "models/rooms/room_model.hpp"

namespace circlesim::models {

std::string room_summary_table(const scenario::Scenario& scenario,
                               const std::vector<ReplicationMeasures>& replications) {
  const double level = scenario.run.confidence;
  auto interval = [&](auto&& get) {
    std::vector<double> values;
    for (const ReplicationMeasures& r : replications) values.push_back(get(r));
    // One replication has no spread to estimate: its value, and no interval.
    if (values.size() < 2) return fmt::format("{:.4g} (n=1)", values.front());
    const analysis::ConfidenceInterval ci = analysis::t_confidence_interval(values, level);
    return fmt::format("{:.4g} ± {:.2g}", ci.mean, ci.half_width);
  };
  std::string out = fmt::format(
      "{}: {} replications, horizon {} min after a {} min warm-up; "
      "means ± {:g}% half-widths\n\n",
      scenario.run.name, replications.size(), scenario.run.horizon, scenario.run.warmup,
      100 * level);
  out += fmt::format("{:<24} {:>18} {:>18} {:>18} {:>18} {:>18}\n", "service", "arrivals",
                     "mean wait (min)", "P(delayed)", "P(abandon)", "P(turned away)");
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    out += fmt::format(
        "{:<24} {:>18} {:>18} {:>18} {:>18} {:>18}\n", scenario.services[s].id,
        interval([&](const ReplicationMeasures& r) { return r.services[s].arrivals; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].mean_wait; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_delayed; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_abandon; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_turned_away; }));
  }
  out += fmt::format("\n{:<40} {:>6} {:>18} {:>18}\n", "room", "staff", "utilisation",
                     "mean in queue");
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    const scenario::Room& room = scenario.rooms[r];
    out += fmt::format(
        "{:<40} {:>6} {:>18} {:>18}\n", room.facility_id + "/" + room.type, room.staff,
        interval([&](const ReplicationMeasures& m) { return m.rooms[r].utilisation; }),
        interval([&](const ReplicationMeasures& m) { return m.rooms[r].mean_in_queue; }));
  }
  // Who is in each room at each hour of the day (means over days and replications): the
  // occupancy profile staffing plans work against.
  out += fmt::format("\n{:<40} {}\n", "present at the hour (mean)",
                     "00h    03h    06h    09h    12h    15h    18h    21h");
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    std::string hours;
    for (std::size_t h = 0; h < 24; h += 3) {
      double sum = 0;
      for (const ReplicationMeasures& m : replications) sum += m.rooms[r].present_by_hour[h];
      hours += fmt::format("{:<7.3g}", sum / static_cast<double>(replications.size()));
    }
    while (!hours.empty() && hours.back() == ' ') hours.pop_back();
    out += fmt::format("{:<40} {}\n", scenario.rooms[r].facility_id + "/" + scenario.rooms[r].type,
                       hours);
  }
  return out;
}

}  // namespace circlesim::models
