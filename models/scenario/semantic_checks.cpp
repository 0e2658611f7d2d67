#include "models/scenario/semantic_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scenario/embedded_schema.hpp"
#include "models/scenario/plausibility.hpp"
#include "models/scenario/red_station_reader.hpp"
#include "models/scenario/schema_check.hpp"
#include "models/scenario/units.hpp"

namespace circlesim::scenario {
namespace {

using nlohmann::json;

// Beyond these a number is much more likely a typo or a unit mistake than a plan; the schema
// cannot say so because its bounds for quantities with units would be bounds on strings.
constexpr double kMinutesPerDay = 24.0 * 60.0;
constexpr double kMaxHorizonDays = 3653.0;  // ten years, leap days included
// Shares are read from decimal text: 0.1 + 0.2 must not count as more than 0.3.
constexpr double kShareTolerance = 1e-9;
// Lists of known names in messages stop here: a city may have thousands of communities.
constexpr std::size_t kMaxListedNames = 20;

const std::vector<std::string>& built_in_day_types() {
  static const std::vector<std::string> names = {"weekday", "saturday", "sunday", "holiday"};
  return names;
}

// ---------------------------------------------------------------------------------------------
// Reading a document that may be malformed: every accessor returns nothing for a value of the
// wrong type instead of throwing.

const json* member(const json* node, const std::string& key) {
  if (node == nullptr || !node->is_object()) return nullptr;
  const auto found = node->find(key);
  return found == node->end() ? nullptr : &*found;
}

const json* array_member(const json* node, const std::string& key) {
  const json* value = member(node, key);
  return value != nullptr && value->is_array() ? value : nullptr;
}

const json* object_member(const json* node, const std::string& key) {
  const json* value = member(node, key);
  return value != nullptr && value->is_object() ? value : nullptr;
}

std::optional<std::string> text_of(const json* node) {
  if (node == nullptr || !node->is_string()) return std::nullopt;
  return node->get<std::string>();
}

std::optional<double> number_of(const json* node) {
  if (node == nullptr || !node->is_number()) return std::nullopt;
  return node->get<double>();
}

std::optional<std::int64_t> integer_of(const json* node) {
  if (node == nullptr || !node->is_number_integer()) return std::nullopt;
  return node->get<std::int64_t>();
}

// A share the schema accepts (a number from 0 to 1); anything else it reports itself.
std::optional<double> share_of(const json* node) {
  const std::optional<double> value = number_of(node);
  if (!value || !(*value >= 0.0 && *value <= 1.0)) return std::nullopt;
  return value;
}

std::string child_pointer(const std::string& pointer, std::string_view key) {
  return pointer + "/" + escape_pointer_token(key);
}

std::string child_pointer(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

// Computed numbers in messages: 0.6 + 0.7 - 1 is shown as 0.3, not 0.29999999999999993.
std::string show(double value) { return fmt::format("{:.6g}", value); }

std::string list_names(const std::vector<std::string>& names) {
  if (names.size() <= kMaxListedNames) return fmt::format("{}", fmt::join(names, ", "));
  const std::vector<std::string> first(
      names.begin(), names.begin() + static_cast<std::ptrdiff_t>(kMaxListedNames));
  return fmt::format("{}, ... ({} in all)", fmt::join(first, ", "), names.size());
}

// ---------------------------------------------------------------------------------------------
// Calendar dates and clock times.

struct Date {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
};

// "2026-01-05" -> its parts; nothing unless the text has the schema's YYYY-MM-DD form.
std::optional<Date> date_parts(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int digits[8] = {};
  std::size_t next = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    digits[next++] = text[i] - '0';
  }
  Date date;
  date.year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  date.month = static_cast<unsigned>(digits[4] * 10 + digits[5]);
  date.day = static_cast<unsigned>(digits[6] * 10 + digits[7]);
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return std::nullopt;
  return date;
}

std::chrono::year_month_day to_ymd(const Date& date) {
  return std::chrono::year_month_day{std::chrono::year{date.year}, std::chrono::month{date.month},
                                     std::chrono::day{date.day}};
}

const char* month_name(unsigned month) {
  static const std::array<const char*, 12> names = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

unsigned days_in_month(const Date& date) {
  const std::chrono::year_month_day_last last{
      std::chrono::year{date.year}, std::chrono::month_day_last{std::chrono::month{date.month}}};
  return static_cast<unsigned>(last.day());
}

// 0 = Monday ... 6 = Sunday, the order of run.start.weekday's values.
unsigned weekday_index(const Date& date) {
  return std::chrono::weekday{std::chrono::sys_days{to_ymd(date)}}.iso_encoding() - 1;
}

const std::array<const char*, 7> kWeekdayNames = {"monday", "tuesday",  "wednesday", "thursday",
                                                  "friday", "saturday", "sunday"};

std::string capitalised(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') {
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  }
  return text;
}

long day_number(const Date& date) {
  return static_cast<long>(std::chrono::sys_days{to_ymd(date)}.time_since_epoch().count());
}

// "08:30-12:00" -> minutes since midnight of both ends; nothing unless both are clock times.
std::optional<std::pair<double, double>> parse_interval(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::optional<double> from = parse_clock_time(text.substr(0, dash));
  const std::optional<double> to = parse_clock_time(text.substr(dash + 1));
  if (!from || !to) return std::nullopt;
  return std::make_pair(*from, *to);
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

// ---------------------------------------------------------------------------------------------
// The schema, for sweep key paths.

const json& schema_json() {
  static const json schema = json::parse(embedded_schema());
  return schema;
}

const json& resolve_reference(const json& node) {
  const json* current = &node;
  for (int depth = 0; depth < 16 && current->is_object(); ++depth) {
    const std::optional<std::string> ref = text_of(member(current, "$ref"));
    if (!ref || ref->rfind("#/", 0) != 0) break;
    const json::json_pointer target(ref->substr(1));
    if (!schema_json().contains(target)) break;
    current = &schema_json().at(target);
  }
  return *current;
}

// The schema node and every branch of its combinators: a key listed in any of them exists.
void expand_schema(const json& node, std::vector<const json*>& out, int depth = 0) {
  const json& resolved = resolve_reference(node);
  if (depth > 8 || !resolved.is_object()) return;
  out.push_back(&resolved);
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    if (const json* branches = array_member(&resolved, combinator)) {
      for (const json& branch : *branches) expand_schema(branch, out, depth + 1);
    }
  }
}

// Why `key_path` names nothing a scenario can hold, or "" when it names something. List items
// may be named by index, id or (rooms) type: which item exists is the composition's to check.
std::string key_path_problem(const std::string& key_path) {
  const std::vector<std::string> tokens = split_key_path(key_path);
  static const std::set<std::string> kNotSweepable = {"extends", "variants", "sweep"};
  if (kNotSweepable.count(tokens.front()) > 0) {
    return fmt::format(
        "a sweep cannot change '{}' (expected a key path into the scenario, such as run.seed)",
        tokens.front());
  }
  std::vector<const json*> nodes;
  expand_schema(schema_json(), nodes);
  std::string walked;
  for (const std::string& token : tokens) {
    std::vector<const json*> next;
    std::set<std::string> known;
    bool free_form = false;
    for (const json* node : nodes) {
      const json* properties = object_member(node, "properties");
      if (const json* child = member(properties, token)) {
        expand_schema(*child, next);
      } else if (const json* items = object_member(node, "items")) {
        expand_schema(*items, next);
      } else if (const json* values = object_member(node, "additionalProperties")) {
        expand_schema(*values, next);
      } else if (properties == nullptr && text_of(member(node, "type")) == "object" &&
                 member(node, "additionalProperties") == nullptr) {
        free_form = true;  // e.g. a policy's parameters, which the schema leaves open
      }
      if (properties != nullptr) {
        for (const auto& [name, unused] : properties->items()) known.insert(name);
      }
    }
    if (next.empty()) {
      if (free_form) return "";
      const std::string where = walked.empty() ? "the scenario" : fmt::format("'{}'", walked);
      if (known.empty()) {
        return fmt::format(
            "{} is a single value, it has no '{}' (expected a key path that ends "
            "at {})",
            where, token, walked);
      }
      const std::vector<std::string> names(known.begin(), known.end());
      const std::string suggestion = closest_name(token, names);
      return fmt::format("{} has no key '{}'{} (expected one of: {})", where, token,
                         suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion),
                         list_names(names));
    }
    nodes = std::move(next);
    walked += (walked.empty() ? "" : ".") + token;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------

// Ids of one kind, in order of appearance, each with the pointer of its first occurrence.
class Names {
 public:
  // The pointer of the first occurrence if `id` is already there; else records it.
  std::optional<std::string> add(const std::string& id, const std::string& pointer) {
    const auto [found, inserted] = first_.emplace(id, pointer);
    if (!inserted) return found->second;
    order_.push_back(id);
    return std::nullopt;
  }
  [[nodiscard]] bool contains(const std::string& id) const { return first_.count(id) > 0; }
  [[nodiscard]] const std::vector<std::string>& list() const { return order_; }
  [[nodiscard]] bool empty() const { return order_.empty(); }

 private:
  std::map<std::string, std::string> first_;
  std::vector<std::string> order_;
};

struct FacilityKind {
  const char* key;       // under facilities
  const char* singular;  // in messages
  const char* plural;
  const char* area;  // the geography it belongs to: community, street or district
};

constexpr std::array<FacilityKind, 5> kFacilityKinds = {{
    {"community_centres", "community centre", "community centres", "community"},
    {"neighbourhood_centres", "neighbourhood centre", "neighbourhood centres", "community"},
    {"red_stations", "red station", "red stations", "street"},
    {"street_offices", "street office", "street offices", "street"},
    {"district_departments", "district department", "district departments", "district"},
}};

const FacilityKind* facility_kind(std::string_view key) {
  for (const FacilityKind& kind : kFacilityKinds) {
    if (key == kind.key) return &kind;
  }
  return nullptr;
}

// A recurring window of a day (a shift, an availability window, a profile window) that passed
// its own checks, kept to compare with its neighbours.
struct Window {
  double from = 0;
  double to = 0;
  std::optional<std::set<std::string>> days;  // none: every day type
  std::string text;                           // "08:30-12:00"
  std::string pointer;
};

// The day types two windows share: "" if none, "every day type" when neither names any.
std::string common_days(const Window& a, const Window& b) {
  if (!a.days && !b.days) return "every day type";
  if (!a.days || !b.days) {
    const std::set<std::string>& named = a.days ? *a.days : *b.days;
    return fmt::format("{}", fmt::join(named, ", "));
  }
  std::vector<std::string> both;
  std::set_intersection(a.days->begin(), a.days->end(), b.days->begin(), b.days->end(),
                        std::back_inserter(both));
  return fmt::format("{}", fmt::join(both, ", "));
}

class SemanticChecker {
 public:
  SemanticChecker(const YamlDocument& document, Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics), root_(&document.value) {}

  void check() {
    if (!root_->is_object()) return;  // the YAML reader and the schema check say why
    // Names first: references anywhere may point at any part of the file.
    collect_day_types();
    collect_city();
    collect_groups();
    collect_services();
    collect_profiles();
    collect_facilities();

    check_run();
    check_calendar();
    check_population();
    check_profiles();
    check_facilities();
    check_services();
    check_grid_members();
    check_care_visits();
    check_sweep();
  }

 private:
  // --- reporting ------------------------------------------------------------------------------

  void error(const std::string& pointer, std::string message) {
    diagnostics_.add(document_.locations.find(pointer), pointer_to_key_path(pointer),
                     std::move(message));
  }

  // For a mapping key that is itself the problem (an unknown group in `priority`).
  void key_error(const std::string& pointer, std::string message) {
    diagnostics_.add(document_.locations.find_key(pointer), pointer_to_key_path(pointer),
                     std::move(message));
  }

  // "line 12", or "base.yaml:12" when the first occurrence came from another file (extends).
  [[nodiscard]] std::string line_of(const std::string& pointer, const std::string& here) const {
    const SourceLocation first = document_.locations.find(pointer);
    if (first.line == 0) return pointer_to_key_path(pointer);
    if (first.file != document_.locations.find(here).file) {
      return fmt::format("{}:{}", first.file, first.line);
    }
    return fmt::format("line {}", first.line);
  }

  void report_duplicate(const std::string& what, const std::string& id,
                        const std::string& first_pointer, const std::string& pointer,
                        const std::string& expected) {
    error(pointer, fmt::format("duplicate id '{}' among {} (first at {}; expected {})", id, what,
                               line_of(first_pointer, pointer), expected));
  }

  static std::string unknown_name(std::string_view what, const std::string& name,
                                  const std::vector<std::string>& known,
                                  std::string_view where_defined) {
    std::string message = fmt::format("unknown {} '{}'", what, name);
    const std::string suggestion = closest_name(name, known);
    if (!suggestion.empty()) message += fmt::format("; did you mean '{}'?", suggestion);
    if (known.empty()) {
      message +=
          fmt::format(" (expected a {} defined in {}, and there is none)", what, where_defined);
    } else {
      message += fmt::format(" (expected one of: {})", list_names(known));
    }
    return message;
  }

  // --- names ----------------------------------------------------------------------------------

  void collect_day_types() {
    day_types_ = built_in_day_types();
    const json* custom = object_member(object_member(root_, "calendar"), "day_types");
    if (custom == nullptr) return;
    for (const auto& [name, unused] : custom->items()) {
      const std::string pointer = child_pointer("/calendar/day_types", name);
      if (std::find(built_in_day_types().begin(), built_in_day_types().end(), name) !=
          built_in_day_types().end()) {
        key_error(pointer, fmt::format("'{}' is a built-in day type (expected a new name for a "
                                       "custom day type)",
                                       name));
        continue;
      }
      day_types_.push_back(name);
    }
  }

  void collect_city() {
    const json* city = object_member(root_, "city");
    has_city_ = city != nullptr;
    const json* districts = array_member(city, "districts");
    inline_city_ = districts != nullptr;
    if (districts == nullptr) return;
    const std::string city_wide = "each id once in the city";
    for (std::size_t d = 0; d < districts->size(); ++d) {
      const json* district = &(*districts)[d];
      const std::string pointer = child_pointer("/city/districts", d);
      add_name(districts_, "districts", member(district, "id"), pointer + "/id", city_wide);
      const json* streets = array_member(district, "streets");
      if (streets == nullptr) continue;
      for (std::size_t s = 0; s < streets->size(); ++s) {
        const json* street = &(*streets)[s];
        const std::string street_pointer = child_pointer(pointer + "/streets", s);
        add_name(streets_, "streets", member(street, "id"), street_pointer + "/id", city_wide);
        const json* communities = array_member(street, "communities");
        if (communities == nullptr) continue;
        for (std::size_t c = 0; c < communities->size(); ++c) {
          const json* community = &(*communities)[c];
          const std::string community_pointer = child_pointer(street_pointer + "/communities", c);
          add_name(communities_, "communities", member(community, "id"), community_pointer + "/id",
                   city_wide);
          const json* grids = array_member(community, "grids");
          if (grids == nullptr) continue;
          for (std::size_t g = 0; g < grids->size(); ++g) {
            add_name(grids_, "grids", member(&(*grids)[g], "id"),
                     child_pointer(community_pointer + "/grids", g) + "/id", city_wide);
          }
        }
      }
    }
  }

  void add_name(Names& names, const std::string& what, const json* id, const std::string& pointer,
                const std::string& expected) {
    const std::optional<std::string> name = text_of(id);
    if (!name) return;
    if (const auto first = names.add(*name, pointer)) {
      report_duplicate(what, *name, *first, pointer, expected);
    }
  }

  void collect_groups() {
    const json* population = object_member(root_, "population");
    const json* groups = array_member(population, "groups");
    if (groups == nullptr) return;
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const std::string pointer = child_pointer("/population/groups", g) + "/id";
      const std::optional<std::string> id = text_of(member(&(*groups)[g], "id"));
      if (!id) continue;
      if (*id == "general") {
        error(pointer,
              "'general' is predefined as every resident, with share 1 (expected "
              "another id for a group of residents)");
        continue;
      }
      add_name(groups_, "population groups", member(&(*groups)[g], "id"), pointer,
               "each group id once");
      if (!group_index_.count(*id)) group_index_[*id] = g;
    }
  }

  void collect_services() {
    const json* services = array_member(root_, "services");
    if (services == nullptr) return;
    for (std::size_t s = 0; s < services->size(); ++s) {
      add_name(services_, "services", member(&(*services)[s], "id"),
               child_pointer("/services", s) + "/id", "each service id once");
    }
  }

  void collect_profiles() {
    const json* profiles = array_member(root_, "profiles");
    if (profiles == nullptr) return;
    for (std::size_t p = 0; p < profiles->size(); ++p) {
      add_name(profiles_, "profiles", member(&(*profiles)[p], "id"),
               child_pointer("/profiles", p) + "/id", "each profile id once");
    }
  }

  void collect_facilities() {
    const json* facilities = object_member(root_, "facilities");
    for (const FacilityKind& kind : kFacilityKinds) {
      const json* list = array_member(facilities, kind.key);
      if (list == nullptr) continue;
      facility_count_[kind.key] += list->size();
      for (std::size_t f = 0; f < list->size(); ++f) {
        const json* facility = &(*list)[f];
        const std::string pointer = child_pointer(std::string("/facilities/") + kind.key, f);
        const std::optional<std::string> id = text_of(member(facility, "id"));
        if (id) {
          if (const auto first = facility_ids_.add(*id, pointer + "/id")) {
            error(pointer + "/id",
                  fmt::format("duplicate id '{}' among facilities (first at {}, a {}; expected "
                              "each facility id once, across all kinds of facility)",
                              *id, line_of(*first, pointer + "/id"), facility_kind_of_[*id]));
          } else {
            facility_kind_of_[*id] = kind.singular;
          }
        }
        if (std::string_view(kind.key) == "red_stations") collect_station_places(facility);
        const json* rooms = array_member(facility, "rooms");
        if (rooms == nullptr) continue;
        Names types_here;
        for (std::size_t r = 0; r < rooms->size(); ++r) {
          const std::string room_pointer = child_pointer(pointer + "/rooms", r) + "/type";
          const std::optional<std::string> type = text_of(member(&(*rooms)[r], "type"));
          if (!type) continue;
          if (const auto first = types_here.add(*type, room_pointer)) {
            error(
                room_pointer,
                fmt::format("duplicate room type '{}' in {} '{}' (first at {}; expected each "
                            "room type once per facility: give that room more staff instead)",
                            *type, kind.singular, id.value_or("?"), line_of(*first, room_pointer)));
          }
          std::vector<std::string>& known = room_types_[kind.key];
          if (std::find(known.begin(), known.end(), *type) == known.end()) known.push_back(*type);
        }
      }
    }
    collect_generated_facilities(facilities);
  }

  // A red station's own seats, chargers and lockers (the schema's defaults when not given) are
  // room types of the red stations, if it has any.
  void collect_station_places(const json* station) {
    std::vector<std::string>& known = room_types_["red_stations"];
    for (const StationPlace& place : kStationPlaces) {
      const double count = number_of(member(station, place.key)).value_or(place.default_count);
      if (count <= 0) continue;
      if (std::find(known.begin(), known.end(), place.key) == known.end()) {
        known.emplace_back(place.key);
      }
    }
  }

  // Rules of facilities.generate make facilities of their kind with their rooms (how many is
  // known only with the city: at least one).
  void collect_generated_facilities(const json* facilities) {
    const json* rules = array_member(facilities, "generate");
    if (rules == nullptr) return;
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json* rule = &(*rules)[i];
      const std::optional<std::string> kind_name = text_of(member(rule, "kind"));
      if (!kind_name) continue;
      const FacilityKind* kind = facility_kind(*kind_name + "s");
      if (kind == nullptr) continue;  // the schema's enum says so
      facility_count_[kind->key] += 1;
      if (std::string_view(kind->key) == "red_stations") collect_station_places(rule);
      const json* rooms = array_member(rule, "rooms");
      if (rooms == nullptr) continue;
      for (std::size_t r = 0; r < rooms->size(); ++r) {
        const std::optional<std::string> type = text_of(member(&(*rooms)[r], "type"));
        if (!type) continue;
        std::vector<std::string>& known = room_types_[kind->key];
        if (std::find(known.begin(), known.end(), *type) == known.end()) known.push_back(*type);
      }
    }
  }

  // --- run and calendar -----------------------------------------------------------------------

  // The date at `pointer` if it is a real one; a well-formed but impossible date is reported.
  std::optional<Date> real_date(const std::string& pointer) {
    const std::optional<std::string> text = text_of(at(pointer));
    if (!text) return std::nullopt;
    const std::optional<Date> date = date_parts(*text);
    if (!date) return std::nullopt;  // not YYYY-MM-DD: the schema's pattern reports it
    if (!to_ymd(*date).ok()) {
      error(pointer, fmt::format("{} is not a date: {} {} has {} days (expected a real calendar "
                                 "date, YYYY-MM-DD)",
                                 *text, month_name(date->month), date->year, days_in_month(*date)));
      return std::nullopt;
    }
    return date;
  }

  const json* at(const std::string& pointer) const {
    const json::json_pointer target(pointer);
    return root_->contains(target) ? &root_->at(target) : nullptr;
  }

  void check_too_long(const std::string& pointer, const char* what) {
    const std::optional<std::string> text = text_of(at(pointer));
    if (!text) return;
    const QuantityResult length = parse_quantity(*text, QuantityKind::kDuration);
    if (!length.quantity) return;
    if (length.quantity->value > kMaxHorizonDays * kMinutesPerDay) {
      error(pointer, fmt::format("{} {} is longer than 10 years (expected at most {}d; a "
                                 "simulation this long is most likely a unit mistake)",
                                 what, trimmed(*text), show(kMaxHorizonDays)));
    }
  }

  void check_run() {
    check_too_long("/run/horizon", "a horizon of");
    check_too_long("/run/warmup", "a warm-up of");
    const json* start = object_member(object_member(root_, "run"), "start");
    if (start == nullptr) return;
    std::optional<Date> date;
    std::string date_text = "2026-01-05";  // the schema's default
    if (member(start, "date") != nullptr) {
      date = real_date("/run/start/date");
      if (date) date_text = *text_of(member(start, "date"));
    } else {
      date = date_parts(date_text);
    }
    const std::optional<std::string> weekday = text_of(member(start, "weekday"));
    if (!date || !weekday) return;
    const auto known = std::find(kWeekdayNames.begin(), kWeekdayNames.end(), *weekday);
    if (known == kWeekdayNames.end()) return;  // not a weekday name: the schema's enum says so
    const std::string actual = kWeekdayNames[weekday_index(*date)];
    if (actual != *weekday) {
      error("/run/start/weekday",
            fmt::format("{}{} is a {}, not a {} (expected weekday: {}, or leave weekday out)",
                        date_text, member(start, "date") == nullptr ? " (the default date)" : "",
                        capitalised(actual), capitalised(*weekday), actual));
    }
  }

  void check_calendar() {
    const json* calendar = object_member(root_, "calendar");
    if (calendar == nullptr) return;
    for (const char* list : {"holidays", "workdays"}) {
      const json* dates = array_member(calendar, list);
      if (dates == nullptr) continue;
      for (std::size_t i = 0; i < dates->size(); ++i) {
        const std::string pointer = child_pointer(std::string("/calendar/") + list, i);
        const std::optional<Date> date = real_date(pointer);
        if (!date || std::string_view(list) != "workdays") continue;
        const unsigned weekday = weekday_index(*date);
        if (weekday < 5) {
          error(pointer, fmt::format("{} is a {}, already a working day (expected a Saturday or "
                                     "Sunday that is worked as a weekday)",
                                     *text_of(&(*dates)[i]), capitalised(kWeekdayNames[weekday])));
        }
      }
    }
    const json* custom = object_member(calendar, "day_types");
    if (custom == nullptr) return;
    std::map<std::string, std::pair<std::string, std::string>> seen;  // date -> type, pointer
    for (const auto& [name, type] : custom->items()) {
      const std::string base = child_pointer("/calendar/day_types", name) + "/dates";
      const json* dates = array_member(&type, "dates");
      if (dates == nullptr) continue;
      for (std::size_t i = 0; i < dates->size(); ++i) {
        const std::string pointer = child_pointer(base, i);
        if (!real_date(pointer)) continue;
        const std::string date = *text_of(&(*dates)[i]);
        const auto [first, inserted] = seen.emplace(date, std::make_pair(name, pointer));
        if (!inserted && first->second.first != name) {
          error(pointer,
                fmt::format("{} is already of day type '{}' (first at {}; expected each "
                            "date in at most one custom day type)",
                            date, first->second.first, line_of(first->second.second, pointer)));
        }
      }
    }
  }

  // A day type used as a value (shift days) or as a mapping key (opening hours).
  void check_day_type(const std::string& name, const std::string& pointer, bool is_key) {
    if (std::find(day_types_.begin(), day_types_.end(), name) != day_types_.end()) return;
    const std::string message = unknown_name("day type", name, day_types_, "calendar.day_types");
    if (is_key) {
      key_error(pointer, message);
    } else {
      error(pointer, message);
    }
  }

  // --- geography ------------------------------------------------------------------------------

  Names* area_names(std::string_view area) {
    if (area == "district") return &districts_;
    if (area == "street") return &streets_;
    if (area == "community") return &communities_;
    if (area == "grid") return &grids_;
    return nullptr;
  }

  // The reference of a facility or a team of grid members to its place in the city.
  void check_area_reference(const std::string& pointer, const std::string& area) {
    const std::string ref_pointer = pointer + "/" + area;
    const std::optional<std::string> name = text_of(at(ref_pointer));
    if (!name) return;
    if (!has_city_) {
      error(ref_pointer, fmt::format("{} '{}' cannot be found: the scenario has no city (expected "
                                     "a city that defines it, or no {})",
                                     area, *name, area));
      return;
    }
    // A city from tables or generated is known only once it is built.
    if (!inline_city_) return;
    const Names* names = area_names(area);
    if (names == nullptr || names->contains(*name)) return;
    error(ref_pointer, unknown_name(area, *name, names->list(), "the city"));
  }

  void check_city_populations() {
    const json* districts = array_member(object_member(root_, "city"), "districts");
    if (districts == nullptr) return;
    for (std::size_t d = 0; d < districts->size(); ++d) {
      const json* district = &(*districts)[d];
      const std::optional<std::int64_t> stated = integer_of(member(district, "population"));
      if (!stated) continue;
      std::int64_t sum = 0;
      bool complete = true;
      const json* streets = array_member(district, "streets");
      if (streets == nullptr) continue;
      for (const json& street : *streets) {
        const json* communities = array_member(&street, "communities");
        if (communities == nullptr) {
          complete = false;
          continue;
        }
        for (const json& community : *communities) {
          const std::optional<std::int64_t> population =
              integer_of(member(&community, "population"));
          complete = complete && population.has_value();
          sum += population.value_or(0);
        }
      }
      if (complete && sum != *stated) {
        error(child_pointer("/city/districts", d) + "/population",
              fmt::format("the district's population {} differs from the sum over its "
                          "communities, {} (expected {}, or leave population out)",
                          *stated, sum, sum));
      }
    }
  }

  // --- population -----------------------------------------------------------------------------

  // A group named where residents are concerned: demand, eligibility, priority, overlaps.
  // Decision: a group is `general` or an id of population.groups. The well-known ids listed in
  // the schema (elderly_60_plus, ...) are not defined implicitly, because a group is nothing
  // without its share, and only population.groups gives one; so without a population section
  // only `general` can be named.
  void check_group(const std::string& name, const std::string& pointer, bool is_key) {
    if (name == "general" || groups_.contains(name)) return;
    std::vector<std::string> known = {"general"};
    known.insert(known.end(), groups_.list().begin(), groups_.list().end());
    std::string message = fmt::format("unknown group '{}'", name);
    const std::string suggestion = closest_name(name, known);
    if (!suggestion.empty()) message += fmt::format("; did you mean '{}'?", suggestion);
    if (groups_.empty()) {
      message +=
          " (expected general: other groups must be defined with their share in "
          "population.groups, and this scenario defines none)";
    } else {
      message += fmt::format(" (expected general or a group of population.groups: {})",
                             list_names(groups_.list()));
    }
    if (is_key) {
      key_error(pointer, message);
    } else {
      error(pointer, message);
    }
  }

  std::optional<double> group_share(const std::string& id) const {
    if (id == "general") return 1.0;
    const auto found = group_index_.find(id);
    if (found == group_index_.end()) return std::nullopt;
    const json* groups = array_member(object_member(root_, "population"), "groups");
    return share_of(member(&(*groups)[found->second], "share"));
  }

  void check_population() {
    check_city_populations();
    const json* groups = array_member(object_member(root_, "population"), "groups");
    if (groups == nullptr) return;
    std::map<std::string, std::string> parent;  // group -> the group it is a subset of
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const json* group = &(*groups)[g];
      const std::string pointer = child_pointer("/population/groups", g);
      const std::optional<std::string> id = text_of(member(group, "id"));
      const std::optional<std::string> superset = text_of(member(group, "subset_of"));
      if (superset) {
        if (id && *superset == *id) {
          error(
              pointer + "/subset_of",
              fmt::format("group '{}' cannot be a subset of itself (expected another group)", *id));
        } else if (*superset != "general" && !groups_.contains(*superset)) {
          check_group(*superset, pointer + "/subset_of", false);
        } else if (id && group_index_.count(*id) && group_index_.at(*id) == g) {
          parent[*id] = *superset;
        }
      }
      check_shares_by_areas(group, pointer);
    }
    const std::set<std::string> in_cycles = check_subset_cycles(parent);
    for (const auto& [child, superset] : parent) {
      // In a cycle every share would have to be at most every other: the cycle says it all.
      if (in_cycles.count(child) == 0) check_subset_shares(child, superset);
    }
    check_overlaps(groups, parent);
  }

  void check_shares_by_areas(const json* group, const std::string& pointer) {
    const json* shares_by = object_member(group, "shares_by");
    if (shares_by == nullptr) return;
    for (const char* area : {"district", "community", "grid"}) {
      const json* shares = object_member(shares_by, area);
      if (shares == nullptr) continue;
      for (const auto& [name, unused] : shares->items()) {
        const std::string key_pointer = child_pointer(pointer + "/shares_by/" + area, name);
        if (!has_city_) {
          key_error(key_pointer,
                    fmt::format("{} '{}' cannot be found: the scenario has no city (expected a "
                                "city that defines it, or no shares_by)",
                                area, name));
        } else if (inline_city_ && !area_names(area)->contains(name)) {
          key_error(key_pointer, unknown_name(area, name, area_names(area)->list(), "the city"));
        }
      }
    }
  }

  // Reports each cycle of subset_of once; returns the groups in cycles.
  std::set<std::string> check_subset_cycles(const std::map<std::string, std::string>& parent) {
    std::set<std::string> reported;
    for (const auto& [start, unused] : parent) {
      std::vector<std::string> chain = {start};
      std::string current = start;
      while (parent.count(current) && chain.size() <= parent.size()) {
        current = parent.at(current);
        if (current == start) break;
        chain.push_back(current);
      }
      if (current != start || reported.count(start)) continue;
      reported.insert(chain.begin(), chain.end());
      error(child_pointer("/population/groups", group_index_.at(start)) + "/subset_of",
            fmt::format("subset_of forms a cycle: {} -> {} (expected a chain of groups that ends "
                        "in one that is a subset of no other)",
                        fmt::join(chain, " -> "), start));
    }
    return reported;
  }

  void check_subset_shares(const std::string& child, const std::string& superset) {
    if (superset == "general") return;  // everyone is in general: any share fits
    const std::size_t index = group_index_.at(child);
    const std::string pointer = child_pointer("/population/groups", index);
    const std::optional<double> share = group_share(child);
    const std::optional<double> parent_share = group_share(superset);
    if (share && parent_share && *share > *parent_share + kShareTolerance) {
      error(pointer + "/share",
            fmt::format("share {} of group '{}' is larger than the share {} of '{}', which it is "
                        "a subset of (expected at most {})",
                        show(*share), child, show(*parent_share), superset, show(*parent_share)));
    }
    // Shares by area, where both groups give one for the same place.
    const json* groups = array_member(object_member(root_, "population"), "groups");
    const json* child_by = object_member(&(*groups)[index], "shares_by");
    const json* parent_by = object_member(&(*groups)[group_index_.at(superset)], "shares_by");
    if (child_by == nullptr || parent_by == nullptr) return;
    for (const char* area : {"district", "community", "grid"}) {
      const json* mine = object_member(child_by, area);
      const json* theirs = object_member(parent_by, area);
      if (mine == nullptr || theirs == nullptr) continue;
      for (const auto& [name, value] : mine->items()) {
        const std::optional<double> a = share_of(&value);
        const std::optional<double> b = share_of(member(theirs, name));
        if (a && b && *a > *b + kShareTolerance) {
          error(child_pointer(pointer + "/shares_by/" + area, name),
                fmt::format("share {} in {} '{}' is larger than the share {} there of '{}', "
                            "which group '{}' is a subset of (expected at most {})",
                            show(*a), area, name, show(*b), superset, child, show(*b)));
        }
      }
    }
  }

  void check_overlaps(const json* groups, const std::map<std::string, std::string>& parent) {
    // (a, b) -> joint share and where it was given, to compare with (b, a).
    std::map<std::pair<std::string, std::string>, std::pair<double, std::string>> joint;
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const json* group = &(*groups)[g];
      const std::optional<std::string> id = text_of(member(group, "id"));
      const json* overlaps = object_member(group, "overlaps");
      if (!id || overlaps == nullptr) continue;
      const std::string base = child_pointer("/population/groups", g) + "/overlaps";
      for (const auto& [other, value] : overlaps->items()) {
        const std::string pointer = child_pointer(base, other);
        if (other == *id) {
          key_error(pointer, fmt::format("a group's joint share with itself is its own share "
                                         "(expected other group ids than '{}')",
                                         other));
          continue;
        }
        if (other != "general" && !groups_.contains(other)) {
          check_group(other, pointer, true);
          continue;
        }
        const std::optional<double> both = share_of(&value);
        const std::optional<double> mine = group_share(*id);
        const std::optional<double> theirs = group_share(other);
        if (!both || !mine || !theirs) continue;
        check_joint_share(pointer, *id, other, *both, *mine, *theirs, parent);
        const auto reverse = joint.find({other, *id});
        if (reverse != joint.end() && std::abs(reverse->second.first - *both) > kShareTolerance) {
          error(pointer, fmt::format("joint share {} of '{}' and '{}' differs from the {} given "
                                     "at {} (expected the same joint share both ways, or give it "
                                     "once)",
                                     show(*both), *id, other, show(reverse->second.first),
                                     line_of(reverse->second.second, pointer)));
        }
        joint[{*id, other}] = {*both, pointer};
      }
    }
  }

  void check_joint_share(const std::string& pointer, const std::string& id,
                         const std::string& other, double both, double mine, double theirs,
                         const std::map<std::string, std::string>& parent) {
    // Whether `a` lies within `b` through a chain of subset_of (cycles are reported elsewhere).
    const auto within = [&](const std::string& a, const std::string& b) {
      std::string current = a;
      for (std::size_t step = 0; step <= parent.size() && parent.count(current); ++step) {
        current = parent.at(current);
        if (current == b) return true;
      }
      return false;
    };
    if (other == "general" || within(id, other) || within(other, id)) {
      const double smaller = std::min(mine, theirs);
      if (std::abs(both - smaller) > kShareTolerance) {
        error(pointer, fmt::format("joint share {} of '{}' and '{}': one lies within the other, "
                                   "so their joint share is the smaller group's share (expected "
                                   "{}, or leave it out)",
                                   show(both), id, other, show(smaller)));
      }
      return;
    }
    const double upper = std::min(mine, theirs);
    const double lower = std::max(0.0, mine + theirs - 1.0);
    if (both > upper + kShareTolerance) {
      error(pointer, fmt::format("joint share {} of '{}' and '{}' is larger than the share {} of "
                                 "'{}' (expected at most {}: residents in both groups are part "
                                 "of each)",
                                 show(both), id, other, show(upper), mine <= theirs ? id : other,
                                 show(upper)));
    } else if (both < lower - kShareTolerance) {
      error(pointer,
            fmt::format("joint share {} of '{}' and '{}' is smaller than {} + {} - 1 = "
                        "{} (expected at least {}: shares this large must overlap)",
                        show(both), id, other, show(mine), show(theirs), show(lower), show(lower)));
    }
  }

  // --- profiles -------------------------------------------------------------------------------

  void check_profiles() {
    const json* profiles = array_member(root_, "profiles");
    if (profiles == nullptr) return;
    for (std::size_t p = 0; p < profiles->size(); ++p) {
      check_rate_profile(child_pointer("/profiles", p));
    }
  }

  void check_rate_profile(const std::string& pointer) {
    const json* profile = at(pointer);
    if (profile == nullptr || !profile->is_object()) return;
    if (const json* daily = array_member(profile, "daily")) check_daily(daily, pointer + "/daily");
    if (const json* day_types = object_member(profile, "day_types")) {
      for (const auto& [name, unused] : day_types->items()) {
        check_day_type(name, child_pointer(pointer + "/day_types", name), true);
      }
    }
    const json* shocks = array_member(profile, "shocks");
    if (shocks == nullptr) return;
    for (std::size_t s = 0; s < shocks->size(); ++s) {
      const std::string shock = child_pointer(pointer + "/shocks", s);
      const std::optional<Date> from = real_date(shock + "/from");
      const std::optional<Date> to = real_date(shock + "/to");
      if (from && to && day_number(*to) < day_number(*from)) {
        error(shock + "/to",
              fmt::format("the shock ends on {}, before it starts on {} (expected "
                          "to on or after from)",
                          *text_of(at(shock + "/to")), *text_of(at(shock + "/from"))));
      }
      if (const json* services = array_member(&(*shocks)[s], "services")) {
        for (std::size_t i = 0; i < services->size(); ++i) {
          const std::optional<std::string> service = text_of(&(*services)[i]);
          if (service && !services_.contains(*service)) {
            error(child_pointer(shock + "/services", i),
                  unknown_name("service", *service, services_.list(), "services"));
          }
        }
      }
    }
  }

  void check_daily(const json* daily, const std::string& pointer) {
    if (daily->empty()) return;  // the schema's minItems says so
    const bool hourly = std::all_of(daily->begin(), daily->end(),
                                    [](const json& value) { return value.is_number(); });
    if (hourly) {
      const bool all_zero =
          std::all_of(daily->begin(), daily->end(), [](const json& value) { return value == 0; });
      if (all_zero && daily->size() == 24) {
        error(pointer,
              "every hourly factor is 0, so the profile makes no demand at all (expected "
              "at least one factor above 0)");
      }
      return;
    }
    std::vector<Window> windows;
    bool any_positive = false;
    bool all_factors = true;
    for (std::size_t w = 0; w < daily->size(); ++w) {
      const json* window = &(*daily)[w];
      const std::optional<double> factor = number_of(member(window, "factor"));
      all_factors = all_factors && factor.has_value();
      any_positive = any_positive || (factor && *factor > 0);
      if (auto parsed = read_window(window, child_pointer(pointer, w), "window")) {
        windows.push_back(std::move(*parsed));
      }
    }
    check_window_overlaps(windows, "overlapping windows", "windows that do not overlap");
    if (all_factors && !any_positive) {
      error(pointer,
            "every window's factor is 0, so the profile makes no demand at all (expected "
            "at least one factor above 0)");
    }
  }

  // --- windows of a day -----------------------------------------------------------------------

  // A {from, to, days} object, with its own problems reported; nothing if it is not usable.
  std::optional<Window> read_window(const json* object, const std::string& pointer,
                                    std::string_view what) {
    const std::optional<std::string> from_text = text_of(member(object, "from"));
    const std::optional<std::string> to_text = text_of(member(object, "to"));
    std::optional<std::set<std::string>> days;
    if (const json* list = array_member(object, "days")) {
      days.emplace();
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::optional<std::string> day = text_of(&(*list)[i]);
        if (!day) continue;
        check_day_type(*day, child_pointer(pointer + "/days", i), false);
        days->insert(*day);
      }
    }
    if (!from_text || !to_text) return std::nullopt;
    const std::optional<double> from = parse_clock_time(*from_text);
    const std::optional<double> to = parse_clock_time(*to_text);
    if (!from || !to) return std::nullopt;  // not HH:MM: the schema's pattern reports it
    const std::string from_shown = trimmed(*from_text);
    const std::string to_shown = trimmed(*to_text);
    if (*to <= *from) {
      error(pointer + "/to",
            *to == *from
                ? fmt::format("the {} starts and ends at {} (expected to after from)", what,
                              from_shown)
                : fmt::format("the {} ends at {}, before it starts at {} (expected to after "
                              "from; a {} across midnight is written as two, one ending at "
                              "24:00 and one starting at 00:00)",
                              what, to_shown, from_shown, what));
      return std::nullopt;
    }
    return Window{*from, *to, std::move(days), from_shown + "-" + to_shown, pointer};
  }

  // Reports each window that overlaps an earlier one on a day type they share.
  void check_window_overlaps(const std::vector<Window>& windows, std::string_view what,
                             std::string_view expected) {
    for (std::size_t j = 1; j < windows.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        const Window& a = windows[i];
        const Window& b = windows[j];
        const std::string shared = common_days(a, b);
        if (shared.empty() || !(a.from < b.to && b.from < a.to)) continue;
        error(b.pointer, fmt::format("{}: {} overlaps {} (at {}) on {} (expected {})", what, b.text,
                                     a.text, line_of(a.pointer, b.pointer), shared, expected));
        break;  // one report per window is enough to find it
      }
    }
  }

  void check_opening_hours(const std::string& pointer) {
    const json* hours = at(pointer);
    if (hours == nullptr || !hours->is_object()) return;
    for (const auto& [day_type, intervals] : hours->items()) {
      const std::string list_pointer = child_pointer(pointer, day_type);
      check_day_type(day_type, list_pointer, true);
      if (!intervals.is_array()) continue;
      std::optional<Window> latest;  // the accepted interval that ends last
      for (std::size_t i = 0; i < intervals.size(); ++i) {
        const std::string item = child_pointer(list_pointer, i);
        const std::optional<std::string> text = text_of(&intervals[i]);
        if (!text) continue;
        const auto span = parse_interval(*text);
        if (!span) continue;  // not HH:MM-HH:MM: the schema's pattern reports it
        const std::string shown = trimmed(*text);
        if (span->second <= span->first) {
          error(item, span->second == span->first
                          ? fmt::format("the interval {} is empty (expected the end after the "
                                        "start)",
                                        shown)
                          : fmt::format("the interval {} ends before it starts (expected the end "
                                        "after the start; an interval across midnight is written "
                                        "as two, one ending at 24:00 and one starting at 00:00)",
                                        shown));
          continue;
        }
        if (latest && span->first < latest->to) {
          error(item,
                span->first < latest->from
                    ? fmt::format("the interval {} comes before {} (at {}) but is listed after it "
                                  "(expected the intervals of a day in time order)",
                                  shown, latest->text, line_of(latest->pointer, item))
                    : fmt::format("the interval {} overlaps {} (at {}) (expected intervals that "
                                  "do not overlap, in time order)",
                                  shown, latest->text, line_of(latest->pointer, item)));
        }
        if (!latest || span->second > latest->to) {
          latest = Window{span->first, span->second, std::nullopt, shown, item};
        }
      }
    }
  }

  // --- facilities -----------------------------------------------------------------------------

  void check_facilities() {
    const json* facilities = object_member(root_, "facilities");
    for (const FacilityKind& kind : kFacilityKinds) {
      const json* list = array_member(facilities, kind.key);
      if (list == nullptr) continue;
      for (std::size_t f = 0; f < list->size(); ++f) {
        const json* facility = &(*list)[f];
        if (!facility->is_object()) continue;
        const std::string pointer = child_pointer(std::string("/facilities/") + kind.key, f);
        if (member(facility, kind.area) == nullptr) {
          if (has_city_) {
            error(pointer, fmt::format("missing required key '{}' (expected the {} the {} belongs "
                                       "to: required when the scenario has a city)",
                                       kind.area, kind.area, kind.singular));
          }
        } else {
          check_area_reference(pointer, kind.area);
        }
        check_opening_hours(pointer + "/opening_hours");
        const json* rooms = array_member(facility, "rooms");
        if (rooms == nullptr) continue;
        for (std::size_t r = 0; r < rooms->size(); ++r) {
          check_room(&(*rooms)[r], child_pointer(pointer + "/rooms", r));
        }
      }
    }
    // A rule's opening hours are those of every facility it makes: checked once, in the rule.
    const json* rules = array_member(facilities, "generate");
    for (std::size_t i = 0; rules != nullptr && i < rules->size(); ++i) {
      check_opening_hours(child_pointer("/facilities/generate", i) + "/opening_hours");
    }
  }

  void check_people(const std::string& pointer, std::string_view what) {
    const std::optional<std::int64_t> count = integer_of(at(pointer));
    if (count && *count > kMaxPeople) {
      error(pointer, fmt::format("{} {} is implausibly many (expected at most {}; is a digit too "
                                 "many?)",
                                 *count, what, kMaxPeople));
    }
  }

  void check_room(const json* room, const std::string& pointer) {
    check_people(pointer + "/staff", "staff in one room");
    const json* staffing = array_member(room, "staffing");
    if (staffing == nullptr) return;
    std::vector<Window> shifts;
    for (std::size_t s = 0; s < staffing->size(); ++s) {
      const std::string shift = child_pointer(pointer + "/staffing", s);
      check_people(shift + "/staff", "staff in one room");
      if (auto window = read_window(&(*staffing)[s], shift, "shift")) {
        shifts.push_back(std::move(*window));
      }
    }
    check_window_overlaps(shifts, "overlapping shifts",
                          "shifts that do not overlap; to have more staff at once, raise staff");
  }

  // --- services -------------------------------------------------------------------------------

  void check_services() {
    const json* services = array_member(root_, "services");
    if (services == nullptr) return;
    for (std::size_t s = 0; s < services->size(); ++s) {
      const json* service = &(*services)[s];
      if (!service->is_object()) continue;
      const std::string pointer = child_pointer("/services", s);
      check_service_room(service, pointer);
      if (const json* eligible = array_member(service, "eligible")) {
        for (std::size_t i = 0; i < eligible->size(); ++i) {
          if (const auto group = text_of(&(*eligible)[i])) {
            check_group(*group, child_pointer(pointer + "/eligible", i), false);
          }
        }
      }
      if (const json* demand = array_member(service, "demand")) {
        for (std::size_t i = 0; i < demand->size(); ++i) {
          check_demand(&(*demand)[i], child_pointer(pointer + "/demand", i));
        }
      }
      if (const json* priority = object_member(service, "priority")) {
        for (const auto& [group, unused] : priority->items()) {
          check_group(group, child_pointer(pointer + "/priority", group), true);
        }
      }
      check_escalation(service, pointer);
    }
  }

  void check_demand(const json* demand, const std::string& pointer) {
    if (const auto group = text_of(member(demand, "group"))) {
      check_group(*group, pointer + "/group", false);
    }
    const json* profile = member(demand, "profile");
    if (const auto name = text_of(profile)) {
      if (!profiles_.contains(*name)) {
        error(pointer + "/profile", unknown_name("profile", *name, profiles_.list(), "profiles"));
      }
    } else if (profile != nullptr && profile->is_object()) {
      check_rate_profile(pointer + "/profile");
    }
    if (const auto rate = text_of(member(demand, "rate"))) {
      const QuantityResult parsed = parse_quantity(*rate, QuantityKind::kRate);
      if (parsed.quantity && parsed.quantity->value > kMaxRatePerMinute) {
        error(pointer + "/rate",
              fmt::format("a rate of {} is more than a million requests per minute (expected a "
                          "plausible rate; check the number and the unit)",
                          trimmed(*rate)));
      }
    }
  }

  // The room of a service, by its channel: which kind of facility serves it, and whether one of
  // them has the room.
  void check_service_room(const json* service, const std::string& pointer) {
    const json* channel_value = member(service, "channel");
    // A missing channel is the schema's to report; read on as the default one, so that a room
    // problem is not hidden behind it.
    const std::string channel =
        text_of(channel_value).value_or(channel_value == nullptr ? "centre_room" : std::string());
    const std::string room_pointer = pointer + "/room";
    const json* room_value = member(service, "room");
    std::optional<std::string> room = text_of(room_value);
    if (channel == "home_visit") {
      if (room_value != nullptr) {
        error(room_pointer,
              "a home_visit service is served at home, not in a room (expected no "
              "room for channel home_visit)");
      }
      return;
    }
    const std::map<std::string, std::string> kinds = {
        {"centre_room", "community_centres"},
        {"neighbourhood_centre", "neighbourhood_centres"},
        {"red_station", "red_stations"},
        {"street_office", "street_offices"}};
    const auto found = kinds.find(channel);
    if (found == kinds.end()) return;  // not a channel: the schema's enum says so
    const FacilityKind& kind = *facility_kind(found->second);
    const bool room_required = channel == "centre_room" || channel == "neighbourhood_centre";
    if (room_value == nullptr && room_required) {
      error(pointer, fmt::format("missing required key 'room' (expected the room type that "
                                 "serves it: required for channel {})",
                                 channel));
      return;
    }
    if (room_value != nullptr && !room) return;  // not a string: the schema says so
    // A red station's default room; a scenario without stations is reported below.
    if (channel == "red_station" && !room) room = "seats";
    const std::vector<std::string>& types = room_types_[kind.key];
    if (facility_count_[kind.key] == 0) {
      error(room_value != nullptr ? room_pointer : pointer,
            fmt::format("channel {} is served in {}, but the scenario has none (expected "
                        "facilities.{}{})",
                        channel, kind.plural, kind.key,
                        room ? fmt::format(" with a room '{}'", *room) : std::string()));
      return;
    }
    if (!room || std::find(types.begin(), types.end(), *room) != types.end()) return;
    const std::string where = room_value != nullptr ? room_pointer : pointer;
    const bool station_place = std::any_of(kStationPlaces.begin(), kStationPlaces.end(),
                                           [&](const StationPlace& p) { return *room == p.key; });
    if (channel == "red_station" && station_place) {
      error(where, fmt::format("no red station has {} (every one has {}: 0{}; expected a red "
                               "station with {} > 0{})",
                               *room, *room,
                               room_value == nullptr ? ", and room defaults to seats" : "", *room,
                               types.empty()
                                   ? std::string()
                                   : fmt::format(", or a room of theirs: {}", list_names(types))));
      return;
    }
    error(where, unknown_room(kind, *room, types));
  }

  static std::string unknown_room(const FacilityKind& kind, const std::string& room,
                                  const std::vector<std::string>& types) {
    const std::string suggestion = closest_name(room, types);
    return fmt::format(
        "no {} has a room '{}'{} (expected {})", kind.singular, room,
        suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion),
        types.empty() ? fmt::format("a room type of the {}, but they list no rooms", kind.plural)
                      : fmt::format("a room type of the {}: {}", kind.plural, list_names(types)));
  }

  void check_escalation(const json* service, const std::string& pointer) {
    const json* escalation = object_member(service, "escalation");
    if (escalation == nullptr) return;
    const std::string base = pointer + "/escalation";
    const json* to_value = member(escalation, "to");
    const std::string to = text_of(to_value).value_or(to_value == nullptr ? "street_office" : "");
    const FacilityKind* kind = to == "street_office"         ? facility_kind("street_offices")
                               : to == "district_department" ? facility_kind("district_departments")
                                                             : nullptr;
    if (kind == nullptr) return;  // not a target: the schema's enum says so
    const std::optional<double> probability = number_of(member(escalation, "probability"));
    if (facility_count_[kind->key] == 0) {
      if (probability && *probability > 0) {
        error(to_value != nullptr ? base + "/to" : base,
              fmt::format("requests are escalated to a {}, but the scenario has none (expected "
                          "facilities.{}, or probability 0)",
                          kind->singular, kind->key));
      }
      return;
    }
    const std::optional<std::string> room = text_of(member(escalation, "room"));
    const std::vector<std::string>& types = room_types_[kind->key];
    if (room && std::find(types.begin(), types.end(), *room) == types.end()) {
      error(base + "/room", unknown_room(*kind, *room, types));
    }
  }

  // --- grid members ---------------------------------------------------------------------------

  void check_grid_members() {
    const json* members = array_member(root_, "grid_members");
    if (members == nullptr) return;
    for (std::size_t m = 0; m < members->size(); ++m) {
      const json* team = &(*members)[m];
      if (!team->is_object()) continue;
      const std::string pointer = child_pointer("/grid_members", m);
      check_area_reference(pointer, "grid");
      check_area_reference(pointer, "community");
      check_people(pointer + "/count", "members in one team");
      if (const json* skills = array_member(team, "skills")) {
        for (std::size_t i = 0; i < skills->size(); ++i) {
          const std::optional<std::string> skill = text_of(&(*skills)[i]);
          if (skill && !services_.contains(*skill)) {
            error(child_pointer(pointer + "/skills", i),
                  unknown_name("service", *skill, services_.list(), "services"));
          }
        }
      }
      const json* availability = array_member(team, "availability");
      if (availability == nullptr) continue;
      std::vector<Window> windows;
      for (std::size_t w = 0; w < availability->size(); ++w) {
        if (auto window = read_window(&(*availability)[w],
                                      child_pointer(pointer + "/availability", w), "window")) {
          windows.push_back(std::move(*window));
        }
      }
      check_window_overlaps(
          windows, "overlapping availability windows",
          "windows that do not overlap; to have more members at once, raise count");
    }
  }

  // A policy naming a service that does not exist would otherwise be dropped without a word.
  void check_care_visits() {
    const json* visits = array_member(object_member(root_, "policies"), "care_visits");
    if (visits == nullptr) return;
    for (std::size_t v = 0; v < visits->size(); ++v) {
      const std::optional<std::string> service = text_of(member(&(*visits)[v], "service"));
      if (service && !services_.contains(*service)) {
        error(child_pointer("/policies/care_visits", v) + "/service",
              unknown_name("service", *service, services_.list(), "services"));
      }
    }
  }

  // --- sweep ----------------------------------------------------------------------------------

  void check_sweep() {
    const json* sweep = object_member(root_, "sweep");
    if (sweep == nullptr) return;
    for (const auto& [key_path, unused] : sweep->items()) {
      // Malformed paths ("run..seed", "Run.Seed") fail the schema's key_path pattern.
      bool well_formed = !key_path.empty();
      for (const std::string& token : split_key_path(key_path)) {
        well_formed = well_formed && !token.empty();
      }
      if (!well_formed) continue;
      const std::string problem = key_path_problem(key_path);
      if (!problem.empty()) key_error(child_pointer("/sweep", key_path), problem);
    }
  }

  const YamlDocument& document_;
  Diagnostics& diagnostics_;
  const json* root_;

  bool has_city_ = false;
  bool inline_city_ = false;
  std::vector<std::string> day_types_;
  Names districts_;
  Names streets_;
  Names communities_;
  Names grids_;
  Names groups_;
  std::map<std::string, std::size_t> group_index_;  // group id -> index of its first entry
  Names services_;
  Names profiles_;
  Names facility_ids_;
  std::map<std::string, std::string> facility_kind_of_;         // facility id -> its kind, singular
  std::map<std::string, std::size_t> facility_count_;           // kind key -> facilities
  std::map<std::string, std::vector<std::string>> room_types_;  // kind key -> room types
};

}  // namespace

void check_semantics(const YamlDocument& document, Diagnostics& diagnostics) {
  try {
    SemanticChecker(document, diagnostics).check();
  } catch (const json::exception& e) {
    // Every read above is guarded, so this is a bug here, not a problem of the file. Say so
    // rather than crash the validation of a file whose other problems are worth seeing.
    diagnostics.add(
        {document.locations.file(), 0, 0}, "",
        fmt::format("internal error in the reference checks: {} (please report it)", e.what()));
  }
}

std::optional<int> weekday_of_date(std::string_view date) {
  const std::optional<Date> parts = date_parts(date);
  if (!parts || parts->day > days_in_month(*parts)) return std::nullopt;
  return static_cast<int>(weekday_index(*parts));
}

std::optional<long> days_between(std::string_view from, std::string_view to) {
  const std::optional<Date> a = date_parts(from);
  const std::optional<Date> b = date_parts(to);
  if (!a || !b || a->day > days_in_month(*a) || b->day > days_in_month(*b)) return std::nullopt;
  return day_number(*b) - day_number(*a);
}

}  // namespace circlesim::scenario
