#include "models/scenario/diagnostics.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <tuple>

namespace circlesim::scenario {

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out = diagnostic.where.file;
  if (diagnostic.where.line > 0) {
    out += fmt::format(":{}:{}", diagnostic.where.line, diagnostic.where.column);
  }
  if (!out.empty()) out += ": ";
  if (!diagnostic.key_path.empty()) out += diagnostic.key_path + ": ";
  out += diagnostic.message;
  return out;
}

void Diagnostics::add(SourceLocation where, std::string key_path, std::string message) {
  add(Diagnostic{std::move(where), std::move(key_path), std::move(message)});
}

void Diagnostics::add(Diagnostic diagnostic) {
  if (formatted_.insert(format_diagnostic(diagnostic)).second) {
    items_.push_back(std::move(diagnostic));
  }
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.items_) add(d);
}

std::string Diagnostics::to_string() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
  std::string out;
  for (const Diagnostic& d : sorted) out += format_diagnostic(d) + "\n";
  return out;
}

}  // namespace circlesim::scenario
