// Checks of a scenario that need the whole document rather than one value at a time: ids that must
// be unique, references between parts (rooms, groups, profiles, communities, services), shares
// that must fit together, schedules that must make sense within a day, calendar dates, and
// numbers too large to be meant. JSON Schema cannot express these, so they run after the schema
// check, on the same document, with messages of the same form.
#pragma once

#include <optional>
#include <string_view>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Checks that need the whole document: references, uniqueness, shares, schedules. Runs on a
// document that may have schema problems too: values of the wrong type, and strings that do not
// match the schema's patterns (clock times, dates, quantities), are skipped silently because the
// schema check reports them; never throws. Each problem is reported at the offending value (or
// key, for a mapping key that names something unknown).
//
// `sweep` keys are checked too, but only in a document that still has its sweep (as written,
// before composition expands it into runs).
// The day of the week of a YYYY-MM-DD date, 0 = Monday; nothing for text that is not a real date.
std::optional<int> weekday_of_date(std::string_view date);
// Days from one YYYY-MM-DD date to another (negative when `to` comes first); nothing unless both
// are real dates.
std::optional<long> days_between(std::string_view from, std::string_view to);

void check_semantics(const YamlDocument& document, Diagnostics& diagnostics);

}  // namespace circlesim::scenario
