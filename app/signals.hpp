// SIGINT and SIGTERM during a run: the handler only records the signal; the run polls it, stops,
// and closes its traces as interrupted; the command then exits 128 + the signal number.
#pragma once

#include <atomic>

namespace circlesim::app {

// Installs the handlers (and ignores SIGXFSZ, so that a file-size limit shows up as a write
// error instead of killing the process). The returned flag holds the signal number, or 0.
const std::atomic<int>& install_stop_signals();

}  // namespace circlesim::app
