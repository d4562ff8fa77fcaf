#pragma once
// ProcessCensus: what this process holds right now — open descriptors, threads, live child
// processes, listening TCP sockets — read from /proc, so a test can show a run leaves nothing behind.
#include <string>

namespace bg::sim {

struct ProcessCensus {
  int fds = 0;
  int threads = 0;
  int children = 0;   // processes whose parent is this one (zombies included)
  int listening = 0;  // TCP sockets of this process in LISTEN state
  std::string children_detail;

  static ProcessCensus take();
};

}  // namespace bg::sim
