#include "models/scenario/yaml_document.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <istream>
#include <limits>
#include <memory>
#include <new>
#include <streambuf>
#include <system_error>
#include <vector>

namespace circlesim::scenario {
namespace {

// Limits against absurd or hostile input. Real scenarios nest a handful of levels and weigh a
// few kilobytes; these only stop a runaway file from exhausting the stack or the memory.
constexpr std::size_t kMaxNesting = 64;
constexpr std::size_t kMaxBytes = std::size_t{256} << 20;
// Aliases let a tiny file expand into billions of values ("billion laughs"). Without aliases a
// document cannot hold more values than it has bytes, so this much beyond the byte count can
// only come from alias expansion.
constexpr std::size_t kAliasAllowance = 100'000;

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// ---------------------------------------------------------------------------------------------
// Raw text checks, done before yaml-cpp sees the bytes: it does not reject malformed UTF-8, so
// a Latin-1 file would otherwise load with mangled names and no word of warning.

// Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned low = 0x80;  // allowed range of the second byte; narrower after some lead bytes
    unsigned high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      low = 0xA0;
    } else if (lead == 0xED) {
      length = 3;
      high = 0x9F;
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      length = 3;
    } else if (lead == 0xF0) {
      length = 4;
      low = 0x90;
    } else if (lead == 0xF4) {
      length = 4;
      high = 0x8F;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else {
      return i;
    }
    if (text.size() - i < length || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if ((byte(i + k) & 0xC0U) != 0x80U) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// YAML forbids C0 control characters other than tab and line breaks, and DEL. They only get
// into a scenario by accident (a binary file, a paste from a terminal), and yaml-cpp accepts
// them without a word.
std::size_t first_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
  }
  return std::string_view::npos;
}

// Maps byte positions to the line and column a person sees in an editor. yaml-cpp counts
// columns in bytes and leaves a leading byte-order mark out of its count; we report columns in
// characters so that a value after a non-ASCII name is still pointed at correctly.
class TextIndex {
 public:
  TextIndex(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    const std::size_t start = text.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
    line_starts_.push_back(start);
    for (std::size_t i = start; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] const std::string& file() const { return file_; }

  // Byte offset of a yaml-cpp mark (0-based line and byte column), or npos if it has none.
  [[nodiscard]] std::size_t offset(const YAML::Mark& mark) const {
    if (mark.line < 0 || mark.column < 0) return std::string_view::npos;
    const auto line = static_cast<std::size_t>(mark.line);
    if (line >= line_starts_.size()) return std::string_view::npos;
    return std::min(line_starts_[line] + static_cast<std::size_t>(mark.column), text_.size());
  }

  [[nodiscard]] SourceLocation at_offset(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t line = after == line_starts_.begin()
                                 ? 0
                                 : static_cast<std::size_t>(after - line_starts_.begin()) - 1;
    const std::size_t start = std::min(line_starts_[line], offset);
    // Every byte that is not a UTF-8 continuation byte starts a character.
    const auto characters = std::count_if(text_.begin() + static_cast<std::ptrdiff_t>(start),
                                          text_.begin() + static_cast<std::ptrdiff_t>(offset),
                                          [](char c) { return (c & 0xC0) != 0x80; });
    return {file_, static_cast<int>(line) + 1, static_cast<int>(characters) + 1};
  }

  [[nodiscard]] SourceLocation at(const YAML::Mark& mark) const {
    const std::size_t where = offset(mark);
    if (where == std::string_view::npos) return {file_, 0, 0};
    return at_offset(where);
  }

 private:
  std::string_view text_;
  std::string file_;
  std::vector<std::size_t> line_starts_;
};

// yaml-cpp reads from a std::istream; this one reads the caller's text in place rather than
// copying up to 256 MiB into a std::istringstream.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    // std::streambuf wants char*, but an input-only buffer never writes through it (putting back
    // a character read only moves the pointer back), so dropping const is safe.
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// ---------------------------------------------------------------------------------------------
// YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#103-core-schema) for plain scalars.

bool is_null_word(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> bool_word(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

enum class Parsed { kNo, kYes, kOutOfRange };

bool all_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [base](char c) {
    if (base == 8) return c >= '0' && c <= '7';
    if (base == 16)
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return c >= '0' && c <= '9';
  });
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
Parsed parse_core_int(std::string_view s, std::int64_t& out) {
  int base = 10;
  std::string_view digits = s;
  if (s.starts_with("0o")) {
    base = 8;
    digits = s.substr(2);
  } else if (s.starts_with("0x")) {
    base = 16;
    digits = s.substr(2);
  } else if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    digits = s.substr(1);
  }
  if (!all_digits(digits, base)) return Parsed::kNo;
  // from_chars takes a minus sign but not a plus sign.
  const std::string_view number = (base == 10 && s.front() == '-') ? s : digits;
  const auto result = std::from_chars(number.data(), number.data() + number.size(), out, base);
  if (result.ec == std::errc::result_out_of_range) return Parsed::kOutOfRange;
  return result.ec == std::errc{} ? Parsed::kYes : Parsed::kNo;
}

// A decimal integer above the signed range that still fits 64 bits unsigned (a seed of
// 18446744073709551615). It is read as such, for the schema check to say which range the key
// takes (a seed is from 0 to 2^63-1) rather than the reader give the signed range of every key.
std::optional<std::uint64_t> large_unsigned(std::string_view s) {
  if (s.starts_with('+')) s.remove_prefix(1);
  if (!all_digits(s, 10)) return std::nullopt;
  std::uint64_t value = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  if (result.ec != std::errc{} || result.ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
Parsed parse_core_float(std::string_view s, double& out) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return Parsed::kYes;
  }
  std::string_view rest = s;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) rest.remove_prefix(1);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return Parsed::kYes;
  }
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  const auto skip_digits = [&] {
    const std::size_t from = i;
    while (i < rest.size() && is_digit(rest[i])) ++i;
    return i - from;
  };
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    if (skip_digits() == 0) return Parsed::kNo;
  } else {
    if (skip_digits() == 0) return Parsed::kNo;
    if (i < rest.size() && rest[i] == '.') {
      ++i;
      skip_digits();
    }
  }
  if (i < rest.size() && (rest[i] == 'e' || rest[i] == 'E')) {
    ++i;
    if (i < rest.size() && (rest[i] == '-' || rest[i] == '+')) ++i;
    if (skip_digits() == 0) return Parsed::kNo;
  }
  if (i != rest.size()) return Parsed::kNo;
  // from_chars takes a minus sign but not a plus sign.
  const std::string_view number = negative ? s : rest;
  const auto result = std::from_chars(number.data(), number.data() + number.size(), out);
  if (result.ec == std::errc::result_out_of_range) return Parsed::kOutOfRange;
  return result.ec == std::errc{} && result.ptr == number.data() + number.size() ? Parsed::kYes
                                                                                 : Parsed::kNo;
}

// ---------------------------------------------------------------------------------------------

void append_escaped(std::string& pointer, std::string_view key) {
  pointer += escape_pointer_token(key);
}

std::string display_tag(const std::string& tag) {
  if (std::string_view(tag).starts_with(kCoreTagPrefix)) {
    return "!!" + tag.substr(kCoreTagPrefix.size());
  }
  return tag;
}

const char* kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "mapping";
    case YAML::NodeType::Sequence:
      return "list";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "single value";
  }
}

std::string integer_range_message(std::string_view text) {
  return fmt::format("integer out of range: {} (expected an integer from {} to {})", text,
                     std::numeric_limits<std::int64_t>::min(),
                     std::numeric_limits<std::int64_t>::max());
}

// No scenario value is meant to be infinite or undefined. Let through, .nan would pass every
// range check written as `x < 0` or `x > max` and reach the model as a silent NaN, so both are
// refused here, once for every key, with the value's place.
std::string non_finite_message(std::string_view text) {
  return fmt::format("'{}' is not a finite number (expected a finite number such as 1.5)", text);
}

std::string float_range_message(std::string_view text) {
  return fmt::format(
      "number out of range: {} (expected a magnitude from about 2.2e-308 to 1.8e308, or 0)", text);
}

// Turns the yaml-cpp node tree into JSON, recording locations and collecting every problem.
class Converter {
 public:
  Converter(const TextIndex& index, SourceMap& locations, Diagnostics& diagnostics)
      : index_(index),
        locations_(locations),
        diagnostics_(diagnostics),
        max_values_(index.text().size() + kAliasAllowance) {}

  nlohmann::json convert_root(const YAML::Node& root) {
    pointer_.clear();
    return convert(root, {index_.file(), 1, 1});
  }

  [[nodiscard]] bool failed() const { return failed_; }

  void error(const SourceLocation& where, std::string message) {
    diagnostics_.add(where, pointer_to_key_path(pointer_), std::move(message));
    failed_ = true;
  }

  // Where a node starts. yaml-cpp gives an empty value (`key:` with nothing after it) the mark
  // of the next token, which may be lines further down, so those get `fallback` instead: the
  // key of a mapping entry, or the `-` of a list item.
  [[nodiscard]] SourceLocation location(const YAML::Node& node,
                                        const SourceLocation& fallback) const {
    const YAML::Mark mark = node.Mark();
    const std::size_t offset = index_.offset(mark);
    if (offset == std::string_view::npos) return fallback;
    if (node.Type() == YAML::NodeType::Null && !starts_null_value(index_.text().substr(offset))) {
      return fallback;
    }
    return index_.at_offset(offset);
  }

 private:
  // Whether text at a null node's mark is that node (an explicit null, or its anchor or tag)
  // rather than whatever follows an empty value.
  static bool starts_null_value(std::string_view text) {
    if (text.starts_with("&") || text.starts_with("!") || text.starts_with("~")) return true;
    for (const std::string_view word : {"null", "Null", "NULL"}) {
      if (!text.starts_with(word)) continue;
      const std::string_view after = text.substr(word.size());
      if (after.empty() ||
          std::string_view(" \t\r\n,]}").find(after.front()) != std::string_view::npos) {
        return true;
      }
    }
    return false;
  }

  // The `-` just before an empty list item, if nothing but blanks separates them.
  [[nodiscard]] SourceLocation dash_before(const YAML::Node& item,
                                           const SourceLocation& fallback) const {
    std::size_t offset = index_.offset(item.Mark());
    if (offset == std::string_view::npos) offset = index_.text().size();
    const std::string_view text = index_.text();
    while (offset > 0 &&
           std::string_view(" \t\r\n").find(text[offset - 1]) != std::string_view::npos) {
      --offset;
    }
    if (offset > 0 && text[offset - 1] == '-') return index_.at_offset(offset - 1);
    return fallback;
  }

  nlohmann::json convert(const YAML::Node& node, const SourceLocation& fallback) {
    // After the value limit, return at once so that an alias bomb is not walked to its end.
    if (stopped_) return nullptr;
    const SourceLocation where = location(node, fallback);
    locations_.set(pointer_, where);
    if (++values_ > max_values_) {
      error(where, fmt::format("more than {} values after expanding aliases (expected a "
                               "document of reasonable size)",
                               max_values_));
      stopped_ = true;
      return nullptr;
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return scalar(node, where);
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        return collection(node, where);
      default:  // Null; Undefined does not come out of the parser
        return nullptr;
    }
  }

  nlohmann::json collection(const YAML::Node& node, const SourceLocation& where) {
    const bool is_map = node.IsMap();
    const std::string& tag = node.Tag();
    if (tag != "?" && tag != "!") {
      const std::string expected = std::string(kCoreTagPrefix) + (is_map ? "map" : "seq");
      if (tag != expected) {
        error(where, fmt::format("unsupported tag '{}' on a {} (expected no tag)", display_tag(tag),
                                 kind_name(node)));
      }
    }
    // yaml-cpp builds `&a [*a]` as a node that contains itself; walking it would never end.
    for (const YAML::Node& ancestor : ancestors_) {
      if (ancestor.is(node)) {
        error(where,
              "alias refers to a value that contains it (expected a value defined before "
              "the alias)");
        return nullptr;
      }
    }
    if (ancestors_.size() >= kMaxNesting) {
      if (!nesting_reported_) {
        error(where, fmt::format("nesting deeper than {} levels (expected a flatter document)",
                                 kMaxNesting));
        nesting_reported_ = true;
      }
      return nullptr;
    }
    ancestors_.push_back(node);
    nlohmann::json result = is_map ? mapping(node, where) : sequence(node, where);
    ancestors_.pop_back();
    return result;
  }

  nlohmann::json sequence(const YAML::Node& node, const SourceLocation& where) {
    nlohmann::json result = nlohmann::json::array();
    const std::size_t length = pointer_.size();
    std::size_t index = 0;
    for (const YAML::Node& item : node) {
      pointer_ += '/';
      pointer_ += std::to_string(index++);
      const SourceLocation fallback = item.IsNull() ? dash_before(item, where) : where;
      result.push_back(convert(item, fallback));
      pointer_.resize(length);
    }
    return result;
  }

  nlohmann::json mapping(const YAML::Node& node, const SourceLocation& where) {
    nlohmann::json result = nlohmann::json::object();
    const std::size_t length = pointer_.size();
    std::unordered_map<std::string, int> first_line;  // key -> line of its first occurrence
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      const SourceLocation key_where = location(key, where);
      if (!key.IsScalar()) {
        error(key_where, key.IsNull() ? std::string("empty or null key (expected a name)")
                                      : fmt::format("mapping keys must be scalars, found a {}",
                                                    kind_name(key)));
        continue;
      }
      const std::string& name = key.Scalar();
      const std::string& tag = key.Tag();
      if (tag == "?" && name == "<<") {
        error(key_where, "merge keys (<<) are not supported; use extends");
        continue;
      }
      pointer_ += '/';
      append_escaped(pointer_, name);
      refuse_escaped_controls(name, key_where, "the key");
      // Keys become JSON names whatever their YAML type, so any core-schema tag is harmless.
      if (tag != "?" && tag != "!" && !std::string_view(tag).starts_with(kCoreTagPrefix)) {
        error(key_where, fmt::format("unsupported tag '{}' (expected no tag)", display_tag(tag)));
      }
      const auto [first, inserted] = first_line.emplace(name, key_where.line);
      if (inserted) {
        locations_.set_key(pointer_, key_where);
        result[name] = convert(entry.second, key_where);
      } else {
        error(key_where, fmt::format("duplicate key '{}' (first at line {})", name, first->second));
        // Still read the value: any problem inside it is worth reporting in the same run.
        convert(entry.second, key_where);
      }
      pointer_.resize(length);
    }
    return result;
  }

  nlohmann::json scalar(const YAML::Node& node, const SourceLocation& where) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    if (tag == "?") return plain_scalar(text, where);
    // Quoted and block scalars carry the non-specific tag "!": always strings.
    if (tag == "!" || tag == std::string(kCoreTagPrefix) + "str") {
      refuse_escaped_controls(text, where, "the string");
      return text;
    }
    if (!std::string_view(tag).starts_with(kCoreTagPrefix)) {
      error(where, fmt::format("unsupported tag '{}' (expected no tag)", display_tag(tag)));
      return text;
    }
    // An explicit core-schema tag asks for that type; the text must be one of its forms.
    const std::string_view type = std::string_view(tag).substr(kCoreTagPrefix.size());
    std::int64_t integer = 0;
    double real = 0.0;
    if (type == "null" && is_null_word(text)) return nullptr;
    if (type == "bool") {
      if (const auto value = bool_word(text)) return *value;
    } else if (type == "int") {
      const Parsed parsed = parse_core_int(text, integer);
      if (parsed == Parsed::kYes) return integer;
      if (parsed == Parsed::kOutOfRange) return out_of_range_integer(text, where);
    } else if (type == "float") {
      Parsed parsed = parse_core_int(text, integer);
      if (parsed == Parsed::kYes) return static_cast<double>(integer);
      parsed = parse_core_float(text, real);
      if (parsed == Parsed::kYes) return finite_number(real, text, where);
      if (parsed == Parsed::kOutOfRange) {
        error(where, float_range_message(text));
        return nullptr;
      }
    } else if (type != "null") {
      error(where, fmt::format("unsupported tag '{}' on a single value (expected no tag)",
                               display_tag(tag)));
      return text;
    }
    const std::string_view expected = type == "null"   ? "null, ~ or nothing"
                                      : type == "bool" ? "true or false"
                                      : type == "int"  ? "an integer"
                                                       : "a number";
    error(where, fmt::format("'{}' does not fit its tag '{}' (expected {})", text, display_tag(tag),
                             expected));
    return text;
  }

  nlohmann::json finite_number(double value, std::string_view text, const SourceLocation& where) {
    if (std::isfinite(value)) return value;
    error(where, non_finite_message(text));
    return nullptr;
  }

  // A quoted scalar can spell with an escape ("\0", "\u0000", "\x07") the control characters
  // the file itself may not contain. None belongs in a scenario: a NUL silently cuts a name short
  // where C interfaces (HDF5 attributes) take it, and the others print as garbage. Tabs and line
  // breaks are text.
  void refuse_escaped_controls(const std::string& text, const SourceLocation& where,
                               std::string_view what) {
    const auto control = std::find_if(text.begin(), text.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F;
    });
    if (control == text.end()) return;
    error(where, fmt::format("{} contains the control character U+{:04X} (expected text without "
                             "control characters other than tab and line break)",
                             what, static_cast<unsigned>(static_cast<unsigned char>(*control))));
  }

  nlohmann::json out_of_range_integer(const std::string& text, const SourceLocation& where) {
    if (const auto value = large_unsigned(text)) return *value;
    error(where, integer_range_message(text));
    return nullptr;
  }

  nlohmann::json plain_scalar(const std::string& text, const SourceLocation& where) {
    if (is_null_word(text)) return nullptr;
    if (const auto value = bool_word(text)) return *value;
    std::int64_t integer = 0;
    switch (parse_core_int(text, integer)) {
      case Parsed::kYes:
        return integer;
      case Parsed::kOutOfRange:
        return out_of_range_integer(text, where);
      case Parsed::kNo:
        break;
    }
    double real = 0.0;
    switch (parse_core_float(text, real)) {
      case Parsed::kYes:
        return finite_number(real, text, where);
      case Parsed::kOutOfRange:
        error(where, float_range_message(text));
        return nullptr;
      case Parsed::kNo:
        break;
    }
    return text;
  }

  const TextIndex& index_;
  SourceMap& locations_;
  Diagnostics& diagnostics_;
  std::string pointer_;
  std::vector<YAML::Node> ancestors_;
  std::size_t values_ = 0;
  std::size_t max_values_;
  bool stopped_ = false;
  bool nesting_reported_ = false;
  bool failed_ = false;
};

// Checks the raw bytes; adds a diagnostic and returns false if they are not YAML text.
bool check_encoding(const TextIndex& index, Diagnostics& diagnostics) {
  const std::string_view text = index.text();
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    const auto byte = static_cast<unsigned char>(text[bad]);
    const bool utf16 = text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
    diagnostics.add(index.at_offset(bad), "",
                    fmt::format("invalid UTF-8 byte 0x{:02X} (expected UTF-8 text{})", byte,
                                utf16 ? "; this file looks UTF-16 encoded, save it as UTF-8" : ""));
    return false;
  }
  if (const std::size_t bad = first_control_character(text); bad != std::string_view::npos) {
    diagnostics.add(index.at_offset(bad), "",
                    fmt::format("control character U+{:04X} is not allowed in YAML (expected "
                                "printable text)",
                                static_cast<unsigned char>(text[bad])));
    return false;
  }
  return true;
}

// Records where each document of the stream starts, building nothing.
class DocumentScan : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> starts;
};

bool same_place(const YAML::Mark& a, const YAML::Mark& b) {
  return a.line == b.line && a.column == b.column;
}

// The character (whole UTF-8 sequence) at `offset`, for "unexpected ','".
std::string_view character_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "end of file";
  const auto lead = static_cast<unsigned char>(text[offset]);
  const std::size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return text.substr(offset, length);
}

void add_yaml_exception(const TextIndex& index, const YAML::Exception& e,
                        Diagnostics& diagnostics) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    // yaml-cpp's own guard (about 2,000 levels) fires before ours can look at the tree, and its
    // mark is not where the nesting happens, so no line is given.
    diagnostics.add(
        {index.file(), 0, 0}, "",
        fmt::format("nesting deeper than {} levels (expected a flatter document)", kMaxNesting));
    return;
  }
  diagnostics.add(index.at(e.mark), "", fmt::format("YAML syntax error: {}", e.msg));
}

// Parses the stream once without building anything: finds syntax errors and where each document
// starts. YAML::LoadAll is not used because yaml-cpp 0.7 loops forever, allocating, on a token
// it cannot place at document level (a stray `,`): it reports an empty document without
// consuming the token, again and again (jbeder/yaml-cpp#1040). Here a document that starts
// where the previous one started is that case, and the scan stops with a syntax error.
// Returns the document start marks, or nullopt after adding a diagnostic.
std::optional<std::vector<YAML::Mark>> scan_documents(const TextIndex& index,
                                                      Diagnostics& diagnostics) {
  DocumentScan scan;
  try {
    ViewBuffer buffer(index.text());
    std::istream stream(&buffer);
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(scan)) {
      const std::size_t count = scan.starts.size();
      if (count >= 2 && same_place(scan.starts[count - 1], scan.starts[count - 2])) {
        const YAML::Mark& stuck = scan.starts.back();
        const std::size_t offset = index.offset(stuck);
        diagnostics.add(
            index.at(stuck), "",
            fmt::format("YAML syntax error: unexpected '{}'",
                        offset == std::string_view::npos ? std::string_view("token")
                                                         : character_at(index.text(), offset)));
        return std::nullopt;
      }
    }
  } catch (const YAML::Exception& e) {
    add_yaml_exception(index, e, diagnostics);
    return std::nullopt;
  }
  return std::move(scan.starts);
}

std::optional<YamlDocument> load_checked_text(const TextIndex& index, Diagnostics& diagnostics) {
  const std::string& file = index.file();
  const std::optional<std::vector<YAML::Mark>> starts = scan_documents(index, diagnostics);
  if (!starts) return std::nullopt;
  if (starts->empty()) {
    diagnostics.add({file, 1, 1}, "",
                    "the file has no content (expected a mapping of sections at the top level)");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    // YAML::Load builds the first document only, which the scan has already checked.
    ViewBuffer buffer(index.text());
    std::istream stream(&buffer);
    root = YAML::Load(stream);
  } catch (const YAML::Exception& e) {
    add_yaml_exception(index, e, diagnostics);
    return std::nullopt;
  }

  YamlDocument document;
  document.locations.set_file(file);
  Converter converter(index, document.locations, diagnostics);
  if (starts->size() > 1) {
    converter.error(index.at((*starts)[1]),
                    "a second document starts here (expected one YAML document)");
  }
  document.value = converter.convert_root(root);
  if (!root.IsMap()) {
    const SourceLocation where = converter.location(root, {file, 1, 1});
    converter.error(where, root.IsNull() ? std::string("the document is empty (expected a mapping "
                                                       "of sections at the top level)")
                                         : fmt::format("the top level is a {} (expected a "
                                                       "mapping of sections at the top level)",
                                                       kind_name(root)));
  }
  if (converter.failed()) return std::nullopt;
  return document;
}

std::string too_large_message(std::uintmax_t size) {
  return fmt::format(
      "file is larger than 256 MiB ({} bytes; expected a scenario file of "
      "reasonable size)",
      size);
}

std::string open_error_message(int error) {
  switch (error) {
    case ENOENT:
      return "cannot open: no such file";
    case EACCES:
    case EPERM:
      return "cannot open: permission denied";
    case EISDIR:
      return "is a directory, expected a YAML file";
    default: {
      std::string reason = std::generic_category().message(error);
      if (!reason.empty() && reason.front() >= 'A' && reason.front() <= 'Z') {
        reason.front() = static_cast<char>(reason.front() - 'A' + 'a');
      }
      return "cannot open: " + reason;
    }
  }
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::optional<YamlDocument> load_file_unguarded(const std::string& path, Diagnostics& diagnostics) {
  const SourceLocation where{path, 0, 0};
  std::error_code ignored;
  const std::filesystem::file_status status = std::filesystem::status(path, ignored);
  if (std::filesystem::is_directory(status)) {
    diagnostics.add(where, "", "is a directory, expected a YAML file");
    return std::nullopt;
  }
  // Refuse before reading, rather than read 256 MiB to find out; the read below still stops at
  // the limit for files whose size is not known in advance (pipes, growing files).
  if (std::filesystem::is_regular_file(status)) {
    const std::uintmax_t size = std::filesystem::file_size(path, ignored);
    if (!ignored && size > kMaxBytes) {
      diagnostics.add(where, "", too_large_message(size));
      return std::nullopt;
    }
  }
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    diagnostics.add(where, "", open_error_message(errno));
    return std::nullopt;
  }
  std::string text;
  std::vector<char> chunk(std::size_t{1} << 16);
  while (text.size() <= kMaxBytes) {
    const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    text.append(chunk.data(), got);
    if (got < chunk.size()) break;
  }
  if (std::ferror(file.get())) {
    const int error = errno;
    diagnostics.add(where, "",
                    error == EISDIR ? open_error_message(error)
                                    : "cannot read: " + std::generic_category().message(error));
    return std::nullopt;
  }
  return load_yaml_text(text, path, diagnostics);
}

}  // namespace

void SourceMap::set(const std::string& pointer, SourceLocation where) {
  values_.insert_or_assign(pointer, std::move(where));
}

void SourceMap::set_key(const std::string& pointer, SourceLocation where) {
  keys_.insert_or_assign(pointer, std::move(where));
}

SourceLocation SourceMap::find(const std::string& pointer) const {
  std::string current = pointer;
  while (true) {
    if (const auto found = values_.find(current); found != values_.end()) return found->second;
    if (current.empty()) return {file_, 0, 0};
    const std::size_t slash = current.rfind('/');
    current.resize(slash == std::string::npos ? 0 : slash);
  }
}

SourceLocation SourceMap::find_key(const std::string& pointer) const {
  if (const auto found = keys_.find(pointer); found != keys_.end()) return found->second;
  return find(pointer);
}

namespace {

// Whether a key must be quoted in a key path to be seen for what it is: an empty key, or one
// with blanks, quotes or control characters (`variants."A B"`, not `variants.A B`).
bool needs_quotes(std::string_view key) {
  return key.empty() || std::any_of(key.begin(), key.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte <= 0x20 || byte == 0x7F || c == '"' || c == '\\';
         });
}

std::string unescape_pointer_token(std::string_view token) {
  std::string key;
  key.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      key += token[++i] == '0' ? '~' : '/';
    } else {
      key += token[i];
    }
  }
  return key;
}

}  // namespace

std::string pointer_to_key_path(const std::string& pointer) {
  if (pointer.empty()) return "";
  std::string path;
  path.reserve(pointer.size());
  // Each '/' starts a reference token; the one before the first token (the root) is dropped.
  std::size_t start = pointer.starts_with('/') ? 1 : 0;
  while (start <= pointer.size()) {
    const std::size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string key =
        unescape_pointer_token(std::string_view(pointer).substr(start, end - start));
    if (!path.empty()) path += '.';
    // JSON's quoting escapes control characters; a stray byte (a --set key) is replaced.
    path += needs_quotes(key)
                ? nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                : key;
    start = end + 1;
  }
  return path;
}

std::optional<YamlDocument> load_yaml_text(std::string_view text, const std::string& file_name,
                                           Diagnostics& diagnostics) {
  // Bad input must come back as diagnostics; only a failure of the machine itself (memory) could
  // still throw in here, and that too is reported rather than let out.
  try {
    if (text.size() > kMaxBytes) {
      diagnostics.add({file_name, 0, 0}, "", too_large_message(text.size()));
      return std::nullopt;
    }
    const TextIndex index(text, file_name);
    if (!check_encoding(index, diagnostics)) return std::nullopt;
    return load_checked_text(index, diagnostics);
  } catch (const std::bad_alloc&) {
    diagnostics.add({file_name, 0, 0}, "", "out of memory while reading (expected a smaller file)");
  } catch (const std::exception& e) {
    diagnostics.add({file_name, 0, 0}, "", fmt::format("cannot read: {}", e.what()));
  }
  return std::nullopt;
}

std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diagnostics) {
  try {
    return load_file_unguarded(path, diagnostics);
  } catch (const std::bad_alloc&) {
    diagnostics.add({path, 0, 0}, "", "out of memory while reading (expected a smaller file)");
  } catch (const std::exception& e) {
    diagnostics.add({path, 0, 0}, "", fmt::format("cannot read: {}", e.what()));
  }
  return std::nullopt;
}

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_key_path(const std::string& key_path) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key_path.find('.', start);
    tokens.push_back(
        key_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return tokens;
    start = dot + 1;
  }
}

}  // namespace circlesim::scenario
