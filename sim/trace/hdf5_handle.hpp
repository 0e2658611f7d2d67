// Thin RAII over HDF5 C identifiers, and the errors HDF5 reports, as exceptions with a message
// taken from HDF5's own error stack ("file write failed ... No space left on device").
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace circlesim::sim::trace {

// Reading or writing a trace failed (the command line turns this into exit code 74).
class TraceIoError : public std::runtime_error {
 public:
  explicit TraceIoError(const std::string& message) : std::runtime_error(message) {}
};

// Turns off HDF5's printing of its error stack for the calling thread (HDF5 keeps that setting
// per thread); errors are reported through TraceIoError instead.
void silence_hdf5_errors();

// Throws TraceIoError("<what>: <HDF5's innermost messages>") when `status` is negative.
void check(herr_t status, const std::string& what);

class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  // Takes ownership of `id`; throws TraceIoError naming `what` when `id` is invalid.
  Hid(hid_t id, Closer closer, const std::string& what);
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Hid& operator=(Hid&& other) noexcept;
  ~Hid() { reset(); }

  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }
  // Closes now; returns false when HDF5 reported a failure (e.g. the final flush of a file).
  bool reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

Hid make_file(hid_t id, const std::string& what);
Hid make_group(hid_t id, const std::string& what);
Hid make_dataset(hid_t id, const std::string& what);
Hid make_space(hid_t id, const std::string& what);
Hid make_type(hid_t id, const std::string& what);
Hid make_plist(hid_t id, const std::string& what);
Hid make_attribute(hid_t id, const std::string& what);

// A variable-length UTF-8 string type, as h5py reads into str.
Hid utf8_string_type();
// Fixed-width text padded with NULs.
Hid fixed_string_type(std::size_t width);

// A dataset transfer property list for a read or write of about `bytes` that converts types
// (strings, compounds): its conversion buffers are sized to the data (4 KiB to 1 MiB). HDF5
// zero-fills two buffers of 1 MiB for each such transfer by default, which cost more than
// writing or reading the small datasets of a trace themselves.
Hid conversion_transfer(std::size_t bytes);

// Attributes on a file, group or dataset; an existing attribute of that name is replaced.
void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, double value);

// Scalar and one-dimensional string datasets.
void write_string_dataset(hid_t parent, const std::string& name, const std::string& value);
void write_string_list(hid_t parent, const std::string& name,
                       const std::vector<std::string>& values);
// The same as fixed-length UTF-8 strings, as wide as the longest value (zero-padded): for long
// columns of short, repeated strings, which HDF5 writes about thirty times faster than
// variable-length ones (each of those is an object of its own in the file's global heap).
void write_fixed_string_list(hid_t parent, const std::string& name,
                             const std::vector<std::string>& values);

// Creates every missing group along `path` ("/a/b/c") and returns the last.
Hid ensure_group(hid_t file, const std::string& path);

}  // namespace circlesim::sim::trace
