#include "models/scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "models/scenario/city_reader.hpp"
#include "models/scenario/community_reader.hpp"
#include "models/scenario/composition.hpp"
#include "models/scenario/document_reader.hpp"
#include "models/scenario/facility_reader.hpp"
#include "models/scenario/schema_check.hpp"
#include "models/scenario/semantic_checks.hpp"
#include "models/scenario/shock_reader.hpp"
#include "models/scenario/units.hpp"
#include "models/scenario/yaml_document.hpp"
#include "sim/error.hpp"

namespace circlesim::scenario {

namespace {

using nlohmann::json;

// Parts of the format whose behaviour the model does not simulate yet. A scenario that uses one
// is rejected: nothing in a scenario is ever silently ignored.
const std::map<std::string, std::string> kNotYetSimulated = {
    {"/calendar", "the calendar (holidays, day types)"},
    {"/policies/priority", "the priority policy"},
    {"/policies/staffing", "the staffing policy"},
    {"/policies/placement", "the placement policy"},
};

class Builder : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  std::optional<Scenario> build() {
    Scenario scenario;
    scenario.file = doc_.locations.file();
    reject_unsupported();
    // Each part is read even when the schema check found problems, so that every problem of the
    // file is reported at once. A value of the wrong type (already reported by the schema check)
    // ends the reading of its part only.
    guarded([&] { read_run(scenario.run); });
    guarded([&] { read_city_parts(doc_, diagnostics_, scenario); });
    guarded([&] { read_targets(scenario); });
    guarded([&] { read_facilities(doc_, diagnostics_, scenario); });
    guarded([&] { read_travel_times(doc_, diagnostics_, scenario); });  // names facilities
    guarded([&] { read_profiles(); });
    guarded([&] { read_services(scenario); });
    // Model II: grid members and their policies need the services (skills, visits); shocks
    // change the staff, members and facilities read before them.
    guarded([&] { read_community_parts(doc_, diagnostics_, scenario); });
    guarded([&] { read_shocks(doc_, diagnostics_, scenario); });
    if (!diagnostics_.empty()) return std::nullopt;
    apply_shocks(scenario);
    return scenario;
  }

 private:
  void reject_unsupported() {
    for (const auto& [pointer, part] : kNotYetSimulated) {
      if (has(pointer)) {
        error(pointer, fmt::format("{} is part of the scenario language but not simulated yet; "
                                   "remove it to run this scenario",
                                   part));
      }
    }
  }

  void read_run(RunSettings& run) {
    if (has("/run/name")) run.name = at("/run/name").get<std::string>();
    if (has("/run/description")) run.description = at("/run/description").get<std::string>();
    if (const auto horizon = quantity("/run/horizon", QuantityKind::kDuration)) {
      run.horizon = *horizon;
      if (run.horizon <= 0) error("/run/horizon", "the horizon must be longer than zero");
    }
    if (const auto warmup = quantity("/run/warmup", QuantityKind::kDuration)) {
      run.warmup = *warmup;
      if (run.warmup < 0) error("/run/warmup", "the warm-up cannot be negative");
    }
    if (has("/run/seed")) run.seed = at("/run/seed").get<std::uint64_t>();
    if (has("/run/replications")) run.replications = at("/run/replications").get<int>();
    if (has("/run/confidence")) run.confidence = at("/run/confidence").get<double>();
    if (has("/run/start/date")) run.start_date = at("/run/start/date").get<std::string>();
    start_date_ = run.start_date;
    run.start_weekday = weekday_of_date(run.start_date).value_or(0);  // the date decides
    if (has("/run/start/weekday")) {
      static const char* const kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                              "friday", "saturday", "sunday"};
      const std::string weekday = at("/run/start/weekday").get<std::string>();
      for (int d = 0; d < 7; ++d) {
        if (weekday == kWeekdays[d]) run.start_weekday = d;
      }
    }
    if (has("/run/trace/level")) {
      const std::string level = at("/run/trace/level").get<std::string>();
      run.trace_level = level == "events"     ? TraceLevel::kEvents
                        : level == "requests" ? TraceLevel::kRequests
                                              : TraceLevel::kSummary;
    }
    if (has("/run/trace/output")) run.output = at("/run/trace/output").get<std::string>();
    if (has("/run/trace/compression")) run.compression = at("/run/trace/compression").get<int>();
    if (const auto interval = quantity("/run/trace/interval", QuantityKind::kDuration)) {
      if (*interval < 1 || *interval > sim::kWeek) {
        error("/run/trace/interval", "the time series' interval must be from 1 min to 7 d");
      } else {
        run.trace_interval = *interval;
      }
    }
  }

  void read_targets(Scenario& scenario) {
    if (const auto travel = quantity("/targets/travel", QuantityKind::kDuration)) {
      scenario.travel_target_minutes = *travel;
    }
    if (const auto wait = quantity("/targets/wait", QuantityKind::kDuration)) {
      scenario.wait_target_minutes = *wait;
    }
  }

  void read_services(Scenario& scenario) {
    if (!has("/services") || at("/services").empty()) {
      error(has("/services") ? "/services" : "",
            "the service catalogue is empty (expected at least one entry under 'services')");
      return;
    }
    const json& services = at("/services");
    for (std::size_t s = 0; s < services.size(); ++s) {
      const std::string base = fmt::format("/services/{}", s);
      const json& spec = services[s];
      Service service;
      service.id = spec.value("id", "");
      service.name = spec.value("name", service.id);
      if (scenario.city) {
        read_city_service(scenario, spec, base, service);
      } else {
        for (const char* part : {"eligible", "escalation", "travel"}) {
          if (spec.contains(part)) {
            error(base + "/" + part,
                  fmt::format("{} needs the scenario's city (add a `city` section, or remove it)",
                              part));
          }
        }
        const std::string channel = spec.value("channel", "centre_room");
        if (channel != "centre_room") {
          error(base + "/channel",
                fmt::format("channel '{}' needs the scenario's city (expected centre_room "
                            "without one)",
                            channel));
        }
        resolve_room(scenario, spec, base, service);
        read_demand(spec, base, service);
      }
      if (spec.contains("duration")) {
        if (auto d = distribution(base + "/duration")) service.duration = *d;
      } else {
        error(base, "missing required key 'duration' (expected a distribution)");
      }
      if (spec.contains("patience")) service.patience = distribution(base + "/patience");
      read_when_closed(scenario, spec, base, service);
      if (spec.contains("priority")) {
        if (spec["priority"].is_number_integer()) {
          service.priority = spec["priority"].get<int>();
        } else if (scenario.city && spec["priority"].is_object()) {
          read_priority_by_group(scenario, spec["priority"], service);
        } else {
          error(base + "/priority",
                "priority by group needs population groups, which are not simulated yet "
                "(expected one integer)");
        }
      }
      scenario.services.push_back(std::move(service));
    }
  }

  // when_closed: what a requester does on finding the room closed. Coming back and giving up
  // are decisions of residents who travel, so they need the city; a room alone only queues.
  void read_when_closed(const Scenario& scenario, const json& spec, const std::string& base,
                        Service& service) {
    if (!spec.contains("when_closed") || !spec["when_closed"].is_string()) return;
    const std::string when = spec["when_closed"].get<std::string>();
    if (when == "wait") return;
    if (when != "return" && when != "leave") return;  // reported by the schema check
    if (!scenario.city) {
      error(base + "/when_closed",
            fmt::format("when_closed '{}' needs the scenario's city (expected wait without one: "
                        "the room model has no travel to come back or give up)",
                        when));
      return;
    }
    service.when_closed = when == "return" ? WhenClosed::kReturn : WhenClosed::kLeave;
  }

  std::optional<std::size_t> group_index(const Scenario& scenario, const std::string& id) const {
    for (std::size_t g = 0; g < scenario.groups.size(); ++g) {
      if (scenario.groups[g].id == id) return g;
    }
    return std::nullopt;  // the semantic checks report unknown groups
  }

  void read_priority_by_group(const Scenario& scenario, const json& by_group, Service& service) {
    service.priority_by_group.assign(scenario.groups.size(), -1);
    for (const auto& [group, priority] : by_group.items()) {
      if (const auto g = group_index(scenario, group)) {
        service.priority_by_group[*g] = priority.get<int>();
      }
    }
    // Residents in none of the listed groups get the `general` entry, or 1 without one.
    if (service.priority_by_group[0] < 0) service.priority_by_group[0] = 1;
    service.priority = service.priority_by_group[0];
  }

  // A service of a city: where it is served, who asks and how often, how they travel, and
  // what is escalated.
  void read_city_service(const Scenario& scenario, const json& spec, const std::string& base,
                         Service& service) {
    static const std::map<std::string, Channel> kChannels = {
        {"centre_room", Channel::kCentreRoom},
        {"neighbourhood_centre", Channel::kNeighbourhoodCentre},
        {"street_office", Channel::kStreetOffice},
        {"home_visit", Channel::kHomeVisit},
        {"red_station", Channel::kRedStation},
    };
    const std::string channel = spec.value("channel", "centre_room");
    const auto found = kChannels.find(channel);
    if (found != kChannels.end()) service.channel = found->second;  // else the schema says so
    // A red station's own places are its seats unless the service names chargers, lockers or
    // one of its rooms; a home service has no room.
    service.room_type = spec.value("room", channel == "red_station" ? "seats" : "");
    if (service.room_type.empty() && service.channel != Channel::kHomeVisit) {
      error(base, fmt::format("missing required key 'room' (expected the room type that "
                              "serves it at the {})",
                              channel));
    }
    for (const json& group : spec.value("eligible", json::array())) {
      if (const auto g = group_index(scenario, group.get<std::string>())) {
        service.eligible.push_back(*g);
      }
    }
    if (spec.contains("travel")) {
      const json& travel = spec["travel"];
      const std::string mode = travel.value("mode", "walk");
      service.speed_m_per_min = mode == "bike" ? 240.0 : mode == "car" ? 25000.0 / 60.0 : 60.0;
      service.speed_given = mode != "walk" || travel.contains("speed");
      if (const auto speed = quantity(base + "/travel/speed", QuantityKind::kSpeed)) {
        if (*speed <= 0) {
          error(base + "/travel/speed", "a travel speed must be > 0");
        } else {
          service.speed_m_per_min = *speed;
        }
      }
    }
    if (spec.contains("escalation")) {
      read_escalation(spec["escalation"], base, service);
      const Escalation& e = service.escalation;
      if (e.onward_probability > 0 &&
          !has_room(scenario, FacilityKind::kDistrictDepartment, e.onward_room_type)) {
        error(base + "/escalation/onward",
              fmt::format("requests go onward to district departments, but none has a room '{}' "
                          "(expected facilities.district_departments with that room)",
                          e.onward_room_type));
      }
    }
    for (std::size_t i = 0; i < spec.value("demand", json::array()).size(); ++i) {
      const std::string pointer = fmt::format("{}/demand/{}", base, i);
      const json& item = spec["demand"][i];
      DemandStream stream;
      if (const auto g = group_index(scenario, item.value("group", "general"))) stream.group = *g;
      if (!item.contains("rate") || !item["rate"].is_string()) continue;
      const QuantityResult rate =
          parse_quantity(item["rate"].get<std::string>(), QuantityKind::kRate);
      if (!rate.quantity) continue;  // reported by the schema check
      stream.per_member = rate.quantity->per_1000_residents;
      stream.rate_per_minute = rate.quantity->value / (stream.per_member ? 1000.0 : 1.0);
      if (item.contains("profile")) {
        Service holder;
        read_demand_profile(item["profile"], pointer + "/profile", holder);
        stream.profile = holder.profile;
      }
      service.demand.push_back(std::move(stream));
    }
  }

  static bool has_room(const Scenario& scenario, FacilityKind kind, const std::string& type) {
    return std::any_of(
        scenario.facilities.begin(), scenario.facilities.end(), [&](const Facility& f) {
          return f.kind == kind && std::any_of(f.rooms.begin(), f.rooms.end(), [&](std::size_t r) {
                   return scenario.rooms[r].type == type;
                 });
        });
  }

  void read_escalation(const json& spec, const std::string& base, Service& service) {
    Escalation& e = service.escalation;
    e.probability = spec.value("probability", 0.0);
    e.to = spec.value("to", std::string("street_office")) == "district_department"
               ? EscalationTarget::kDistrictDepartment
               : EscalationTarget::kStreetOffice;
    if (spec.contains("delay")) e.delay = distribution(base + "/escalation/delay");
    e.room_type = spec.value("room", service.room_type);
    if (spec.contains("onward")) {
      const json& onward = spec["onward"];
      if (e.to != EscalationTarget::kStreetOffice) {
        error(base + "/escalation/onward",
              "only what reaches the street office can go onward to the district department "
              "(expected to: street_office, or no onward)");
      }
      e.onward_probability = onward.value("probability", 0.0);
      if (onward.contains("delay"))
        e.onward_delay = distribution(base + "/escalation/onward/delay");
      e.onward_room_type = onward.value("room", e.room_type);
    }
  }

  void resolve_room(const Scenario& scenario, const json& spec, const std::string& base,
                    Service& service) {
    const std::string type = spec.value("room", "");
    std::vector<std::size_t> matches;
    for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
      if (scenario.rooms[r].type == type) matches.push_back(r);
    }
    if (matches.size() == 1) {
      service.room = matches.front();
      return;
    }
    // No match, or one facility listing the type twice: the semantic checks report those.
    std::set<std::string> facilities;
    for (const std::size_t r : matches) facilities.insert(scenario.rooms[r].facility_id);
    if (facilities.size() > 1) {
      error(base + "/room",
            fmt::format("{} facilities have a room '{}': choosing among them needs the "
                        "facility-choice policy, which is not simulated yet",
                        facilities.size(), type));
    }
  }

  // Named profiles by id, as the factors the engine's RateProfile takes.
  void read_profiles() {
    if (!has("/profiles") || !at("/profiles").is_array()) return;
    const json& profiles = at("/profiles");
    for (std::size_t p = 0; p < profiles.size(); ++p) {
      const std::string pointer = fmt::format("/profiles/{}", p);
      if (!profiles[p].is_object() || !profiles[p].contains("id")) continue;
      if (auto profile = read_profile(profiles[p], pointer)) {
        profiles_[profiles[p]["id"].get<std::string>()] = std::move(*profile);
      }
    }
  }

  std::optional<Profile> read_profile(const json& spec, const std::string& pointer) {
    Profile profile;
    bool ok = true;
    const json shocks = spec.value("shocks", json::array());
    for (std::size_t k = 0; k < shocks.size(); ++k) {
      // Dates to minutes from the start: from 00:00 of `from` to the end of `to` (inclusive).
      const auto from = days_between(start_date_, shocks[k].value("from", ""));
      const auto to = days_between(start_date_, shocks[k].value("to", ""));
      if (!from || !to) {
        ok = false;  // not dates: reported by the schema and semantic checks
        continue;
      }
      if (*to < *from) {
        error(fmt::format("{}/shocks/{}/to", pointer, k),
              "a shock ends before it starts (expected `to` on or after `from`)");
        ok = false;
        continue;
      }
      Profile::Shock shock;
      shock.from = static_cast<double>(*from) * 1440.0;
      shock.to = static_cast<double>(*to + 1) * 1440.0;
      shock.factor = shocks[k].value("factor", 1.0);
      for (const json& service : shocks[k].value("services", json::array())) {
        shock.services.push_back(service.get<std::string>());
      }
      profile.shocks.push_back(std::move(shock));
    }
    if (spec.contains("daily") && spec["daily"].is_array()) {
      const json& daily = spec["daily"];
      if (!daily.empty() && daily[0].is_number()) {
        for (const json& factor : daily) profile.daily.push_back(factor.get<double>());
      } else {
        // Windows of the day, to one factor per minute (hours in no window have factor 0).
        profile.daily.assign(1440, 0.0);
        for (std::size_t w = 0; w < daily.size(); ++w) {
          const auto from = parse_clock_time(daily[w].value("from", ""));
          const auto to = parse_clock_time(daily[w].value("to", ""));
          if (!from || !to || *from >= *to) {
            ok = false;  // reported by the schema and semantic checks
            continue;
          }
          for (auto minute = static_cast<std::size_t>(*from);
               minute < static_cast<std::size_t>(*to); ++minute) {
            profile.daily[minute] = daily[w].value("factor", 0.0);
          }
        }
      }
    }
    if (spec.contains("day_types") && spec["day_types"].is_object()) {
      // Monday to Friday are weekdays; holidays and named day types need the calendar.
      profile.weekday_factors.assign(7, 1.0);
      for (const auto& [day_type, factor] : spec["day_types"].items()) {
        if (!factor.is_number()) continue;
        const double f = factor.get<double>();
        if (day_type == "weekday") {
          for (int d = 0; d < 5; ++d) profile.weekday_factors[static_cast<std::size_t>(d)] = f;
        } else if (day_type == "saturday") {
          profile.weekday_factors[5] = f;
        } else if (day_type == "sunday") {
          profile.weekday_factors[6] = f;
        } else {
          error(pointer + "/day_types/" + day_type,
                fmt::format("day type '{}' needs the calendar (holidays, named day types), "
                            "which is not simulated yet (expected weekday, saturday or sunday)",
                            day_type));
          ok = false;
        }
      }
    }
    if (!ok) return std::nullopt;
    return profile;
  }

  void read_demand_profile(const json& reference, const std::string& pointer, Service& service) {
    std::optional<Profile> profile;
    if (reference.is_string()) {
      const auto found = profiles_.find(reference.get<std::string>());
      if (found == profiles_.end()) return;  // a dangling id: the semantic checks report it
      profile = found->second;
    } else if (reference.is_object()) {
      profile = read_profile(reference, pointer);
    }
    if (!profile) return;
    if (service.profile &&
        (service.profile->daily != profile->daily || service.profile->shocks != profile->shocks ||
         service.profile->weekday_factors != profile->weekday_factors)) {
      error(pointer,
            "demand items of one service with different profiles are not simulated "
            "yet (expected one profile for all of a service's demand)");
      return;
    }
    service.profile = std::move(profile);
  }

  void read_demand(const json& spec, const std::string& base, Service& service) {
    if (!spec.contains("demand") || spec["demand"].empty()) {
      error(base, "missing required key 'demand' (expected at least one {rate: ...})");
      return;
    }
    bool complete = true;
    for (std::size_t i = 0; i < spec["demand"].size(); ++i) {
      const std::string pointer = fmt::format("{}/demand/{}", base, i);
      const json& item = spec["demand"][i];
      if (item.contains("group") && item["group"] != "general") {
        error(pointer + "/group",
              "demand by population group is not simulated yet "
              "(expected no group, or general)");
      }
      if (item.contains("profile"))
        read_demand_profile(item["profile"], pointer + "/profile", service);
      if (!item.contains("rate") || !item["rate"].is_string()) {
        complete = false;  // the schema check has reported it
        continue;
      }
      const QuantityResult rate =
          parse_quantity(item["rate"].get<std::string>(), QuantityKind::kRate);
      if (!rate.quantity) {
        complete = false;
        continue;
      }
      if (rate.quantity->per_1000_residents) {
        error(pointer + "/rate",
              "a rate per 1000 residents needs the city's population, which "
              "is not simulated yet (expected an absolute rate such as 12/h)");
      } else if (rate.quantity->value < 0) {
        error(pointer + "/rate", "a demand rate cannot be negative");
      }
      service.rate_per_minute += rate.quantity->value;
    }
    if (complete && service.rate_per_minute <= 0) {
      error(base + "/demand", "the total demand rate must be > 0");
    }
  }

  std::map<std::string, Profile> profiles_;
  std::string start_date_ = RunSettings{}.start_date;  // shocks' dates count from it
};

}  // namespace

std::optional<std::vector<ScenarioRun>> load_scenario_runs(const std::string& path,
                                                           const LoadOptions& options,
                                                           Diagnostics& diagnostics) {
  // The schema check's one-time set-up (a tenth of a scenario's load) runs on another thread
  // while the file is read and parsed (or here, later, when no thread can be started).
  std::future<void> schema_ready =
      std::async(std::launch::async | std::launch::deferred, prepare_schema_check);
  const std::optional<YamlDocument> composed = load_composed(path, diagnostics);
  schema_ready.get();
  if (!composed) return std::nullopt;
  // The file as written (variants and sweep included) against the schema, then every run that
  // differs from it (a plain file is checked once: on a city-sized file that halves the time).
  check_against_schema(*composed, diagnostics);
  if (!holds_integer_beyond_int64(composed->value)) {
    check_semantics(*composed, diagnostics);  // the sweep's keys are checked here, before expansion
  }
  const bool runs_differ = composed->value.contains("variants") ||
                           composed->value.contains("sweep") || !options.overrides.empty() ||
                           !options.option_overrides.empty();
  std::vector<ScenarioRun> runs;
  for (ComposedRun& run :
       expand_runs(*composed, options.variant, options.all_variants, diagnostics)) {
    for (const std::string& override_text : options.overrides) {
      apply_override(run.document, override_text, diagnostics);
    }
    for (const OptionOverride& option : options.option_overrides) {
      apply_override(run.document, option.text, diagnostics, option.option);
    }
    YamlDocument* document = &run.document;
    if (runs_differ) check_against_schema(*document, diagnostics);
    if (holds_integer_beyond_int64(document->value)) continue;  // reported by the schema check
    check_semantics(*document, diagnostics);
    std::optional<Scenario> scenario = Builder(*document, diagnostics).build();
    if (scenario) {
      runs.push_back(
          {run.label, std::move(*scenario), run.variant, run.sweep_point, document->value.dump(2)});
    }
  }
  if (!diagnostics.empty()) return std::nullopt;
  return runs;
}

std::optional<Scenario> load_scenario(const std::string& path, const LoadOptions& options,
                                      Diagnostics& diagnostics) {
  LoadOptions single = options;
  single.all_variants = false;
  std::optional<std::vector<ScenarioRun>> runs = load_scenario_runs(path, single, diagnostics);
  if (!runs) return std::nullopt;
  if (runs->size() != 1) {
    diagnostics.add(
        {path, 0, 0}, "sweep",
        fmt::format("the scenario stands for {} runs (a sweep); this use needs one", runs->size()));
    return std::nullopt;
  }
  return std::move(runs->front().scenario);
}

}  // namespace circlesim::scenario
