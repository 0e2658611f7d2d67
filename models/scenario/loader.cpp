#include "models/scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/scenario/composition.hpp"
#include "models/scenario/schema_check.hpp"
#include "models/scenario/semantic_checks.hpp"
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
    {"/city", "the city's geography"},
    {"/population", "population groups"},
    {"/grid_members", "grid members"},
    {"/policies", "policies"},
    {"/facilities/neighbourhood_centres", "neighbourhood centres"},
    {"/facilities/red_stations", "red stations"},
    {"/facilities/street_offices", "street offices"},
    {"/facilities/district_departments", "district departments"},
};

class Builder {
 public:
  Builder(const YamlDocument& document, Diagnostics& diagnostics)
      : doc_(document), diagnostics_(diagnostics) {}

  std::optional<Scenario> build() {
    Scenario scenario;
    scenario.file = doc_.locations.file();
    reject_unsupported();
    // Each part is read even when the schema check found problems, so that every problem of the
    // file is reported at once. A value of the wrong type (already reported by the schema check)
    // ends the reading of its part only.
    guarded([&] { read_run(scenario.run); });
    guarded([&] { read_rooms(scenario); });
    guarded([&] { read_profiles(); });
    guarded([&] { read_services(scenario); });
    if (!diagnostics_.empty()) return std::nullopt;
    return scenario;
  }

 private:
  template <class Read>
  void guarded(Read&& read) {
    try {
      read();
    } catch (const json::exception&) {
      if (diagnostics_.empty()) throw;  // not explained by the schema check: a bug here
    }
  }

  // Whether a problem has been reported at `pointer` or below it.
  bool reported_under(const std::string& pointer) const {
    const std::string path = pointer_to_key_path(pointer);
    return std::any_of(diagnostics_.items().begin(), diagnostics_.items().end(),
                       [&](const Diagnostic& d) {
                         return d.key_path == path || d.key_path.rfind(path + ".", 0) == 0;
                       });
  }

  void error(const std::string& pointer, const std::string& message) {
    diagnostics_.add(doc_.locations.find(pointer), pointer_to_key_path(pointer), message);
  }
  bool has(const std::string& pointer) const {
    return doc_.value.contains(json::json_pointer(pointer));
  }
  const json& at(const std::string& pointer) const {
    return doc_.value.at(json::json_pointer(pointer));
  }

  void reject_unsupported() {
    for (const auto& [pointer, part] : kNotYetSimulated) {
      if (has(pointer)) {
        error(pointer, fmt::format("{} is part of the scenario language but not simulated yet; "
                                   "remove it to run this scenario",
                                   part));
      }
    }
  }

  // The quantity at `pointer`, or nothing when it is missing or malformed: the schema check
  // reports those, and checks that depend on the value are skipped rather than repeated.
  std::optional<double> quantity(const std::string& pointer, QuantityKind kind) const {
    if (!has(pointer) || !at(pointer).is_string()) return std::nullopt;
    const QuantityResult result = parse_quantity(at(pointer).get<std::string>(), kind);
    if (!result.quantity || result.quantity->value < 0) return std::nullopt;
    return result.quantity->value;
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
  }

  void read_rooms(Scenario& scenario) {
    if (!has("/facilities/community_centres")) return;
    const json& centres = at("/facilities/community_centres");
    for (std::size_t f = 0; f < centres.size(); ++f) {
      const std::string base = fmt::format("/facilities/community_centres/{}", f);
      const std::string id = centres[f].value("id", "");
      for (const char* part : {"opening_hours", "community", "location"}) {
        if (centres[f].contains(part)) {
          error(base + "/" + part, fmt::format("{} is part of the scenario language but not "
                                               "simulated yet; remove it to run this scenario",
                                               part));
        }
      }
      if (!centres[f].contains("rooms")) continue;
      const json& rooms = centres[f]["rooms"];
      for (std::size_t r = 0; r < rooms.size(); ++r) {
        const std::string pointer = fmt::format("{}/rooms/{}", base, r);
        const json& spec = rooms[r];
        Room room;
        room.facility_id = id;
        room.type = spec.value("type", "");
        if (spec.contains("staffing")) {
          error(pointer + "/staffing",
                "staffing schedules are part of the scenario language but not simulated yet; "
                "give a constant 'staff' count");
        }
        // A staff count of the wrong type has been reported by the schema check.
        if (spec.contains("staff") && spec["staff"].is_number_integer()) {
          room.staff = spec["staff"].get<int>();
          if (room.staff < 1) {
            error(pointer + "/staff", "a room needs at least one staff member to run");
          }
        }
        if (spec.contains("waiting_room") && spec["waiting_room"].is_number_integer()) {
          room.waiting_room = spec["waiting_room"].get<std::size_t>();
        }
        room.preemptive = spec.value("preemptive", false);
        room.on_close = spec.value("on_close", std::string("serve_waiting")) == "send_away"
                            ? sim::ClosingPolicy::kSendAway
                            : sim::ClosingPolicy::kServeWaiting;
        scenario.rooms.push_back(room);
      }
    }
  }

  std::optional<sim::Distribution> distribution(const std::string& pointer) {
    const json& spec = at(pointer);
    const std::string kind = spec.value("dist", "");
    // Every time-valued parameter the kind uses; a missing or malformed one has been reported.
    bool complete = true;
    auto d = [&](const std::string& key) {
      const auto value = quantity(pointer + "/" + key, QuantityKind::kDuration);
      complete = complete && value.has_value();
      return value.value_or(0.0);
    };
    auto n = [&](const char* key) {
      complete = complete && spec.contains(key) && spec[key].is_number();
      return spec.value(key, 0.0);
    };
    std::optional<sim::Distribution> made;
    try {
      if (kind == "deterministic") made = sim::Distribution::deterministic(d("value"));
      if (kind == "exponential") made = sim::Distribution::exponential(d("mean"));
      if (kind == "uniform") made = sim::Distribution::uniform(d("min"), d("max"));
      if (kind == "triangular") made = sim::Distribution::triangular(d("min"), d("mode"), d("max"));
      if (kind == "truncated_normal")
        made = sim::Distribution::truncated_normal(d("mean"), d("sd"));
      if (kind == "lognormal") made = sim::Distribution::lognormal(d("mean"), n("cv"));
      if (kind == "gamma") made = sim::Distribution::gamma(d("mean"), n("cv"));
      if (kind == "erlang") {
        complete = complete && spec.contains("k") && spec["k"].is_number_integer();
        made = sim::Distribution::erlang(spec.value("k", 1), d("mean"));
      }
      if (kind == "weibull") made = sim::Distribution::weibull(n("shape"), d("scale"));
      if (kind == "hyperexponential")
        made = sim::Distribution::hyperexponential(d("mean"), n("cv"));
      if (kind == "empirical") {
        std::vector<double> values;
        for (std::size_t i = 0; i < spec.value("values", json::array()).size(); ++i) {
          values.push_back(d(fmt::format("values/{}", i)));
        }
        complete = complete && spec.contains("weights") && spec["weights"].is_array();
        made = sim::Distribution::empirical(values, spec.value("weights", std::vector<double>{}));
      }
    } catch (const sim::InvalidParameter& e) {
      // A parameter's own problem (missing, malformed, or out of the schema's range) explains it.
      if (complete && !reported_under(pointer)) error(pointer, e.what());
    }
    return complete ? made : std::nullopt;
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
      for (const char* part : {"eligible", "escalation", "travel"}) {
        if (spec.contains(part)) {
          error(base + "/" + part, fmt::format("{} is part of the scenario language but not "
                                               "simulated yet; remove it to run this scenario",
                                               part));
        }
      }
      const std::string channel = spec.value("channel", "centre_room");
      if (channel != "centre_room") {
        error(base + "/channel",
              fmt::format("channel '{}' is not simulated yet (expected centre_room)", channel));
      }
      resolve_room(scenario, spec, base, service);
      read_demand(spec, base, service);
      if (spec.contains("duration")) {
        if (auto d = distribution(base + "/duration")) service.duration = *d;
      } else {
        error(base, "missing required key 'duration' (expected a distribution)");
      }
      if (spec.contains("patience")) service.patience = distribution(base + "/patience");
      if (spec.contains("priority")) {
        if (spec["priority"].is_number_integer()) {
          service.priority = spec["priority"].get<int>();
        } else {
          error(base + "/priority",
                "priority by group needs population groups, which are not simulated yet "
                "(expected one integer)");
        }
      }
      scenario.services.push_back(std::move(service));
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
    if (spec.contains("shocks") && !spec["shocks"].empty()) {
      error(pointer + "/shocks", "demand shocks are not simulated yet; remove them to run");
      ok = false;
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
    if (service.profile && (service.profile->daily != profile->daily ||
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

  const YamlDocument& doc_;
  Diagnostics& diagnostics_;
  std::map<std::string, Profile> profiles_;
};

}  // namespace

std::optional<std::vector<ScenarioRun>> load_scenario_runs(const std::string& path,
                                                           const LoadOptions& options,
                                                           Diagnostics& diagnostics) {
  const std::optional<YamlDocument> composed = load_composed(path, diagnostics);
  if (!composed) return std::nullopt;
  // The file as written (variants and sweep included) against the schema, then every run that
  // differs from it (a plain file is checked once: on a city-sized file that halves the time).
  check_against_schema(*composed, diagnostics);
  check_semantics(*composed, diagnostics);  // the sweep's keys are checked here, before expansion
  const bool runs_differ = composed->value.contains("variants") ||
                           composed->value.contains("sweep") || !options.overrides.empty();
  std::vector<ScenarioRun> runs;
  for (ComposedRun& run :
       expand_runs(*composed, options.variant, options.all_variants, diagnostics)) {
    for (const std::string& override_text : options.overrides) {
      apply_override(run.document, override_text, diagnostics);
    }
    YamlDocument* document = &run.document;
    if (runs_differ) check_against_schema(*document, diagnostics);
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
