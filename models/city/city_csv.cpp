// Reads a city from CSV tables (city_csv.hpp). Problems are collected, not thrown, and a row
// that is already wrong (bad field count, bad number, unknown reference) is set aside with its
// id remembered, so that rows referring to it are not reported a second time.
#include "models/city/city_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace circlesim::city {
namespace {

using scenario::Diagnostics;
using scenario::SourceLocation;

struct Field {
  std::string text;
  int line = 0;
  int column = 0;
};

struct Record {
  std::vector<Field> fields;
  int line = 0;
  int end_column = 0;    // just after the record's last character
  bool damaged = false;  // a quoting error, already reported
};

struct TableSpec {
  std::string_view name;  // districts, streets, communities, grids
  std::vector<std::string_view> columns;
  std::vector<std::string_view> required;
};

const TableSpec kDistricts{"districts", {"id", "name"}, {"id"}};
const TableSpec kStreets{"streets", {"id", "name", "district"}, {"id", "district"}};
const TableSpec kCommunities{
    "communities",
    {"id", "name", "street", "population", "households", "x_m", "y_m", "area_km2"},
    {"id", "street", "population", "x_m", "y_m"}};
const TableSpec kGrids{
    "grids", {"id", "community", "population", "households", "x_m", "y_m"}, {"id", "community"}};
const TableSpec kTravelTimes{
    "travel_times", {"grid", "facility", "minutes"}, {"grid", "facility", "minutes"}};

struct Table {
  std::string file;
  std::string key_path;
  bool usable = false;  // read, with every required column
  std::unordered_map<std::string, std::size_t> column;
  std::vector<Record> rows;  // data rows with the header's number of fields
  std::vector<Record> lost;  // rows set aside before their contents were read
  // Ids of rows set aside: references to them are not reported again.
  std::unordered_set<std::string> set_aside;

  // The row's cell in column `name`, or nullptr when the table has no such column.
  [[nodiscard]] const Field* cell(const Record& row, std::string_view name) const {
    const auto it = column.find(std::string(name));
    return it == column.end() ? nullptr : &row.fields[it->second];
  }
  [[nodiscard]] std::string file_name() const {
    return std::filesystem::path(file).filename().string();
  }
};

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (const std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_real(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::int64_t default_households(std::int64_t population) {
  return std::llround(static_cast<double>(population) / kPersonsPerHousehold);
}

// One community row as read, kept for the grid pass.
struct CommunityRow {
  const Record* row = nullptr;
  std::optional<std::int64_t> population;
  std::optional<std::int64_t> households;
};

struct GridRow {
  const Record* row = nullptr;
  std::optional<std::int64_t> population;
  std::optional<std::int64_t> households;
  std::optional<Point> location;
};

class CityCsvReader {
 public:
  explicit CityCsvReader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  std::optional<City> read(const CityCsvPaths& paths, double detour_factor) {
    Table districts = load(paths.districts, kDistricts);
    Table streets = load(paths.streets, kStreets);
    Table communities = load(paths.communities, kCommunities);
    const bool has_grids = !paths.grids.empty();
    Table grids = has_grids ? load(paths.grids, kGrids) : Table{};

    City city;
    city.detour_factor = detour_factor;
    read_districts(districts, city);
    read_streets(streets, districts, city);
    std::vector<CommunityRow> community_rows = read_communities(communities, streets, city);
    if (has_grids) {
      read_grids(grids, communities, community_rows, city);
    } else {
      one_grid_per_community(communities, community_rows, city);
    }
    if (failed_) return std::nullopt;
    for (std::string& problem : check_city(city)) {
      diagnostics_.add(SourceLocation{}, "city", std::move(problem));
      failed_ = true;
    }
    if (failed_) return std::nullopt;
    return city;
  }

  std::optional<std::vector<TravelTime>> read_travel_times(const std::string& path,
                                                           const IdIndex& grids,
                                                           const IdIndex& facilities,
                                                           std::string_view key_path) {
    const Table table = load(path, kTravelTimes, key_path);
    if (!table.usable) return std::nullopt;
    const std::size_t grid_column = table.column.at("grid");
    const std::size_t facility_column = table.column.at("facility");
    std::vector<TravelTime> times;
    // The row of each entry of `times` (rows are in line order), to report a repeated pair.
    std::vector<std::uint32_t> source;
    times.reserve(table.rows.size());
    source.reserve(table.rows.size());
    std::unordered_set<std::string> unknown_grids;
    std::unordered_set<std::string> unknown_facilities;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const Record& row = table.rows[r];
      const Field& grid_id = row.fields[grid_column];
      const Field& facility_id = row.fields[facility_column];
      // An unknown id is reported at its first row only: a table made for another city would
      // otherwise give a problem per row.
      const Index* grid = grids.find(grid_id.text);
      if (grid == nullptr && unknown_grids.insert(grid_id.text).second) {
        problem(table, grid_id,
                fmt::format("grid: unknown grid '{}' (expected the id of a grid of the city)",
                            grid_id.text));
      }
      const Index* facility = facilities.find(facility_id.text);
      if (facility == nullptr && unknown_facilities.insert(facility_id.text).second) {
        problem(table, facility_id,
                fmt::format("facility: unknown facility '{}' (expected the id of a facility of "
                            "the scenario)",
                            facility_id.text));
      }
      std::optional<double> minutes;
      if (!read_real(table, row, "minutes", true, minutes)) continue;
      if (!minutes) {
        problem(table, *table.cell(row, "minutes"), "minutes: expected a number >= 0, got ''");
        continue;
      }
      if (grid == nullptr || facility == nullptr) continue;
      times.push_back({*grid, *facility, *minutes});
      source.push_back(static_cast<std::uint32_t>(r));
    }
    // By pair, then by line: the first of a repeated pair is the one kept and named.
    std::vector<std::uint32_t> order(times.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    const auto pair_of = [&](std::uint32_t i) {
      return std::pair(times[i].grid, times[i].facility);
    };
    // Stable: rows are in line order already, and a sorted table stays as it is.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return pair_of(a) < pair_of(b); });
    std::vector<TravelTime> sorted;
    sorted.reserve(times.size());
    std::size_t first = 0;  // in `order`, the first row of the current pair
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (k == 0 || pair_of(order[k]) != pair_of(order[first])) {
        first = k;
        sorted.push_back(times[order[k]]);
        continue;
      }
      const Record& row = table.rows[source[order[k]]];
      problem(table, row.fields[grid_column],
              fmt::format("grid '{}' to facility '{}' is already given on line {} (expected "
                          "each pair once)",
                          row.fields[grid_column].text, row.fields[facility_column].text,
                          table.rows[source[order[first]]].line));
    }
    if (failed_) return std::nullopt;
    return sorted;
  }

 private:
  void problem(const Table& table, int line, int column, std::string message) {
    diagnostics_.add(SourceLocation{table.file, line, column}, table.key_path, std::move(message));
    failed_ = true;
  }
  void problem(const Table& table, const Field& field, std::string message) {
    problem(table, field.line, field.column, std::move(message));
  }

  // Reads a table's rows; `key_path` defaults to city.csv.<table>.
  Table load(const std::string& path, const TableSpec& spec, std::string_view key_path = {}) {
    Table table;
    table.file = path;
    table.key_path =
        key_path.empty() ? fmt::format("city.csv.{}", spec.name) : std::string(key_path);
    if (path.empty()) {
      problem(table, 0, 0,
              fmt::format("no file given for the {} table (expected a CSV file with columns {})",
                          spec.name, join(spec.columns)));
      return table;
    }
    std::error_code error;
    std::ifstream in;
    if (!std::filesystem::is_directory(path, error)) in.open(path, std::ios::binary);
    if (!in.is_open()) {
      problem(table, 0, 0,
              fmt::format("cannot open the file (expected the {} table, a CSV file with columns "
                          "{})",
                          spec.name, join(spec.columns)));
      return table;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    std::string text = std::move(contents).str();
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (std::string_view(text).substr(0, kBom.size()) == kBom) text.erase(0, kBom.size());

    bool complete = true;
    std::vector<Record> records = parse(text, table, complete);
    if (!complete) return table;  // reported; references to its lost rows would only repeat it
    if (records.empty()) {
      problem(table, 0, 0,
              fmt::format("the file is empty (expected a header row: {})", join(spec.columns)));
      return table;
    }
    if (!read_header(records.front(), spec, table)) return table;
    const std::size_t width = records.front().fields.size();
    // Tables without ids (travel times) set nothing aside by id.
    const auto id = table.column.find("id");
    const std::size_t id_column =
        id == table.column.end() ? std::numeric_limits<std::size_t>::max() : id->second;
    for (std::size_t r = 1; r < records.size(); ++r) {
      Record& record = records[r];
      if (record.fields.size() != width) {
        if (record.fields.size() > width) {
          const Field& extra = record.fields[width];
          problem(table, extra,
                  fmt::format("expected {} fields as in the header, got {}", width,
                              record.fields.size()));
        } else {
          problem(table, record.line, record.end_column,
                  fmt::format("expected {} fields as in the header, got {}", width,
                              record.fields.size()));
        }
      }
      if (record.fields.size() != width || record.damaged) {
        if (id_column < record.fields.size()) {
          table.set_aside.insert(record.fields[id_column].text);
        }
        table.lost.push_back(std::move(record));
        continue;
      }
      table.rows.push_back(std::move(record));
    }
    table.usable = true;
    return table;
  }

  // RFC 4180 records; lines and columns (1-based, counting UTF-8 characters) of every field.
  // `complete` is false when an unterminated quote swallowed the rest of the file.
  std::vector<Record> parse(std::string_view text, const Table& table, bool& complete) {
    std::vector<Record> records;
    std::size_t pos = 0;
    int line = 1;
    int column = 1;
    const auto at_line_end = [&] { return text[pos] == '\r' || text[pos] == '\n'; };
    const auto step = [&] {
      if (!is_continuation_byte(text[pos])) ++column;
      ++pos;
    };
    const auto step_line_end = [&] {
      pos += text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n' ? 2 : 1;
      ++line;
      column = 1;
    };
    std::size_t width = 0;  // of the last record: one allocation per record, not several
    while (pos < text.size()) {
      Record record;
      record.line = line;
      record.fields.reserve(width);
      for (;;) {
        Field field;
        field.line = line;
        field.column = column;
        if (pos < text.size() && text[pos] == '"') {
          step();
          bool closed = false;
          while (pos < text.size()) {
            if (text[pos] == '"') {
              step();
              if (pos < text.size() && text[pos] == '"') {
                field.text += '"';
                step();
                continue;
              }
              closed = true;
              break;
            }
            if (at_line_end()) {
              field.text += '\n';
              step_line_end();
              continue;
            }
            field.text += text[pos];
            step();
          }
          if (!closed) {
            problem(table, field.line, field.column,
                    "unterminated quoted field (expected a closing '\"')");
            complete = false;
            return records;
          }
          if (pos < text.size() && text[pos] != ',' && !at_line_end()) {
            problem(table, line, column,
                    "text after a closing quote (expected a comma or the end of the line)");
            record.damaged = true;
            while (pos < text.size() && text[pos] != ',' && !at_line_end()) step();
          }
        } else {
          const std::size_t start = pos;
          while (pos < text.size() && text[pos] != ',' && !at_line_end()) step();
          field.text = std::string(trim(text.substr(start, pos - start)));
        }
        record.fields.push_back(std::move(field));
        if (pos < text.size() && text[pos] == ',') {
          step();
          continue;
        }
        record.end_column = column;
        if (pos < text.size()) step_line_end();
        break;
      }
      width = record.fields.size();
      const bool blank = record.fields.size() == 1 && record.fields.front().text.empty();
      if (!blank) records.push_back(std::move(record));
    }
    return records;
  }

  bool read_header(const Record& header, const TableSpec& spec, Table& table) {
    bool ok = !header.damaged;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      std::string name(trim(header.fields[i].text));
      std::transform(name.begin(), name.end(), name.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      });
      if (name.empty()) continue;
      if (!table.column.emplace(name, i).second) {
        problem(table, header.fields[i],
                fmt::format("column '{}' appears twice in the header", name));
        ok = false;
      }
    }
    for (const std::string_view required : spec.required) {
      if (table.column.count(std::string(required)) == 0) {
        problem(table, header.line, 1,
                fmt::format("missing column '{}' (expected a header with {})", required,
                            join(spec.columns)));
        ok = false;
      }
    }
    return ok;
  }

  // The row's id, registered in `ids` (id -> first line), or nullopt when empty or repeated.
  std::optional<std::string> take_id(const Table& table, const Record& row, std::string_view level,
                                     std::unordered_map<std::string, int>& first_line) {
    const Field& field = *table.cell(row, "id");
    if (field.text.empty()) {
      problem(table, field, fmt::format("id: expected the id of the {}, got ''", level));
      return std::nullopt;
    }
    const auto [it, inserted] = first_line.emplace(field.text, row.line);
    if (!inserted) {
      problem(
          table, field,
          fmt::format("id: {} id '{}' is already used on line {}", level, field.text, it->second));
      return std::nullopt;
    }
    return field.text;
  }

  // Resolves the reference in `column` to an index of `target`; nullopt (reported unless the
  // target row itself was set aside) when unknown.
  std::optional<Index> resolve(const Table& table, const Record& row, std::string_view column,
                               const Table& target, std::string_view level,
                               const std::unordered_map<std::string, Index>& ids) {
    const Field& field = *table.cell(row, column);
    const auto it = ids.find(field.text);
    if (it != ids.end()) return it->second;
    if (target.usable && target.set_aside.count(field.text) == 0) {
      problem(table, field,
              fmt::format("{}: unknown {} '{}' (expected an id from {})", column, level, field.text,
                          target.file_name()));
    }
    failed_ = true;
    return std::nullopt;
  }

  // An optional non-negative integer cell: nullopt when absent or empty; false when malformed.
  bool read_count(const Table& table, const Record& row, std::string_view column,
                  std::optional<std::int64_t>& out) {
    out.reset();
    const Field* field = table.cell(row, column);
    if (field == nullptr || field->text.empty()) return true;
    out = parse_count(field->text);
    if (!out || *out > kMaxAreaPeople) {
      problem(table, *field,
              fmt::format("{}: expected a non-negative integer of at most {}, got '{}'", column,
                          kMaxAreaPeople, field->text));
      out.reset();
    }
    return out.has_value();
  }

  bool read_real(const Table& table, const Record& row, std::string_view column, bool non_negative,
                 std::optional<double>& out) {
    out.reset();
    const Field* field = table.cell(row, column);
    if (field == nullptr || field->text.empty()) return true;
    out = parse_real(field->text);
    if (!out || (non_negative && *out < 0)) {
      problem(table, *field,
              fmt::format("{}: expected a {}, got '{}'", column,
                          non_negative ? "number >= 0" : "number", field->text));
      out.reset();
      return false;
    }
    return true;
  }

  // A coordinate in metres, within the city's plausible extent.
  bool read_coordinate(const Table& table, const Record& row, std::string_view column,
                       std::optional<double>& out) {
    if (!read_real(table, row, column, false, out)) return false;
    if (out && std::abs(*out) > kMaxDistanceMetres) {
      problem(table, *table.cell(row, column),
              fmt::format("{}: expected metres from -{:.0f} to {:.0f}, got '{}'", column,
                          kMaxDistanceMetres, kMaxDistanceMetres, table.cell(row, column)->text));
      out.reset();
      return false;
    }
    return true;
  }

  // x_m and y_m: both given (a point), both empty (nullopt), else a problem (false).
  bool read_location(const Table& table, const Record& row, bool required,
                     std::optional<Point>& out) {
    out.reset();
    std::optional<double> x;
    std::optional<double> y;
    if (!read_coordinate(table, row, "x_m", x) || !read_coordinate(table, row, "y_m", y)) {
      return false;
    }
    if (x && y) {
      out = Point{*x, *y};
      return true;
    }
    if (!x && !y && !required) return true;
    const char* missing = x ? "y_m" : "x_m";
    const Field* field = table.cell(row, missing);
    if (field == nullptr) {
      problem(
          table, row.line, 1,
          fmt::format("{}: expected a number, but the table has no {} column", missing, missing));
    } else {
      problem(table, *field,
              fmt::format("{}: expected a number{}, got ''", missing,
                          required ? "" : (x ? " (x_m is given)" : " (y_m is given)")));
    }
    return false;
  }

  void read_districts(const Table& table, City& city) {
    if (!table.usable) return;
    for (const Record& row : table.rows) {
      const std::optional<std::string> id = take_id(table, row, "district", district_lines_);
      if (!id) continue;
      const Field* name = table.cell(row, "name");
      district_ids_.emplace(*id, static_cast<Index>(city.districts.size()));
      city.districts.push_back(
          {*id, name != nullptr && !name->text.empty() ? name->text : *id, {}});
    }
  }

  void read_streets(Table& table, const Table& districts, City& city) {
    if (!table.usable) return;
    for (const Record& row : table.rows) {
      const std::optional<std::string> id = take_id(table, row, "street", street_lines_);
      if (!id) continue;
      const std::optional<Index> district =
          resolve(table, row, "district", districts, "district", district_ids_);
      if (!district) {
        table.set_aside.insert(*id);
        continue;
      }
      const auto index = static_cast<Index>(city.streets.size());
      street_ids_.emplace(*id, index);
      city.districts[*district].streets.push_back(index);
      const Field* name = table.cell(row, "name");
      city.streets.push_back(
          {*id, name != nullptr && !name->text.empty() ? name->text : *id, *district, {}});
    }
  }

  std::vector<CommunityRow> read_communities(Table& table, const Table& streets, City& city) {
    std::vector<CommunityRow> rows;
    if (!table.usable) return rows;
    for (const Record& row : table.rows) {
      const std::optional<std::string> id = take_id(table, row, "community", community_lines_);
      if (!id) continue;
      CommunityRow read{&row, {}, {}};
      std::optional<Point> location;
      std::optional<double> area;
      const std::optional<Index> street =
          resolve(table, row, "street", streets, "street", street_ids_);
      // Every cell is checked (and reported) before the row is given up.
      bool ok = read_count(table, row, "population", read.population);
      ok = read_count(table, row, "households", read.households) && ok;
      ok = read_location(table, row, true, location) && ok;
      ok = read_real(table, row, "area_km2", true, area) && ok;
      if (!street || !ok) {
        table.set_aside.insert(*id);
        continue;
      }
      const auto index = static_cast<Index>(city.communities.size());
      community_ids_.emplace(*id, index);
      city.streets[*street].communities.push_back(index);
      Community community;
      community.id = *id;
      const Field* name = table.cell(row, "name");
      community.name = name != nullptr && !name->text.empty() ? name->text : *id;
      community.street = *street;
      community.district = city.streets[*street].district;
      community.location = *location;
      community.area_km2 = area.value_or(0.0);
      city.communities.push_back(std::move(community));
      rows.push_back(read);
    }
    return rows;
  }

  // Sets a community's population and households once its population is known.
  static void settle(Community& community, const CommunityRow& read, std::int64_t population) {
    community.population = population;
    community.households = read.households.value_or(default_households(population));
  }

  void one_grid_per_community(const Table& table, const std::vector<CommunityRow>& rows,
                              City& city) {
    for (std::size_t c = 0; c < city.communities.size(); ++c) {
      Community& community = city.communities[c];
      const CommunityRow& read = rows[c];
      if (!read.population) {
        problem(table, *table.cell(*read.row, "population"),
                "population: expected a non-negative integer, got '' (without a grids table "
                "every community needs its population)");
        continue;
      }
      settle(community, read, *read.population);
      community.first_grid = static_cast<Index>(city.grids.size());
      community.grid_count = 1;
      city.grids.push_back({community.id, static_cast<Index>(c), community.population,
                            community.households, community.location});
    }
  }

  void read_grids(Table& table, const Table& communities, const std::vector<CommunityRow>& rows,
                  City& city) {
    if (!table.usable) return;
    std::vector<std::vector<GridRow>> by_community(city.communities.size());
    std::unordered_map<std::string, int> grid_lines;
    // Communities with a grid row that was set aside: their sums cannot be judged, and saying
    // so would only repeat the problem already reported for the row.
    std::vector<bool> incomplete(city.communities.size(), false);
    const std::size_t community_column = table.column.at("community");
    for (const Record& row : table.lost) {
      if (community_column >= row.fields.size()) return;  // whose grid it was is unknown
      const auto it = community_ids_.find(row.fields[community_column].text);
      if (it != community_ids_.end()) incomplete[it->second] = true;
    }
    for (const Record& row : table.rows) {
      const std::optional<std::string> id = take_id(table, row, "grid", grid_lines);
      GridRow read{&row, {}, {}, {}};
      const std::optional<Index> community =
          resolve(table, row, "community", communities, "community", community_ids_);
      bool ok = read_count(table, row, "population", read.population);
      ok = read_count(table, row, "households", read.households) && ok;
      ok = read_location(table, row, false, read.location) && ok;
      if (!community) continue;
      if (!id || !ok) {
        incomplete[*community] = true;
      } else {
        by_community[*community].push_back(read);
      }
    }

    for (std::size_t c = 0; c < city.communities.size(); ++c) {
      if (incomplete[c]) continue;
      Community& community = city.communities[c];
      const CommunityRow& read = rows[c];
      const std::vector<GridRow>& grids = by_community[c];
      const Field& population_cell = *communities.cell(*read.row, "population");
      if (grids.empty()) {
        problem(communities, *communities.cell(*read.row, "id"),
                fmt::format("community '{}' has no grids in {} (expected at least one)",
                            community.id, table.file_name()));
        continue;
      }
      std::int64_t listed = 0;
      std::int64_t unlisted = 0;
      for (const GridRow& grid : grids) {
        if (grid.population) {
          listed += *grid.population;
        } else {
          ++unlisted;
        }
      }
      std::int64_t population = listed;
      if (read.population) {
        population = *read.population;
        if (unlisted == 0 && listed != population) {
          problem(communities, population_cell,
                  fmt::format("population: community '{}' has {} residents but its grids in {} "
                              "have {}",
                              community.id, population, table.file_name(), listed));
          continue;
        }
        if (listed > population) {
          problem(communities, population_cell,
                  fmt::format("population: community '{}' has {} residents but the grids in {} "
                              "that give a population already have {}",
                              community.id, population, table.file_name(), listed));
          continue;
        }
      } else if (unlisted > 0) {
        problem(communities, population_cell,
                fmt::format("population: expected a non-negative integer, got '' (community "
                            "'{}' has grids without a population in {})",
                            community.id, table.file_name()));
        continue;
      }
      settle(community, read, population);
      community.first_grid = static_cast<Index>(city.grids.size());
      community.grid_count = static_cast<Index>(grids.size());
      const std::int64_t rest = population - listed;
      std::int64_t handed = 0;
      for (const GridRow& grid : grids) {
        std::int64_t grid_population = 0;
        if (grid.population) {
          grid_population = *grid.population;
        } else {
          grid_population = rest / unlisted + (handed < rest % unlisted ? 1 : 0);
          ++handed;
        }
        city.grids.push_back({table.cell(*grid.row, "id")->text, static_cast<Index>(c),
                              grid_population,
                              grid.households.value_or(default_households(grid_population)),
                              grid.location.value_or(community.location)});
      }
    }
  }

  Diagnostics& diagnostics_;
  bool failed_ = false;
  std::unordered_map<std::string, int> district_lines_;
  std::unordered_map<std::string, int> street_lines_;
  std::unordered_map<std::string, int> community_lines_;
  std::unordered_map<std::string, Index> district_ids_;
  std::unordered_map<std::string, Index> street_ids_;
  std::unordered_map<std::string, Index> community_ids_;
};

}  // namespace

std::optional<City> read_city_csv(const CityCsvPaths& paths, double detour_factor,
                                  scenario::Diagnostics& diagnostics) {
  return CityCsvReader(diagnostics).read(paths, detour_factor);
}

std::optional<std::vector<TravelTime>> read_travel_times_csv(const std::string& path,
                                                             const IdIndex& grids,
                                                             const IdIndex& facilities,
                                                             std::string_view key_path,
                                                             scenario::Diagnostics& diagnostics) {
  return CityCsvReader(diagnostics).read_travel_times(path, grids, facilities, key_path);
}

}  // namespace circlesim::city
