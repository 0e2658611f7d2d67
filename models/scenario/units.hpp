// Quantities with units in scenario files ("90s", "162/h", "1.2km", "5km/h") and clock times of
// day ("08:30"). Scenario authors must always write the unit: a bare "15" is a frequent source of
// silent factor-of-60 mistakes, so it is refused rather than guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace circlesim::scenario {

enum class QuantityKind { kDuration, kRate, kDistance, kSpeed };

struct Quantity {
  double value = 0;  // in base units: minutes, events per minute, metres, metres per minute
  // Rates only: "4/year per 1000" is 4 per year per 1,000 residents.
  bool per_1000_residents = false;
};

struct QuantityResult {  // exactly one of the two is meaningful
  std::optional<Quantity> quantity;
  std::string error;  // e.g. "a duration needs a unit (expected e.g. 90s, 15min, 2h, 3d, 1w)"
};

// Parses `<number><unit>` for the given kind. Negative values are returned as they are (the
// caller knows whether they make sense); a number that is not finite, or becomes infinite once
// converted, is an error. Error messages leave out the file and key: the caller adds them.
//
// Accepted spellings (case-sensitive, whitespace allowed between number and unit and around '/'):
//   duration: s, sec, min, h, hr, d, day, days, w, week, weeks
//   rate:     /s, /min, /h, /d, /day, /w, /week, /year (365 days), optionally followed by
//             "per 1000" or "per 1000 residents"
//   distance: m, km
//   speed:    m/s, m/min, km/h
QuantityResult parse_quantity(std::string_view text, QuantityKind kind);

std::string_view quantity_kind_name(QuantityKind kind);  // "duration", "rate", "distance", "speed"
std::string_view quantity_example(QuantityKind kind);    // "90s, 15min, 2h, 3d, 1w" etc.

// Clock times of day "08:30" -> minutes since midnight (0..1440; "24:00" allowed as end of day).
// The hour may have one or two digits ("8:30"); the minutes must have two, because "8:5" could
// mean 8:05 or 8:50.
std::optional<double> parse_clock_time(std::string_view text);

}  // namespace circlesim::scenario
