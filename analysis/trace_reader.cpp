#include "analysis/trace_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "sim/trace/chunk_compressor.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "sim/trace/trace_layout.hpp"

namespace circlesim::analysis {

namespace {

using namespace sim::trace::layout;  // the row layouts shared with the writer
using sim::trace::check;
using sim::trace::EventRecord;
using sim::trace::Hid;
using sim::trace::kRequestOutcomeCount;
using sim::trace::make_attribute;
using sim::trace::make_dataset;
using sim::trace::make_file;
using sim::trace::make_group;
using sim::trace::make_space;
using sim::trace::make_type;
using sim::trace::RequestOutcome;
using sim::trace::RequestRecord;
using sim::trace::ScalarRecord;
using sim::trace::TraceIoError;

constexpr const char* kFormat = "circlesim-trace";
// The layout this reader knows. Pinned to the writer's version so that bumping the writer's
// format_version fails to compile until the reader learns the new layout.
constexpr std::int64_t kReadableFormatVersion = 1;
static_assert(kReadableFormatVersion == sim::trace::kFormatVersion);

constexpr const char* kRequestsPath = "/trace/requests";
constexpr const char* kEventsPath = "/trace/events";
constexpr const char* kScalarsPath = "/scalars";

// Rows per HDF5 read of a table: bounds the packed buffer however long the trace.
constexpr hsize_t kBlockRows = 65536;

// ---------------------------------------------------------------------------------------------
// Reading. `what` names the object for error messages and already carries the file name.

std::vector<hsize_t> shape(hid_t dataset, const std::string& what) {
  const Hid space = make_space(H5Dget_space(dataset), what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank, what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), what);
  return dims;
}

std::size_t element_count(const std::vector<hsize_t>& dims) {
  std::size_t count = 1;
  for (const hsize_t d : dims) count *= static_cast<std::size_t>(d);
  return count;
}

// The length of a one-dimensional dataset; anything else is not a table of format_version 1.
std::size_t table_rows(hid_t dataset, const std::string& what) {
  const std::vector<hsize_t> dims = shape(dataset, what);
  if (dims.size() != 1) {
    throw TraceIoError(fmt::format("{}: expected one dimension, found {}", what, dims.size()));
  }
  return static_cast<std::size_t>(dims[0]);
}

// Decodes, one chunk after another, a dataset stored the way the writer stores compressed
// arrays and tables: chunks of whole rows, filtered by shuffle and then deflate, every chunk
// present and filtered, and the file type equal to `memory_type`. HDF5 only hands over each
// chunk's stored bytes (H5Dread_chunk); they are inflated (libdeflate) and unshuffled here,
// outside HDF5's global lock, so that threads reading traces at once (a batch's workers making
// their digests) inflate in parallel instead of one chunk at a time for the whole process.
// Calls consume(rows, count, first) with each chunk's rows in order, and returns true; returns
// false, having called nothing, for a dataset stored in any other way (the caller then reads it
// through H5Dread).
template <class Consume>
bool for_each_stored_chunk(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& dims,
                           const std::string& what, Consume consume) {
  if (dims.empty() || dims.size() > 2) return false;
  const Hid create = sim::trace::make_plist(H5Dget_create_plist(dataset), what);
  if (H5Pget_layout(create.get()) != H5D_CHUNKED || H5Pget_nfilters(create.get()) != 2) {
    return false;
  }
  const auto filter = [&](unsigned index) {
    unsigned flags = 0;
    std::size_t values = 0;
    return H5Pget_filter2(create.get(), index, &flags, &values, nullptr, 0, nullptr, nullptr);
  };
  if (filter(0) != H5Z_FILTER_SHUFFLE || filter(1) != H5Z_FILTER_DEFLATE) return false;
  std::vector<hsize_t> chunk(dims.size());
  if (H5Pget_chunk(create.get(), static_cast<int>(chunk.size()), chunk.data()) !=
          static_cast<int>(dims.size()) ||
      chunk[0] == 0 || (dims.size() == 2 && chunk[1] != dims[1])) {
    return false;
  }
  const Hid stored = make_type(H5Dget_type(dataset), what);
  if (H5Tequal(stored.get(), memory_type) <= 0) return false;
  const std::size_t element_size = H5Tget_size(memory_type);
  const std::size_t row_bytes = element_size * (dims.size() == 2 ? dims[1] : 1);
  const std::size_t chunk_bytes = row_bytes * chunk[0];
  // Every chunk is looked up before any is decoded: one never written, or stored unfiltered
  // (HDF5 does that when deflate would not shrink it), leaves the whole dataset to H5Dread.
  const hsize_t chunks = (dims[0] + chunk[0] - 1) / chunk[0];
  std::vector<hsize_t> sizes(static_cast<std::size_t>(chunks));
  std::vector<hsize_t> offset(dims.size(), 0);
  for (hsize_t c = 0; c < chunks; ++c) {
    offset[0] = c * chunk[0];
    unsigned skipped_filters = 0;
    haddr_t address = HADDR_UNDEF;
    if (H5Dget_chunk_info_by_coord(dataset, offset.data(), &skipped_filters, &address, &sizes[c]) <
            0 ||
        address == HADDR_UNDEF || skipped_filters != 0) {
      return false;
    }
  }
  std::vector<std::byte> raw;
  for (hsize_t c = 0; c < chunks; ++c) {
    offset[0] = c * chunk[0];
    raw.resize(static_cast<std::size_t>(sizes[c]));
    std::uint32_t skipped_filters = 0;
    check(H5Dread_chunk(dataset, H5P_DEFAULT, offset.data(), &skipped_filters, raw.data()), what);
    const std::optional<std::vector<std::byte>> inflated =
        sim::trace::inflate_bytes(raw, chunk_bytes);
    if (!inflated) {
      throw TraceIoError(fmt::format("{}: chunk {} is corrupt (it does not inflate to {} bytes)",
                                     what, c, chunk_bytes));
    }
    const std::vector<std::byte> rows = sim::trace::unshuffle_bytes(*inflated, element_size);
    consume(rows.data(), static_cast<std::size_t>(std::min(chunk[0], dims[0] - offset[0])),
            static_cast<std::size_t>(offset[0]));
  }
  return true;
}

// Calls consume(rows, count, first) for successive blocks of a one-dimensional table, read as
// packed rows of `memory_type`: its stored chunks decoded here when it is stored as the writer
// stores tables, else blocks of kBlockRows rows read through H5Dread.
template <class Consume>
void for_each_block(hid_t dataset, hid_t memory_type, const std::string& what, Consume consume) {
  const hsize_t total = table_rows(dataset, what);
  if (total == 0 || for_each_stored_chunk(dataset, memory_type, {total}, what, consume)) return;
  const std::size_t row_size = H5Tget_size(memory_type);
  std::vector<std::byte> buffer(static_cast<std::size_t>(std::min(total, kBlockRows)) * row_size);
  const Hid file_space = make_space(H5Dget_space(dataset), what);
  for (hsize_t first = 0; first < total; first += kBlockRows) {
    const hsize_t count = std::min(kBlockRows, total - first);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr),
          what);
    const Hid memory_space = make_space(H5Screate_simple(1, &count, nullptr), what);
    const Hid transfer = sim::trace::conversion_transfer(buffer.size());
    check(H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), transfer.get(),
                  buffer.data()),
          what);
    consume(buffer.data(), static_cast<std::size_t>(count), static_cast<std::size_t>(first));
  }
}

// Every row of a one-dimensional table of packed `memory_type` rows, unpacked one by one.
template <class Record, class Unpack>
std::vector<Record> read_rows(hid_t dataset, hid_t memory_type, const std::string& what,
                              Unpack unpack) {
  const std::size_t row_size = H5Tget_size(memory_type);
  std::vector<Record> result;
  result.reserve(table_rows(dataset, what));
  for_each_block(dataset, memory_type, what,
                 [&](const std::byte* rows, std::size_t count, std::size_t /*first*/) {
                   for (std::size_t i = 0; i < count; ++i) {
                     result.push_back(unpack(rows + i * row_size));
                   }
                 });
  return result;
}

// A whole numeric dataset, converted to T.
template <class T>
std::vector<T> read_numbers(hid_t dataset, const std::string& what) {
  hid_t memory_type = H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, std::uint64_t>) memory_type = H5T_NATIVE_UINT64;
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::uint64_t>);
  const std::vector<hsize_t> dims = shape(dataset, what);
  std::vector<T> values(element_count(dims));
  // An empty buffer may be null, which H5Dread refuses even when there is nothing to read.
  if (values.empty()) return values;
  const std::size_t row_size = values.size() / static_cast<std::size_t>(dims[0]) * sizeof(T);
  auto* out = reinterpret_cast<std::byte*>(values.data());
  const bool decoded =
      for_each_stored_chunk(dataset, memory_type, dims, what,
                            [&](const std::byte* rows, std::size_t count, std::size_t first) {
                              std::copy_n(rows, count * row_size, out + first * row_size);
                            });
  if (!decoded) {
    check(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
  }
  return values;
}

// Frees the strings HDF5 allocated for a variable-length read, whatever happens after the read.
struct HeapStrings {
  std::vector<char*> pointers;
  explicit HeapStrings(std::size_t count) : pointers(count, nullptr) {}
  HeapStrings(const HeapStrings&) = delete;
  HeapStrings& operator=(const HeapStrings&) = delete;
  ~HeapStrings() {
    for (char* p : pointers) H5free_memory(p);
  }
};

// `count` strings of `stored_type`, variable-length or fixed-width, read through
// read(memory_type, buffer): H5Aread or H5Dread bound to the object.
template <class Read>
std::vector<std::string> read_strings(hid_t stored_type, std::size_t count, Read read,
                                      const std::string& what) {
  std::vector<std::string> result;
  if (count == 0) return result;
  result.reserve(count);
  const htri_t variable = H5Tis_variable_str(stored_type);
  check(variable, what);
  // A copy of the stored type keeps its character set and padding, so HDF5 converts nothing.
  const Hid memory_type = make_type(H5Tcopy(stored_type), what);
  if (variable > 0) {
    HeapStrings strings(count);
    check(read(memory_type.get(), static_cast<void*>(strings.pointers.data())), what);
    for (const char* p : strings.pointers) result.emplace_back(p == nullptr ? "" : p);
  } else {
    const std::size_t width = H5Tget_size(stored_type);
    std::vector<std::byte> buffer(count * width);
    check(read(memory_type.get(), static_cast<void*>(buffer.data())), what);
    for (std::size_t i = 0; i < count; ++i)
      result.push_back(padded_text(&buffer[i * width], width));
  }
  return result;
}

std::vector<std::string> read_string_dataset(hid_t dataset, const std::string& what) {
  const Hid type = make_type(H5Dget_type(dataset), what);
  const std::size_t count = element_count(shape(dataset, what));
  return read_strings(
      type.get(), count,
      [dataset, count](hid_t memory_type, void* buffer) {
        const Hid transfer = sim::trace::conversion_transfer(count * sizeof(char*));
        return H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, transfer.get(), buffer);
      },
      what);
}

// The value of an attribute. Types and shapes that format_version 1 does not use come back as a
// description rather than an error, so that a listing of attributes still shows the rest.
AttributeValue read_attribute(hid_t attribute, const std::string& what) {
  const Hid type = make_type(H5Aget_type(attribute), what);
  const Hid space = make_space(H5Aget_space(attribute), what);
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  if (points < 0) check(-1, what);
  if (points != 1) return fmt::format("({} values)", points);
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      auto read = [attribute](hid_t memory_type, void* buffer) {
        return H5Aread(attribute, memory_type, buffer);
      };
      return read_strings(type.get(), 1, read, what).front();
    }
    case H5T_INTEGER: {
      std::int64_t value = 0;
      check(H5Aread(attribute, H5T_NATIVE_INT64, &value), what);
      return value;
    }
    case H5T_FLOAT: {
      double value = 0;
      check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), what);
      return value;
    }
    default:
      return std::string("(unsupported type)");
  }
}

// For messages: strings quoted, numbers as they are.
std::string describe(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return fmt::format("'{}'", *text);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return fmt::format("{}", *integer);
  return fmt::format("{}", std::get<double>(value));
}

// C callbacks of HDF5's iterations: no exception may cross them, so they report failure as -1.
herr_t collect_attribute_name(hid_t /*object*/, const char* name, const H5A_info_t* /*info*/,
                              void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

herr_t collect_link_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/,
                         void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

herr_t collect_dataset_path(hid_t /*object*/, const char* name, const H5O_info_t* info,
                            void* data) noexcept {
  try {
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
    }
    return 0;
  } catch (...) {
    return -1;
  }
}

DatasetInfo describe_dataset(hid_t dataset, std::string path, const std::string& what) {
  DatasetInfo info;
  info.path = std::move(path);
  const Hid space = make_space(H5Dget_space(dataset), what);
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  std::uint64_t elements = 0;
  if (space_class == H5S_SCALAR) {
    info.rows = 1;
    elements = 1;
  } else if (space_class == H5S_SIMPLE) {
    const std::vector<hsize_t> dims = shape(dataset, what);
    info.rows = dims.empty() ? 1 : dims[0];
    elements = element_count(dims);
  }  // H5S_NULL: no elements
  const Hid type = make_type(H5Dget_type(dataset), what);
  info.element_bytes = H5Tget_size(type.get());
  info.logical_bytes = elements * info.element_bytes;
  info.storage_bytes = H5Dget_storage_size(dataset);
  info.variable_length =
      H5Tis_variable_str(type.get()) > 0 || H5Tdetect_class(type.get(), H5T_VLEN) > 0;
  return info;
}

// Checks what the C library can tell better than HDF5: a missing file, a directory, no
// permission.
void check_readable(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    const bool missing = !error || error == std::errc::no_such_file_or_directory;
    throw TraceIoError(fmt::format("{}: cannot open: {}", path.string(),
                                   missing ? "no such file" : error.message()));
  }
  if (std::filesystem::is_directory(status)) {
    throw TraceIoError(fmt::format("{}: cannot open: is a directory", path.string()));
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int code = errno;
    throw TraceIoError(
        fmt::format("{}: cannot open: {}", path.string(), std::generic_category().message(code)));
  }
  std::fclose(file);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TraceReader::TraceReader(std::filesystem::path path, bool allow_partial) : path_(std::move(path)) {
  sim::trace::silence_hdf5_errors();
  check_readable(path_);
  const htri_t hdf5 = H5Fis_hdf5(path_.c_str());
  if (hdf5 == 0) throw error("not an HDF5 file");
  check(hdf5, context("cannot open"));
  try {
    file_ = make_file(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), context("cannot open"));
  } catch (const TraceIoError& e) {
    // HDF5 locks a file while a writer has it open (the lock goes when that process ends), so
    // this is a run still in progress; HDF5's own words for it are errno-speak.
    if (std::string_view(e.what()).find("unable to lock file") != std::string_view::npos) {
      throw error("cannot open: another process is writing it (a run in progress)");
    }
    throw;
  }
  check_identity(allow_partial);
}

void TraceReader::check_identity(bool allow_partial) {
  const std::optional<AttributeValue> format = attribute("format");
  const auto* format_text = format ? std::get_if<std::string>(&*format) : nullptr;
  if (format_text == nullptr || *format_text != kFormat) {
    throw error(fmt::format("not a circlesim trace ({}, expected '{}')",
                            format ? "format " + describe(*format) : "no 'format' attribute",
                            kFormat));
  }

  const std::optional<AttributeValue> version = attribute("format_version");
  const auto* version_number = version ? std::get_if<std::int64_t>(&*version) : nullptr;
  if (version_number == nullptr || *version_number != kReadableFormatVersion) {
    throw error(fmt::format("unsupported format_version {} (this build reads version {})",
                            version ? describe(*version) : "(missing)", kReadableFormatVersion));
  }
  format_version_ = *version_number;

  const std::optional<AttributeValue> status = attribute("status");
  const auto* status_text = status ? std::get_if<std::string>(&*status) : nullptr;
  if (status_text == nullptr) throw error("not a circlesim trace (no 'status' attribute)");
  status_ = *status_text;
  if (status_ != "complete" && !allow_partial) {
    std::string detail;
    if (const std::optional<AttributeValue> stopped = attribute("interrupted_at")) {
      detail = fmt::format(", stopped at simulated time {} min", describe(*stopped));
    }
    throw error(
        fmt::format("trace status is '{}'{}, not 'complete'; allow partial files to read it anyway",
                    status_, detail));
  }
}

std::string TraceReader::context(const std::string& what) const {
  return fmt::format("{}: {}", path_.string(), what);
}

TraceIoError TraceReader::error(const std::string& what) const {
  return TraceIoError(context(what));
}

hid_t TraceReader::file() const {
  // HDF5 prints its error stack unless told not to, and that setting is per thread: do it for
  // whichever thread is reading. Failures are reported as TraceIoError instead.
  sim::trace::silence_hdf5_errors();
  return file_.get();
}

bool TraceReader::has_object(const std::string& object_path, H5O_type_t type) const {
  // H5Lexists fails, rather than answering false, when a group along the path is missing: walk
  // the path link by link.
  for (std::size_t end = object_path.find('/', 1);; end = object_path.find('/', end + 1)) {
    const std::string prefix = object_path.substr(0, end);
    if (H5Lexists(file(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (end == std::string::npos) break;
  }
  H5O_info_t info{};
  if (H5Oget_info_by_name2(file(), object_path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);  // e.g. a soft link to nothing
    return false;
  }
  return info.type == type;
}

Hid TraceReader::open_dataset(const std::string& dataset_path) const {
  if (!has_object(dataset_path, H5O_TYPE_DATASET)) throw error("no dataset " + dataset_path);
  return make_dataset(H5Dopen2(file(), dataset_path.c_str(), H5P_DEFAULT),
                      context("opening " + dataset_path));
}

std::vector<std::string> TraceReader::children(const std::string& group_path) const {
  std::vector<std::string> names;
  if (!has_object(group_path, H5O_TYPE_GROUP)) return names;
  const Hid group = make_group(H5Gopen2(file(), group_path.c_str(), H5P_DEFAULT),
                               context("opening " + group_path));
  check(H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link_name, &names),
        context("listing " + group_path));
  return names;
}

std::optional<AttributeValue> TraceReader::object_attribute(const std::string& object_path,
                                                            const std::string& name) const {
  if (object_path != "/" && !has_object(object_path, H5O_TYPE_DATASET) &&
      !has_object(object_path, H5O_TYPE_GROUP)) {
    return std::nullopt;
  }
  const std::string what = context(fmt::format("attribute '{}' of {}", name, object_path));
  const htri_t exists = H5Aexists_by_name(file(), object_path.c_str(), name.c_str(), H5P_DEFAULT);
  check(exists, what);
  if (exists == 0) return std::nullopt;
  const Hid attribute = make_attribute(
      H5Aopen_by_name(file(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), what);
  return read_attribute(attribute.get(), what);
}

std::optional<std::string> TraceReader::text_attribute(const std::string& object_path,
                                                       const std::string& name) const {
  const std::optional<AttributeValue> value = object_attribute(object_path, name);
  if (!value) return std::nullopt;
  if (const auto* text = std::get_if<std::string>(&*value)) return *text;
  return std::nullopt;
}

std::string TraceReader::required_text(const std::string& object_path,
                                       const std::string& name) const {
  std::optional<std::string> text = text_attribute(object_path, name);
  if (!text) throw error(fmt::format("{} has no string attribute '{}'", object_path, name));
  return std::move(*text);
}

double TraceReader::required_number(const std::string& object_path, const std::string& name) const {
  const std::optional<AttributeValue> value = object_attribute(object_path, name);
  if (value) {
    if (const auto* number = std::get_if<double>(&*value)) return *number;
    if (const auto* integer = std::get_if<std::int64_t>(&*value)) {
      return static_cast<double>(*integer);
    }
  }
  throw error(fmt::format("{} has no numeric attribute '{}'", object_path, name));
}

std::vector<Attribute> TraceReader::attributes() const {
  std::vector<std::string> names;
  check(H5Aiterate2(file(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name, &names),
        context("listing attributes"));
  std::vector<Attribute> result;
  result.reserve(names.size());
  for (std::string& name : names) {
    AttributeValue value = *object_attribute("/", name);
    result.emplace_back(std::move(name), std::move(value));
  }
  return result;
}

std::optional<AttributeValue> TraceReader::attribute(const std::string& name) const {
  return object_attribute("/", name);
}

std::string TraceReader::source_yaml() const {
  const Hid dataset = open_dataset("/scenario/source_yaml");
  return read_string_dataset(dataset.get(), context("reading /scenario/source_yaml")).at(0);
}

std::string TraceReader::resolved_yaml() const {
  const Hid dataset = open_dataset("/scenario/resolved_yaml");
  return read_string_dataset(dataset.get(), context("reading /scenario/resolved_yaml")).at(0);
}

std::optional<std::string> TraceReader::source_yaml_sha256() const {
  return text_attribute("/scenario/source_yaml", "sha256");
}

std::optional<std::string> TraceReader::resolved_yaml_sha256() const {
  return text_attribute("/scenario/resolved_yaml", "sha256");
}

std::optional<std::string> TraceReader::source_path() const {
  return text_attribute("/scenario/source_yaml", "path");
}

std::vector<std::string> TraceReader::lookup_kinds() const { return children("/lookup"); }

std::vector<std::string> TraceReader::lookup(const std::string& kind) const {
  const std::string path = "/lookup/" + kind;
  if (!has_object(path, H5O_TYPE_DATASET)) return {};
  const Hid dataset = open_dataset(path);
  return read_string_dataset(dataset.get(), context("reading " + path));
}

bool TraceReader::has_requests() const { return has_object(kRequestsPath, H5O_TYPE_DATASET); }

std::uint64_t TraceReader::request_count() const {
  if (!has_requests()) return 0;
  const Hid dataset = open_dataset(kRequestsPath);
  return table_rows(dataset.get(), context(kRequestsPath));
}

Hid TraceReader::open_table(const std::string& table_path) const {
  if (has_object(table_path, H5O_TYPE_DATASET)) return open_dataset(table_path);
  const std::optional<std::string> level = text_attribute("/", "trace_level");
  throw error(fmt::format("no {} (trace level '{}')", table_path, level.value_or("unknown")));
}

std::vector<RequestRecord> TraceReader::requests() const {
  const Hid dataset = open_table(kRequestsPath);
  const Hid type = request_row_type();
  const std::string what = context(std::string("reading ") + kRequestsPath);
  std::vector<RequestRecord> result;
  result.reserve(table_rows(dataset.get(), what));
  for_each_block(
      dataset.get(), type.get(), what,
      [&](const std::byte* rows, std::size_t count, std::size_t first) {
        for (std::size_t i = 0; i < count; ++i) {
          const std::byte* row = rows + i * request_column::kRowSize;
          const auto outcome = std::to_integer<std::uint8_t>(row[request_column::kOutcome]);
          if (outcome >= kRequestOutcomeCount) {
            throw TraceIoError(fmt::format("{}: row {} has an unknown outcome", what, first + i));
          }
          result.push_back(unpack_request(row));
        }
      });
  return result;
}

std::array<std::uint64_t, kRequestOutcomeCount> TraceReader::outcome_counts() const {
  const Hid dataset = open_table(kRequestsPath);
  const Hid type = outcome_only_type();
  const std::string what = context(std::string("reading outcomes of ") + kRequestsPath);
  std::array<std::uint64_t, kRequestOutcomeCount> counts{};
  for_each_block(
      dataset.get(), type.get(), what,
      [&](const std::byte* rows, std::size_t count, std::size_t first) {
        for (std::size_t i = 0; i < count; ++i) {
          const auto outcome = static_cast<std::size_t>(rows[i]);
          if (outcome >= counts.size()) {
            throw TraceIoError(fmt::format("{}: row {} has an unknown outcome", what, first + i));
          }
          ++counts[outcome];
        }
      });
  return counts;
}

bool TraceReader::has_events() const { return has_object(kEventsPath, H5O_TYPE_DATASET); }

std::vector<EventRecord> TraceReader::events() const {
  const Hid dataset = open_table(kEventsPath);
  const Hid type = event_row_type();
  return read_rows<EventRecord>(dataset.get(), type.get(),
                                context(std::string("reading ") + kEventsPath), unpack_event);
}

std::vector<std::string> TraceReader::timeseries_metrics() const { return children("/timeseries"); }

sim::trace::TimeSeries TraceReader::timeseries(const std::string& metric) const {
  const std::string group = "/timeseries/" + metric;
  if (!has_object(group, H5O_TYPE_GROUP)) {
    throw error(fmt::format("no time series '{}' (available: {})", metric,
                            fmt::join(timeseries_metrics(), ", ")));
  }
  sim::trace::TimeSeries series;
  series.metric = metric;
  const std::string what = context("reading " + group);
  const Hid time = open_dataset(group + "/time");
  const Hid value = open_dataset(group + "/value");
  series.times = read_numbers<double>(time.get(), what + "/time");
  const std::vector<hsize_t> dims = shape(value.get(), what + "/value");
  if (dims.size() != 2 || dims[0] != series.times.size()) {
    throw error(fmt::format("{}/value has shape ({}), expected ({}, rooms)", group,
                            fmt::join(dims, ", "), series.times.size()));
  }
  series.entities = static_cast<std::size_t>(dims[1]);
  series.values = read_numbers<double>(value.get(), what + "/value");
  series.unit = required_text(group, "unit");
  series.entity = required_text(group, "entity");
  series.statistic = required_text(group, "statistic");
  series.interval = required_number(group, "interval");
  return series;
}

std::vector<ScalarRecord> TraceReader::scalars() const {
  if (!has_object(kScalarsPath, H5O_TYPE_DATASET)) return {};
  const Hid dataset = open_dataset(kScalarsPath);
  const Hid type = scalar_row_type();
  return read_rows<ScalarRecord>(dataset.get(), type.get(),
                                 context(std::string("reading ") + kScalarsPath), unpack_scalar);
}

std::vector<std::string> TraceReader::histogram_metrics() const { return children("/histograms"); }

sim::trace::HistogramSet TraceReader::histograms(const std::string& metric) const {
  const std::string group = "/histograms/" + metric;
  if (!has_object(group, H5O_TYPE_GROUP)) {
    throw error(fmt::format("no histograms '{}' (available: {})", metric,
                            fmt::join(histogram_metrics(), ", ")));
  }
  sim::trace::HistogramSet set;
  set.metric = metric;
  const std::string what = context("reading " + group);
  const Hid edges = open_dataset(group + "/edges");
  const Hid counts = open_dataset(group + "/counts");
  const Hid zero = open_dataset(group + "/zero_count");
  const Hid overflow = open_dataset(group + "/overflow_count");
  set.edges = read_numbers<double>(edges.get(), what + "/edges");
  set.zero_counts = read_numbers<std::uint64_t>(zero.get(), what + "/zero_count");
  set.overflow_counts = read_numbers<std::uint64_t>(overflow.get(), what + "/overflow_count");
  const std::size_t buckets = set.edges.empty() ? 0 : set.edges.size() - 1;
  const std::size_t entities = set.zero_counts.size();
  const std::vector<hsize_t> dims = shape(counts.get(), what + "/counts");
  if (dims.size() != 2 || dims[0] != entities || dims[1] != buckets ||
      set.overflow_counts.size() != entities) {
    throw error(fmt::format("{}/counts has shape ({}), expected ({}, {})", group,
                            fmt::join(dims, ", "), entities, buckets));
  }
  set.counts = read_numbers<std::uint64_t>(counts.get(), what + "/counts");
  set.unit = required_text(group, "unit");
  set.entity = required_text(group, "entity");
  set.relative_error = required_number(group, "relative_error");
  return set;
}

bool TraceReader::has_table(const std::string& name) const {
  return has_object("/" + name, H5O_TYPE_DATASET);
}

sim::trace::Table TraceReader::table(const std::string& name) const {
  const std::string path = "/" + name;
  if (!has_table(name)) throw error("no table " + path);
  const std::string what = context("reading table " + path);
  const Hid dataset = open_dataset(path);
  const Hid stored = make_type(H5Dget_type(dataset.get()), what);
  if (H5Tget_class(stored.get()) != H5T_COMPOUND) {
    throw error(fmt::format("{} is not a table (not a compound dataset)", path));
  }
  const int members = H5Tget_nmembers(stored.get());
  check(members, what);
  // A memory type of doubles with the stored names: HDF5 converts each member by name.
  const auto columns = static_cast<std::size_t>(members);
  const Hid memory =
      make_type(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(1, columns) * 8), what);
  sim::trace::Table table;
  for (unsigned m = 0; m < static_cast<unsigned>(members); ++m) {
    char* member_name = H5Tget_member_name(stored.get(), m);
    if (member_name == nullptr) check(-1, what);
    std::string column_name(member_name);
    H5free_memory(member_name);
    if (H5Tget_member_class(stored.get(), m) != H5T_FLOAT) {
      throw error(fmt::format("{}: column '{}' is not float64", path, column_name));
    }
    check(H5Tinsert(memory.get(), column_name.c_str(), m * sizeof(double), H5T_NATIVE_DOUBLE),
          what);
    table.columns.push_back({std::move(column_name), {}});
  }
  const std::size_t rows = table_rows(dataset.get(), what);
  std::vector<double> packed(rows * columns);
  if (!packed.empty()) {
    const Hid transfer = sim::trace::conversion_transfer(packed.size() * sizeof(double));
    check(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, transfer.get(), packed.data()),
          what);
  }
  for (std::size_t c = 0; c < columns; ++c) {
    std::vector<double>& values = table.columns[c].values;
    values.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) values[r] = packed[r * columns + c];
  }
  std::vector<std::string> names;
  check(H5Aiterate2(dataset.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name,
                    &names),
        what);
  for (const std::string& key : names) {
    const AttributeValue value = *object_attribute(path, key);
    if (const auto* text = std::get_if<std::string>(&value)) {
      table.attributes[key] = *text;
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      table.attributes[key] = static_cast<double>(*integer);
    } else {
      table.attributes[key] = std::get<double>(value);
    }
  }
  return table;
}

std::vector<DatasetInfo> TraceReader::datasets() const {
  std::vector<std::string> paths;
  check(H5Ovisit2(file(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset_path, &paths, H5O_INFO_BASIC),
        context("listing datasets"));
  std::sort(paths.begin(), paths.end());
  std::vector<DatasetInfo> result;
  result.reserve(paths.size());
  for (std::string& path : paths) {
    const Hid dataset = open_dataset(path);
    const std::string what = context(path);
    result.push_back(describe_dataset(dataset.get(), std::move(path), what));
  }
  return result;
}

}  // namespace circlesim::analysis
