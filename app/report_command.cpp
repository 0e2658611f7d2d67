#include "app/report_command.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "app/command_failure.hpp"
#include "app/option_checks.hpp"
#include "app/signals.hpp"

extern char** environ;

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;

// Debian's interpreter: its h5py, pandas and matplotlib (never the `python3` first on PATH).
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kScript = "circlesim_report.py";

bool is_trace_name(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with("rep-") && name.ends_with(".h5");  // not .h5.part: never complete
}

bool has_traces(const fs::path& directory) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file(error) && is_trace_name(entry.path())) return true;
  }
  if (error) {
    throw CommandFailure(kExitIoError,
                         fmt::format("{}: cannot list: {}", directory.string(), error.message()));
  }
  return false;
}

// DIR/rep-*.h5 or DIR/<variant>/rep-*.h5, as the script reads them.
void check_input(const fs::path& input) {
  std::error_code error;
  const fs::file_status status = fs::status(input, error);
  if (!fs::exists(status)) {
    throw CommandFailure(kExitNoInput, fmt::format("{}: no such directory", input.string()));
  }
  if (!fs::is_directory(status)) {
    throw CommandFailure(kExitNoInput, fmt::format("{}: not a directory", input.string()));
  }
  if (has_traces(input)) return;
  for (const fs::directory_entry& entry : fs::directory_iterator(input, error)) {
    if (entry.is_directory(error) && has_traces(entry.path())) return;
  }
  if (error) {
    throw CommandFailure(kExitIoError,
                         fmt::format("{}: cannot list: {}", input.string(), error.message()));
  }
  throw CommandFailure(kExitNoInput,
                       fmt::format("{}: no complete traces (<variant>/rep-NNNN.h5; .part files of "
                                   "unfinished runs do not count)",
                                   input.string()));
}

// Refuses an output that would replace the input or a directory that is not a report.
void check_output(const fs::path& input, const fs::path& output, bool overwrite) {
  std::error_code error;
  const fs::path in = fs::weakly_canonical(input, error);
  const fs::path out = fs::weakly_canonical(output, error);
  auto contains = [](const fs::path& outer, const fs::path& inner) {
    auto o = outer.begin();
    auto i = inner.begin();
    for (; o != outer.end() && !o->empty(); ++o, ++i) {
      if (i == inner.end() || *o != *i) return false;
    }
    return true;
  };
  if (contains(out, in)) {
    throw CommandFailure(kExitUsage, fmt::format("{}: the report would replace the traces in {}",
                                                 output.string(), input.string()));
  }
  const fs::file_status status = fs::symlink_status(output, error);
  if (!fs::exists(status)) return;
  if (!overwrite) {
    throw CommandFailure(
        kExitIoError,
        fmt::format("{}: already exists (use --overwrite to replace it)", output.string()));
  }
  if (!fs::is_directory(status)) {
    throw CommandFailure(
        kExitIoError,
        fmt::format("{}: exists and is not a directory; not replaced", output.string()));
  }
  if (!fs::is_empty(output, error) && !fs::exists(output / "index.html", error)) {
    throw CommandFailure(kExitIoError, fmt::format("{}: not a report (no index.html); not replaced",
                                                   output.string()));
  }
}

// A new empty directory `<parent>/.<name>.<what>-XXXXXX` beside `output`, on its file system so
// that renaming it is atomic.
fs::path sibling_directory(const fs::path& output, const std::string& what) {
  const fs::path parent = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  std::error_code error;
  fs::create_directories(parent, error);
  if (error) {
    throw CommandFailure(kExitIoError, fmt::format("{}: cannot create directory: {}",
                                                   parent.string(), error.message()));
  }
  std::string pattern =
      (parent / fmt::format(".{}.{}-XXXXXX", output.filename().string(), what)).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw CommandFailure(kExitIoError, fmt::format("{}: cannot create a temporary directory: {}",
                                                   parent.string(), std::strerror(errno)));
  }
  // mkdtemp makes it private (0700); the report gets what mkdir would give it.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  fs::permissions(pattern, fs::perms::all & ~static_cast<fs::perms>(mask), error);
  if (error) {
    throw CommandFailure(kExitIoError,
                         fmt::format("{}: cannot set permissions: {}", pattern, error.message()));
  }
  return pattern;
}

// Removes a directory of ours whatever happens (a failed report leaves nothing).
class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(fs::path path) : path_(std::move(path)) {}
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

// Runs the script; returns its wait status. While it runs, SIGINT or SIGTERM to this process
// are passed on to it.
int run_script(const std::vector<std::string>& arguments, const std::atomic<int>& stop) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, kPython, nullptr, nullptr, argv.data(), environ);
  if (spawned != 0) {
    throw CommandFailure(kExitInternal,
                         fmt::format("cannot run {}: {}", kPython, std::strerror(spawned)));
  }
  bool forwarded = false;
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw CommandFailure(kExitInternal,
                           fmt::format("waiting for {}: {}", kPython, std::strerror(errno)));
    }
    if (stop.load() != 0 && !forwarded) {
      ::kill(child, stop.load());
      forwarded = true;
    }
  }
  return status;
}

// Puts the finished report in place of `output`, replacing an old one only after the new one is
// complete.
void install(const fs::path& finished, const fs::path& output) {
  std::error_code error;
  fs::path old;
  if (fs::exists(fs::symlink_status(output, error))) {
    old = sibling_directory(output, "old");  // empty: rename(2) may replace it
    fs::rename(output, old, error);
    if (error) {
      fs::remove(old, error);
      throw CommandFailure(kExitIoError, fmt::format("{}: cannot move the old report aside: {}",
                                                     output.string(), error.message()));
    }
  }
  fs::rename(finished, output, error);
  if (error) {
    const std::string message = error.message();
    if (!old.empty()) fs::rename(old, output, error);  // put the old report back
    throw CommandFailure(kExitIoError, fmt::format("{}: cannot rename {} to it: {}",
                                                   output.string(), finished.string(), message));
  }
  if (!old.empty()) {
    fs::remove_all(old, error);
    if (error) {
      throw CommandFailure(kExitIoError, fmt::format("{}: cannot remove the old report: {}",
                                                     old.string(), error.message()));
    }
  }
}

}  // namespace

fs::path report_script_directory() {
  if (const char* from_environment = std::getenv("CIRCLESIM_PYTHON_DIR");
      from_environment != nullptr && *from_environment != '\0') {
    return from_environment;
  }
  return CIRCLESIM_PYTHON_DIR;
}

CLI::App* add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* command = app.add_subcommand(
      "report",
      "Write an HTML report (KPIs with confidence intervals, waits, utilisation, coverage map, "
      "unmet demand) of the traces in DIR/<variant>/");
  command->add_option("directory", options.input, "Directory of <variant>/rep-NNNN.h5 traces")
      ->required();
  command->add_option("-o,--output", options.output, "Report directory (index.html and figures)")
      ->required();
  command->add_flag("--overwrite", options.overwrite, "Replace an existing report directory");
  command
      ->add_option("--confidence", options.confidence,
                   "Confidence level of the intervals (default: the run's run.confidence)")
      ->check(finite_range(0.5, 0.9999));
  return command;
}

int run_report(const ReportOptions& options) {
  try {
    const fs::path input = options.input;
    const fs::path output = options.output;
    check_input(input);
    check_output(input, output, options.overwrite);
    const fs::path script = report_script_directory() / kScript;
    if (!fs::is_regular_file(script)) {
      throw CommandFailure(kExitInternal, fmt::format("{}: report script not found (set "
                                                      "CIRCLESIM_PYTHON_DIR to its directory)",
                                                      script.string()));
    }
    const std::atomic<int>& stop = install_stop_signals();
    TemporaryDirectory work(sibling_directory(output, "partial"));
    std::vector<std::string> arguments{kPython, script.string(), input.string(), "-o",
                                       work.path().string()};
    if (options.confidence) {
      arguments.insert(arguments.end(), {"--confidence", fmt::format("{}", *options.confidence)});
    }
    const int status = run_script(arguments, stop);
    if (stop.load() != 0) {
      fmt::print(stderr, "circlesim report: stopped by signal {}; no report written\n",
                 stop.load());
      return 128 + stop.load();
    }
    if (WIFSIGNALED(status)) {
      throw CommandFailure(kExitInternal,
                           fmt::format("{} was killed by signal {}; no report written",
                                       script.string(), WTERMSIG(status)));
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == kExitDataError || code == kExitNoInput) return code;  // the script said why
    if (code != 0) {
      throw CommandFailure(kExitInternal,
                           fmt::format("{} failed (exit {}; its messages are above); no report "
                                       "written",
                                       script.string(), code));
    }
    if (!fs::is_regular_file(work.path() / "index.html")) {
      throw CommandFailure(
          kExitInternal, fmt::format("{} wrote no index.html; no report written", script.string()));
    }
    install(work.path(), output);
    work.release();
    fmt::print("report written to {}\n", (output / "index.html").string());
    return 0;
  } catch (const CommandFailure& failure) {
    fmt::print(stderr, "circlesim report: {}\n", failure.what());
    return failure.code();
  }
}

}  // namespace circlesim::app
