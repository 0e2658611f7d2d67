#include "sim/trace/hdf5_handle.hpp"

#include <algorithm>
#include <vector>

namespace circlesim::sim::trace {

namespace {

// Collects the descriptions of HDF5's error stack, innermost last: the last ones name the cause.
herr_t collect_error(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (error->desc != nullptr && error->desc[0] != '\0') messages->emplace_back(error->desc);
  return 0;
}

std::string hdf5_error_text() {
  std::vector<std::string> messages;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &messages);
  H5Eclear2(H5E_DEFAULT);
  // The outermost message says what was attempted, the innermost why it failed; the ones
  // between only repeat the layers of HDF5 the call went through.
  std::string text;
  if (!messages.empty()) text = messages.front();
  if (messages.size() > 1) text += "; " + messages.back();
  for (char& c : text) {
    if (c == '\n') c = ' ';  // the file driver's message spans lines
  }
  return text.empty() ? "unknown HDF5 error" : text;
}

}  // namespace

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw TraceIoError(what + ": " + hdf5_error_text());
}

Hid::Hid(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
  if (id < 0) throw TraceIoError(what + ": " + hdf5_error_text());
}

Hid& Hid::operator=(Hid&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

bool Hid::reset() {
  if (id_ < 0) return true;
  const herr_t status = closer_(id_);
  id_ = H5I_INVALID_HID;
  return status >= 0;
}

Hid make_file(hid_t id, const std::string& what) { return {id, H5Fclose, what}; }
Hid make_group(hid_t id, const std::string& what) { return {id, H5Gclose, what}; }
Hid make_dataset(hid_t id, const std::string& what) { return {id, H5Dclose, what}; }
Hid make_space(hid_t id, const std::string& what) { return {id, H5Sclose, what}; }
Hid make_type(hid_t id, const std::string& what) { return {id, H5Tclose, what}; }
Hid make_plist(hid_t id, const std::string& what) { return {id, H5Pclose, what}; }
Hid make_attribute(hid_t id, const std::string& what) { return {id, H5Aclose, what}; }

Hid utf8_string_type() {
  Hid type = make_type(H5Tcopy(H5T_C_S1), "string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string type");
  return type;
}

Hid fixed_string_type(std::size_t width) {
  Hid type = make_type(H5Tcopy(H5T_C_S1), "string type");
  check(H5Tset_size(type.get(), width), "string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "string type");
  return type;
}

Hid conversion_transfer(std::size_t bytes) {
  constexpr std::size_t kSmallest = 4096;
  constexpr std::size_t kLargest = 1 << 20;  // HDF5's default
  Hid transfer = make_plist(H5Pcreate(H5P_DATASET_XFER), "transfer property list");
  check(H5Pset_buffer(transfer.get(), std::clamp(bytes, kSmallest, kLargest), nullptr, nullptr),
        "transfer buffer");
  return transfer;
}

namespace {
void write_attribute_raw(hid_t object, const std::string& name, hid_t type, const void* value) {
  if (H5Aexists(object, name.c_str()) > 0) {
    check(H5Adelete(object, name.c_str()), "replacing attribute " + name);
  }
  const Hid space = make_space(H5Screate(H5S_SCALAR), "attribute " + name);
  const Hid attribute =
      make_attribute(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                     "creating attribute " + name);
  check(H5Awrite(attribute.get(), type, value), "writing attribute " + name);
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Hid type = utf8_string_type();
  const char* text = value.c_str();
  write_attribute_raw(object, name, type.get(), &text);
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_attribute_raw(object, name, H5T_NATIVE_INT64, &value);
}

void write_attribute(hid_t object, const std::string& name, double value) {
  write_attribute_raw(object, name, H5T_NATIVE_DOUBLE, &value);
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value) {
  const Hid type = utf8_string_type();
  const Hid space = make_space(H5Screate(H5S_SCALAR), "dataset " + name);
  const Hid dataset = make_dataset(H5Dcreate2(parent, name.c_str(), type.get(), space.get(),
                                              H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                   "creating dataset " + name);
  const char* text = value.c_str();
  const Hid transfer = conversion_transfer(sizeof(text));
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, transfer.get(), &text),
        "writing dataset " + name);
}

namespace {

// A one-dimensional dataset of `size` elements of `type`, contiguous.
Hid create_list(hid_t parent, const std::string& name, hid_t type, hsize_t size) {
  const Hid space = make_space(H5Screate_simple(1, &size, nullptr), "dataset " + name);
  return make_dataset(
      H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "creating dataset " + name);
}

}  // namespace

void write_string_list(hid_t parent, const std::string& name,
                       const std::vector<std::string>& values) {
  const Hid type = utf8_string_type();
  const Hid dataset = create_list(parent, name, type.get(), values.size());
  if (values.empty()) return;
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) pointers.push_back(value.c_str());
  const Hid transfer = conversion_transfer(pointers.size() * sizeof(const char*));
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, transfer.get(), pointers.data()),
        "writing dataset " + name);
}

void write_fixed_string_list(hid_t parent, const std::string& name,
                             const std::vector<std::string>& values) {
  std::size_t width = 1;  // HDF5 has no strings of size 0
  for (const std::string& value : values) width = std::max(width, value.size());
  const Hid type = fixed_string_type(width);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string type");
  const Hid dataset = create_list(parent, name, type.get(), values.size());
  if (values.empty()) return;
  std::vector<char> packed(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(),
              packed.begin() + static_cast<std::ptrdiff_t>(i * width));
  }
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()),
        "writing dataset " + name);
}

Hid ensure_group(hid_t file, const std::string& path) {
  Hid group = make_group(H5Gopen2(file, "/", H5P_DEFAULT), "opening /");
  std::size_t begin = 1;
  while (begin < path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    const std::string name = path.substr(begin, end - begin);
    const bool exists = H5Lexists(group.get(), name.c_str(), H5P_DEFAULT) > 0;
    group = make_group(
        exists ? H5Gopen2(group.get(), name.c_str(), H5P_DEFAULT)
               : H5Gcreate2(group.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "group " + path.substr(0, end));
    begin = end + 1;
  }
  return group;
}

}  // namespace circlesim::sim::trace
