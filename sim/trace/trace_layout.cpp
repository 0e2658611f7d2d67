#include "sim/trace/trace_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace circlesim::sim::trace::layout {

namespace {
template <class T>
T get(const std::byte* row, std::size_t offset) {
  T value;
  std::memcpy(&value, row + offset, sizeof value);
  return value;
}

template <class T>
void put(std::byte* row, std::size_t offset, T value) {
  std::memcpy(row + offset, &value, sizeof value);
}

void put_text(std::byte* at, const std::string& text, std::size_t width) {
  std::memcpy(at, text.data(), std::min(text.size(), width));
  std::memset(at + std::min(text.size(), width), 0, width - std::min(text.size(), width));
}
}  // namespace

Hid packed_compound(std::size_t size, std::initializer_list<Member> members) {
  Hid type = make_type(H5Tcreate(H5T_COMPOUND, size), "compound type");
  for (const Member& m : members) {
    check(H5Tinsert(type.get(), m.name, m.offset, m.type), std::string("member ") + m.name);
  }
  return type;
}

Hid outcome_enum_type() {
  Hid type = make_type(H5Tenum_create(H5T_NATIVE_UINT8), "outcome enum");
  for (int value = 0; value < kRequestOutcomeCount; ++value) {
    const auto code = static_cast<std::uint8_t>(value);
    const std::string name(to_string(static_cast<RequestOutcome>(value)));
    check(H5Tenum_insert(type.get(), name.c_str(), &code), "outcome enum");
  }
  return type;
}

Hid request_row_type() {
  namespace c = request_column;
  const Hid outcome = outcome_enum_type();
  return packed_compound(c::kRowSize, {{"request", c::kRequest, H5T_NATIVE_UINT64},
                                       {"resident", c::kResident, H5T_NATIVE_UINT32},
                                       {"group", c::kGroup, H5T_NATIVE_UINT16},
                                       {"service", c::kService, H5T_NATIVE_UINT16},
                                       {"facility", c::kFacility, H5T_NATIVE_UINT32},
                                       {"room", c::kRoom, H5T_NATIVE_UINT32},
                                       {"outcome", c::kOutcome, outcome.get()},
                                       {"arrival", c::kArrival, H5T_NATIVE_DOUBLE},
                                       {"start", c::kStart, H5T_NATIVE_DOUBLE},
                                       {"end", c::kEnd, H5T_NATIVE_DOUBLE},
                                       {"travel", c::kTravel, H5T_NATIVE_DOUBLE}});
}

Hid outcome_only_type() {
  const Hid outcome = outcome_enum_type();
  return packed_compound(1, {{"outcome", 0, outcome.get()}});
}

Hid event_row_type() {
  namespace c = event_column;
  return packed_compound(c::kRowSize, {{"time", c::kTime, H5T_NATIVE_DOUBLE},
                                       {"handler", c::kHandler, H5T_NATIVE_UINT16},
                                       {"kind", c::kKind, H5T_NATIVE_UINT16},
                                       {"payload", c::kPayload, H5T_NATIVE_UINT32}});
}

Hid scalar_row_type() {
  namespace c = scalar_column;
  const Hid name = fixed_string_type(c::kNameWidth);
  const Hid entity = fixed_string_type(c::kEntityWidth);
  const Hid unit = fixed_string_type(c::kUnitWidth);
  return packed_compound(c::kRowSize, {{"name", c::kName, name.get()},
                                       {"entity", c::kEntity, entity.get()},
                                       {"entity_id", c::kEntityId, H5T_NATIVE_UINT32},
                                       {"value", c::kValue, H5T_NATIVE_DOUBLE},
                                       {"unit", c::kUnit, unit.get()}});
}

std::string padded_text(const std::byte* at, std::size_t width) {
  const char* text = reinterpret_cast<const char*>(at);
  std::size_t size = width;
  while (size > 0 && text[size - 1] == '\0') --size;
  return {text, size};
}

RequestRecord unpack_request(const std::byte* row) {
  namespace c = request_column;
  RequestRecord r;
  r.request = get<std::uint64_t>(row, c::kRequest);
  r.resident = get<std::uint32_t>(row, c::kResident);
  r.group = get<std::uint16_t>(row, c::kGroup);
  r.service = get<std::uint16_t>(row, c::kService);
  r.facility = get<std::uint32_t>(row, c::kFacility);
  r.room = get<std::uint32_t>(row, c::kRoom);
  r.outcome = static_cast<RequestOutcome>(get<std::uint8_t>(row, c::kOutcome));
  r.arrival = get<double>(row, c::kArrival);
  r.start = get<double>(row, c::kStart);
  r.end = get<double>(row, c::kEnd);
  r.travel = get<double>(row, c::kTravel);
  return r;
}

EventRecord unpack_event(const std::byte* row) {
  namespace c = event_column;
  EventRecord e;
  e.time = get<double>(row, c::kTime);
  e.handler = get<std::uint16_t>(row, c::kHandler);
  e.kind = get<std::uint16_t>(row, c::kKind);
  e.payload = get<std::uint32_t>(row, c::kPayload);
  return e;
}

ScalarRecord unpack_scalar(const std::byte* row) {
  namespace c = scalar_column;
  ScalarRecord s;
  s.name = padded_text(row + c::kName, c::kNameWidth);
  s.entity = padded_text(row + c::kEntity, c::kEntityWidth);
  s.entity_id = get<std::uint32_t>(row, c::kEntityId);
  s.value = get<double>(row, c::kValue);
  s.unit = padded_text(row + c::kUnit, c::kUnitWidth);
  return s;
}

void pack_request(std::byte* row, const RequestRecord& r) {
  namespace c = request_column;
  put(row, c::kRequest, r.request);
  put(row, c::kResident, r.resident);
  put(row, c::kGroup, r.group);
  put(row, c::kService, r.service);
  put(row, c::kFacility, r.facility);
  put(row, c::kRoom, r.room);
  put(row, c::kOutcome, static_cast<std::uint8_t>(r.outcome));
  put(row, c::kArrival, r.arrival);
  put(row, c::kStart, r.start);
  put(row, c::kEnd, r.end);
  put(row, c::kTravel, r.travel);
}

void pack_event(std::byte* row, const EventRecord& e) {
  namespace c = event_column;
  put(row, c::kTime, e.time);
  put(row, c::kHandler, e.handler);
  put(row, c::kKind, e.kind);
  put(row, c::kPayload, e.payload);
}

void pack_scalar(std::byte* row, const ScalarRecord& s) {
  namespace c = scalar_column;
  if (s.name.size() > c::kNameWidth || s.entity.size() > c::kEntityWidth ||
      s.unit.size() > c::kUnitWidth) {
    throw TraceIoError(fmt::format(
        "scalar '{}' ({}, unit '{}'): name, entity and unit may have at most {}, {} and {} bytes",
        s.name, s.entity, s.unit, c::kNameWidth, c::kEntityWidth, c::kUnitWidth));
  }
  put_text(row + c::kName, s.name, c::kNameWidth);
  put_text(row + c::kEntity, s.entity, c::kEntityWidth);
  put(row, c::kEntityId, s.entity_id);
  put(row, c::kValue, s.value);
  put_text(row + c::kUnit, s.unit, c::kUnitWidth);
}

}  // namespace circlesim::sim::trace::layout
