#include "cli/signal_watcher.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>
#include <ctime>

#include "cli/progress_display.h"
#include "core/run_folder.h"
#include "sim/interrupt.h"
#include "sim/process_tree.h"

namespace bg::cli {
namespace {

// What the destructor sends the watching thread to end its wait at once: a real-time signal, which
// nothing else sends this process. (Waiting with a 100 ms timeout to notice the end instead made
// every command wait up to 100 ms more at its exit.)
int wake_signal() { return SIGRTMIN; }

// The stop signals, and the wake-up, blocked in every thread and waited for by the watcher.
sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, wake_signal());
  return set;
}

// stderr without stdio's locks: the main thread may hold them mid-report.
void say(const char* text) {
  for (const char* p = text; *p;) {
    const ssize_t n = ::write(STDERR_FILENO, p, std::strlen(p));
    if (n <= 0) return;
    p += n;
  }
}

// The run folders go once this process is gone: until then its other threads, still stopping the
// run in order, may write into them (and would recreate a folder removed under them). A child waits
// for the exit, then removes them with rm; it only calls async-signal-safe functions before exec.
void remove_folders_after_exit(const std::vector<std::filesystem::path>& folders) {
  if (folders.empty()) return;
  std::vector<std::string> args{"/bin/rm", "-rf", "--"};
  for (const auto& f : folders) args.push_back(f.string());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  if (::fork() != 0) return;
  const timespec tick{0, 5'000'000};
  for (int i = 0; i < 2000 && ::getppid() == parent; ++i) ::nanosleep(&tick, nullptr);  // at most 10 s
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

[[noreturn]] void stop_at_once(int signal) {
  silence_progress_lines();  // its message on a clean line, and no line left after the exit
  say("bluegreen: second signal: killing what the run started and exiting now\n");
  sim::Interrupt::force();  // the history closed as it stands
  sim::kill_descendants();  // scripts and their jobs, a real nginx and its workers
  remove_folders_after_exit(core::own_run_folders());
  ::_exit(128 + signal);  // no destructor runs: they would wait for drains
}

}  // namespace

SignalWatcher::SignalWatcher() {
  const sigset_t set = watched_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  ::pthread_kill(thread_.native_handle(), wake_signal());  // pending until its wait if not there yet
  thread_.join();
}

void SignalWatcher::watch() {
  const sigset_t set = watched_signals();
  while (!done_) {
    const int signal = ::sigwaitinfo(&set, nullptr);
    if (signal <= 0 || signal == wake_signal()) continue;  // EINTR, or the end: done_ is set
    if (sim::Interrupt::raise(signal)) {
      const std::string line = "bluegreen: " + sim::Interrupt::signal_name(signal) +
                               ": stopping the run in order (send it again to stop at once)\n";
      erase_progress_line_for_message();  // not at the end of the progress line; it goes on below
      say(line.c_str());
    } else {
      stop_at_once(signal);
    }
  }
}

int SignalWatcher::exit_code(int code) {
  const int signal = sim::Interrupt::signal();
  return signal ? 128 + signal : code;
}

}  // namespace bg::cli
