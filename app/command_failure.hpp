// The process exit codes of the command line (sysexits; DESIGN.md section 7) and the exception a
// command throws to end with one of them.
#pragma once

#include <stdexcept>
#include <string>

namespace circlesim::app {

inline constexpr int kExitRunFailed = 1;     // a replication or a regression check failed
inline constexpr int kExitUsage = 64;        // EX_USAGE: bad arguments
inline constexpr int kExitDataError = 65;    // EX_DATAERR: invalid scenario or input data
inline constexpr int kExitNoInput = 66;      // EX_NOINPUT: missing input
inline constexpr int kExitInternal = 70;     // EX_SOFTWARE: internal error
inline constexpr int kExitOutOfMemory = 71;  // EX_OSERR: the machine ran out of memory
inline constexpr int kExitIoError = 74;      // EX_IOERR: a file cannot be read or written

// Ends a command with `code`; the message names the file, directory or option at fault.
class CommandFailure : public std::runtime_error {
 public:
  CommandFailure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int code() const { return code_; }

 private:
  int code_;
};

}  // namespace circlesim::app
