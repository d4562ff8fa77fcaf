#pragma once
// SignalWatcher: how `bluegreen run` (and replay, verify, demo, check, catalogue) meet SIGINT, SIGTERM
// and SIGHUP. The constructor blocks the three signals in the calling thread, so it must run first in
// main, before any thread exists (threads inherit the mask; children reset theirs before exec), and
// starts one thread that waits for them with sigwaitinfo: no work ever runs in a signal handler.
//  - The first signal raises sim::Interrupt: the run in progress stops in order (traffic, scripts,
//    containers, proxy, real nginx), writes its history and reports marked interrupted, removes its
//    folders, and main exits 128+signal.
//  - A second signal forces a fast stop: the run's history is closed as it stands, everything this
//    process started is SIGKILLed, its run folders are removed, and the process exits 128+signal at
//    once, skipping every drain.
#include <atomic>
#include <thread>

namespace bg::cli {

class SignalWatcher {
 public:
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // main's exit code: 128+signal when a signal interrupted the command, else `code`.
  static int exit_code(int code);

 private:
  void watch();
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace bg::cli
