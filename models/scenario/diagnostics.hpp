// Problems found in scenario files, collected rather than thrown one at a time, so that a user
// sees every mistake in one run. Each names its place as `file:line:col: key.path: message`.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

namespace circlesim::scenario {

// Where a value sits in its source file. Lines and columns count from 1; 0 means unknown (a
// file that could not be read at all, a key added by --set).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  SourceLocation where;
  std::string key_path;  // dotted, list items by index or id: services.2.duration.mean
  std::string message;   // what is wrong, ending with "(expected ...)" when that helps
};

// Formats one diagnostic as `file:line:col: key.path: message` (parts that are unknown are left
// out: `file: message` for an unreadable file).
std::string format_diagnostic(const Diagnostic& diagnostic);

class Diagnostics {
 public:
  void add(SourceLocation where, std::string key_path, std::string message);
  // Adds a problem unless the very same one (place, key and message) is already there: the
  // schema check and the model's checks may both find it.
  void add(Diagnostic diagnostic);
  void append(const Diagnostics& other);

  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by file, line and column (stable for equal places), one formatted line each.
  [[nodiscard]] std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  std::unordered_set<std::string> formatted_;
};

}  // namespace circlesim::scenario
