// The packed row layouts of the trace tables (docs/trace-format.md), shared by the writer and the
// readers: column offsets, the HDF5 compound types, and packing and unpacking of one row. The
// memory layout of a table is the file layout, so HDF5 converts nothing on the way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::sim::trace::layout {

namespace request_column {
inline constexpr std::size_t kRequest = 0, kResident = 8, kGroup = 12, kService = 14,
                             kFacility = 16, kRoom = 20, kOutcome = 24, kArrival = 25, kStart = 33,
                             kEnd = 41, kTravel = 49, kRowSize = 57;
}  // namespace request_column

namespace event_column {
inline constexpr std::size_t kTime = 0, kHandler = 8, kKind = 10, kPayload = 12, kRowSize = 16;
}  // namespace event_column

namespace scalar_column {
inline constexpr std::size_t kName = 0, kNameWidth = 48, kEntity = 48, kEntityWidth = 16,
                             kEntityId = 64, kValue = 68, kUnit = 76, kUnitWidth = 16,
                             kRowSize = 92;
}  // namespace scalar_column

struct Member {
  const char* name;
  std::size_t offset;
  hid_t type;
};
// A packed compound type of `size` bytes with these members.
Hid packed_compound(std::size_t size, std::initializer_list<Member> members);
// The outcome enum (uint8) by name. HDF5 converts enums by name, so a reader gets our values
// even from a file that numbered them differently; an unknown name comes out as 0xff.
Hid outcome_enum_type();

Hid request_row_type();
// Just the outcome column of a request row: HDF5 reads a subset of members by name.
Hid outcome_only_type();
Hid event_row_type();
Hid scalar_row_type();

void pack_request(std::byte* row, const RequestRecord& r);
void pack_event(std::byte* row, const EventRecord& e);
// Throws TraceIoError when a text is wider than its column.
void pack_scalar(std::byte* row, const ScalarRecord& s);
RequestRecord unpack_request(const std::byte* row);
EventRecord unpack_event(const std::byte* row);
ScalarRecord unpack_scalar(const std::byte* row);
// Fixed-width text without its NUL padding.
std::string padded_text(const std::byte* at, std::size_t width);

}  // namespace circlesim::sim::trace::layout
