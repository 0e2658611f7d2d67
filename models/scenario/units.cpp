#include "models/scenario/units.hpp"

#include <fmt/format.h>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace circlesim::scenario {
namespace {

// A value in the unit is converted as value * multiply / divide. Keeping the two factors apart
// (rather than one precomputed factor) makes "90s" exactly 1.5 and "162/h" exactly 2.7: 1/60 has
// no exact double, but a single correctly rounded division does.
struct Unit {
  std::string_view spelling;  // normalised: no whitespace around '/'
  QuantityKind kind;
  double multiply;
  double divide;
};

constexpr double kMinutesPerDay = 24.0 * 60.0;
constexpr double kMinutesPerWeek = 7.0 * kMinutesPerDay;
constexpr double kMinutesPerYear = 365.0 * kMinutesPerDay;

// The order within a kind is the order the accepted spellings are listed in messages.
constexpr std::array kUnits = {
    Unit{"s", QuantityKind::kDuration, 1.0, 60.0},
    Unit{"sec", QuantityKind::kDuration, 1.0, 60.0},
    Unit{"min", QuantityKind::kDuration, 1.0, 1.0},
    Unit{"h", QuantityKind::kDuration, 60.0, 1.0},
    Unit{"hr", QuantityKind::kDuration, 60.0, 1.0},
    Unit{"d", QuantityKind::kDuration, kMinutesPerDay, 1.0},
    Unit{"day", QuantityKind::kDuration, kMinutesPerDay, 1.0},
    Unit{"days", QuantityKind::kDuration, kMinutesPerDay, 1.0},
    Unit{"w", QuantityKind::kDuration, kMinutesPerWeek, 1.0},
    Unit{"week", QuantityKind::kDuration, kMinutesPerWeek, 1.0},
    Unit{"weeks", QuantityKind::kDuration, kMinutesPerWeek, 1.0},
    Unit{"/s", QuantityKind::kRate, 60.0, 1.0},
    Unit{"/min", QuantityKind::kRate, 1.0, 1.0},
    Unit{"/h", QuantityKind::kRate, 1.0, 60.0},
    Unit{"/d", QuantityKind::kRate, 1.0, kMinutesPerDay},
    Unit{"/day", QuantityKind::kRate, 1.0, kMinutesPerDay},
    Unit{"/w", QuantityKind::kRate, 1.0, kMinutesPerWeek},
    Unit{"/week", QuantityKind::kRate, 1.0, kMinutesPerWeek},
    Unit{"/year", QuantityKind::kRate, 1.0, kMinutesPerYear},
    Unit{"m", QuantityKind::kDistance, 1.0, 1.0},
    Unit{"km", QuantityKind::kDistance, 1000.0, 1.0},
    Unit{"m/s", QuantityKind::kSpeed, 60.0, 1.0},
    Unit{"m/min", QuantityKind::kSpeed, 1.0, 1.0},
    Unit{"km/h", QuantityKind::kSpeed, 1000.0, 60.0},
};

// Longest first, so that " per 1000" does not match the start of " per 1000 residents".
constexpr std::array<std::string_view, 2> kPer1000Suffixes = {" per 1000 residents", " per 1000"};

const Unit* find_unit(std::string_view spelling) {
  for (const Unit& unit : kUnits) {
    if (unit.spelling == spelling) return &unit;
  }
  return nullptr;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Collapses whitespace runs to one space and drops whitespace next to '/', so that "m / s" and
// "4 /year  per 1000" compare equal to the table's spellings. `text` is already trimmed.
std::string normalise_unit(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ' && out.back() != '/') out += ' ';
    } else if (c == '/') {
      if (!out.empty() && out.back() == ' ') out.pop_back();
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

// The characters a malformed number is likely to be made of. Taking the whole run (rather than
// stopping where the grammar stops) makes "1..5h" fail as a bad number "1..5" instead of as an
// unknown unit ".5h". No unit starts with any of these, 'e' included.
bool is_number_char(char c) {
  return is_digit(c) || c == '.' || c == ',' || c == '+' || c == '-' || c == 'e' || c == 'E';
}

// sign? (digits ('.' digits?)? | '.' digits) ([eE] sign? digits)?, which is what from_chars reads
// in general format apart from the leading '+', and excludes its "nan" and "inf" spellings.
bool is_decimal_number(std::string_view s) {
  std::size_t i = 0;
  auto skip_digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa_digits = skip_digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa_digits += skip_digits();
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

std::string_view base_unit_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::kDuration:
      return "minutes";
    case QuantityKind::kRate:
      return "events per minute";
    case QuantityKind::kDistance:
      return "metres";
    case QuantityKind::kSpeed:
      return "metres per minute";
  }
  return "base units";
}

std::string accepted_units(QuantityKind kind) {
  std::string out;
  for (const Unit& unit : kUnits) {
    if (unit.kind != kind) continue;
    if (!out.empty()) out += ", ";
    out += unit.spelling;
  }
  if (kind == QuantityKind::kRate) out += ", each optionally followed by per 1000 [residents]";
  return out;
}

QuantityResult failure(std::string message) { return {std::nullopt, std::move(message)}; }

QuantityResult unknown_unit(std::string_view unit, QuantityKind kind) {
  const std::string_view name = quantity_kind_name(kind);
  const std::string lower = to_lower(unit);
  // Months and years are refused on purpose, so say why instead of just "unknown".
  if (kind == QuantityKind::kDuration &&
      (lower == "mo" || lower == "month" || lower == "months" || lower == "y" || lower == "yr" ||
       lower == "year" || lower == "years")) {
    return failure(fmt::format(
        "'{}' is not accepted for a duration because months and years vary in length (expected "
        "days or weeks instead, e.g. 30d, 365d, 52w)",
        unit));
  }
  if (kind == QuantityKind::kRate && (lower == "/mo" || lower == "/month" || lower == "/months")) {
    return failure(fmt::format(
        "'{}' is not accepted for a rate because months vary in length (expected e.g. 12/day, "
        "3/w, 40/year)",
        unit));
  }
  // SI symbols are case-sensitive (M is mega), so a wrong case is reported rather than accepted.
  const Unit* other_case = find_unit(lower);
  if (other_case != nullptr && other_case->kind == kind && lower != unit) {
    return failure(fmt::format("unknown {} unit '{}', did you mean '{}'? (expected one of {})",
                               name, unit, other_case->spelling, accepted_units(kind)));
  }
  return failure(
      fmt::format("unknown {} unit '{}' (expected one of {})", name, unit, accepted_units(kind)));
}

}  // namespace

std::string_view quantity_kind_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::kDuration:
      return "duration";
    case QuantityKind::kRate:
      return "rate";
    case QuantityKind::kDistance:
      return "distance";
    case QuantityKind::kSpeed:
      return "speed";
  }
  return "quantity";
}

std::string_view quantity_example(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::kDuration:
      return "90s, 15min, 2h, 3d, 1w";
    case QuantityKind::kRate:
      return "162/h, 12/day, 4/year per 1000 residents";
    case QuantityKind::kDistance:
      return "800m, 1.2km";
    case QuantityKind::kSpeed:
      return "1.5m/s, 80m/min, 5km/h";
  }
  return "";
}

QuantityResult parse_quantity(std::string_view text, QuantityKind kind) {
  const std::string_view name = quantity_kind_name(kind);
  const std::string_view example = quantity_example(kind);
  text = trim(text);
  if (text.empty()) return failure(fmt::format("no {} given (expected e.g. {})", name, example));

  std::size_t number_end = 0;
  while (number_end < text.size() && is_number_char(text[number_end])) ++number_end;
  const std::string_view number = text.substr(0, number_end);

  // from_chars would read these, but a scenario has no use for them; the token scan above stops
  // at their letters, leaving at most a sign.
  if (number.empty() || number == "+" || number == "-") {
    const std::string lower = to_lower(text.substr(number.size(), 3));
    if (lower == "nan" || lower == "inf") {
      return failure(fmt::format("'{}' is not a finite number (expected e.g. {})", text, example));
    }
  }
  if (number.empty()) {
    return failure(
        fmt::format("'{}' does not start with a number (expected e.g. {})", text, example));
  }
  if (!is_decimal_number(number)) {
    // A comma is most likely a decimal comma or a thousands separator; neither is accepted,
    // because "1,500" would mean 1.5 to some authors and 1500 to others.
    const std::string_view hint = number.find(',') != std::string_view::npos
                                      ? ": use a point for decimals and no thousands separators"
                                      : "";
    return failure(
        fmt::format("'{}' is not a valid number{} (expected e.g. {})", number, hint, example));
  }

  // from_chars, unlike strtod, ignores the locale (a German locale would otherwise want "1,5").
  const std::string_view digits = number.front() == '+' ? number.substr(1) : number;
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc::result_out_of_range) {
    return failure(fmt::format("'{}' is outside the range of representable numbers", number));
  }
  if (error != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(value)) {
    return failure(fmt::format("'{}' is not a valid number (expected e.g. {})", number, example));
  }

  const std::string_view unit_text = trim(text.substr(number_end));
  if (unit_text.empty()) {
    return failure(fmt::format("a {} needs a unit (expected e.g. {})", name, example));
  }
  if (is_number_char(unit_text.front())) {
    // "1 000h" or "1 .5h": a number with a space inside, not a number and a unit.
    return failure(
        fmt::format("'{}' is not a number followed by a unit (expected e.g. {})", text, example));
  }

  std::string unit_spelling = normalise_unit(unit_text);
  bool per_1000 = false;
  for (const std::string_view suffix : kPer1000Suffixes) {
    if (unit_spelling.size() > suffix.size() && unit_spelling.ends_with(suffix)) {
      const Unit* base = find_unit(
          std::string_view(unit_spelling).substr(0, unit_spelling.size() - suffix.size()));
      // Only a rate can be per 1000 residents; "5km per 1000" stays an unknown unit as a whole.
      if (base != nullptr && base->kind == QuantityKind::kRate) {
        unit_spelling.resize(unit_spelling.size() - suffix.size());
        per_1000 = true;
      }
      break;
    }
  }

  const Unit* unit = find_unit(unit_spelling);
  if (unit == nullptr) return unknown_unit(unit_spelling, kind);
  if (unit->kind != kind) {
    // "5m" for a duration is almost certainly five minutes written the way many people do.
    const std::string_view hint =
        kind == QuantityKind::kDuration && unit->spelling == "m" ? " (write min for minutes)" : "";
    return failure(fmt::format("{} is a {}; expected a {} such as {}{}", text,
                               quantity_kind_name(unit->kind), name, example, hint));
  }

  const double converted = value * unit->multiply / unit->divide;
  if (!std::isfinite(converted)) {
    return failure(
        fmt::format("'{}' is too large once converted to {}", text, base_unit_name(kind)));
  }
  return {Quantity{converted, per_1000}, {}};
}

std::optional<double> parse_clock_time(std::string_view text) {
  text = trim(text);
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view hours = text.substr(0, colon);
  const std::string_view minutes = text.substr(colon + 1);
  if (hours.empty() || hours.size() > 2 || minutes.size() != 2) return std::nullopt;
  int h = 0;
  for (char c : hours) {
    if (!is_digit(c)) return std::nullopt;
    h = h * 10 + (c - '0');
  }
  int m = 0;
  for (char c : minutes) {
    if (!is_digit(c)) return std::nullopt;
    m = m * 10 + (c - '0');
  }
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return static_cast<double>(h * 60 + m);
}

}  // namespace circlesim::scenario
