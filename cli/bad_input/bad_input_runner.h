#pragma once
// BadInputRunner: runs one command of the bad-input suite as a user would, and says what happened:
// its exit, its output, its real time, and what it left behind. It runs the command in a mount
// namespace of its own with a private /tmp and /dev/shm (when the process may make one, as root or in
// a user namespace), so the run folders it finds there (core/run_folder.h) are the command's and no
// other test's.
#include <filesystem>
#include <string>
#include <vector>

namespace bg::bad_input {

struct Outcome {
  bool exited = false;  // ended by exit, not a signal
  int exit_code = -1;
  int signal = 0;                        // the signal that ended it (a crash), when !exited
  bool hung = false;                     // still running at the deadline (then killed)
  double seconds = 0;                    // real time, measured, never asserted tightly
  std::string output;                    // stdout and stderr together (bounded)
  std::vector<std::string> left_behind;  // run folders and processes that outlived it
  bool isolated = false;                 // /tmp was private (else folders of concurrent tests could be counted)
};

// Makes /tmp and /dev/shm private to this process and its children, if it can and none of `keep_visible` (the
// executable, the sources, the case's folder) lies under /tmp. Call once, before run().
bool isolate_tmp(const std::vector<std::filesystem::path>& keep_visible);

// Runs `command` with /bin/sh -c, in its own process group, killing it past `deadline_seconds`.
// `lock` non-empty: an flock is held on that file while it runs (another run holding --out).
Outcome run(const std::string& command, const std::filesystem::path& lock, bool isolated, int deadline_seconds);

}  // namespace bg::bad_input
